"""The report header: which text is a field label, and where each label's value stands.

Labels are data (``data/labels.json``), matched loosely by :mod:`.labels`: case, punctuation,
word order, parenthesised units (``Score (%)``), ``#`` or ``No.`` for *number*, and an OCR slip
or two in a long word all still match. A label is found three ways, each checked against the value it
yields so that a word in a value or a heading is not taken for a label:

* before a colon (``Exam Date/Time: 04/03/2026 10:42``), several to a row;
* alone in a cell, its value in the next cell of the row or in the cell below it (forms that
  print the label above the value, in columns);
* as the first words of a cell whose rest is a valid value of that field (colon lost).

Values are typed (:mod:`.validators`): a date must parse as a date, a score as a percentage, a
grade as a grade, so a value in the wrong place is not taken, and the next candidate is.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from .fields import SURNAME_BEFORE_STOP
from .labels import IGNORED, MAX_LABEL_WORDS, Vocabulary, vocabulary
from .layout import SEGMENT_GAP, Row, Segment
from .sections import is_prose
from .validators import VALIDATORS, Validator

MAX_CELL_WORDS = 12  # a cell longer than this is prose: only a colon makes a label in it
LABEL_WINDOW = 120  # characters before a colon where its label may start

# --------------------------------------------------------------------------- layout


@dataclass(frozen=True, slots=True)
class Cell:
    """A run of a row's text between wide gaps, with its horizontal extent."""

    text: str
    x0: float
    x1: float


def cells_of(row: Row) -> list[Cell]:
    """The row's cells with positions: from its segments, else from character columns."""
    parts = [p for p in row.text.split(SEGMENT_GAP) if p.strip()]
    if len(row.segments) > 1 and sum(1 for s in row.segments if s.text.strip()) >= len(parts):
        cells: list[Cell] = []
        segments = [s for s in row.segments if s.text.strip()]
        index = 0
        for part in parts:
            # Consume the segments that make up this part of the joined text.
            want = len(part.replace(" ", ""))
            got = 0
            x0 = segments[min(index, len(segments) - 1)].x0
            x1 = x0
            while index < len(segments) and got < want:
                got += len(segments[index].text.strip().replace(" ", ""))
                x1 = segments[index].x1
                index += 1
            cells.append(Cell(part.strip(), x0, x1))
        return cells
    if len(row.segments) > 1 and (matched := _cells_by_text(parts, row.segments)) is not None:
        return matched
    # One box for the whole row (OCR lines, plain text): place cells by character position.
    x0, x1 = (row.segments[0].x0, row.segments[0].x1) if row.segments else (0.0, float(len(row.text)))
    per_char = (x1 - x0) / max(len(row.text), 1)
    out = []
    for m in re.finditer(r"\S+(?: \S+)*", row.text):
        out.append(Cell(m.group(0), x0 + m.start() * per_char, x0 + m.end() * per_char))
    return out


# --------------------------------------------------------------------------- finding labels


@dataclass(slots=True)
class LabelHit:
    """A label found in a row: its field, where it stands and the text right of it."""

    field: str
    row: int
    value: str
    start: float  # x of the label
    end: float  # x where the label's column ends (next label on the row, else +inf)
    score: float = 1.0
    how: str = "colon"  # "colon": before a colon; "cell": a cell of its own; "opening": a cell's first words
    apart: bool = False  # the text right of it stands in a cell of its own, past a gap

    @property
    def colon(self) -> bool:
        return self.how == "colon"


# What ends a label: a colon (OCR: a semicolon), or a dash standing between blanks.
_COLON = re.compile(
    r"(?<![0-9\s])\s*[:;]|(?<=[A-Za-z)%#.])\s+[:;]|(?P<dash>(?<=[A-Za-z)%#.])\s+[-\u2013\u2014]+(?=\s|$))"
)
# A full stop after a label's last word or unit works as a colon on some reports (``APPLICANT.
# DOE``), and OCR may close the gap before a number (``Take number.5``, ``TAKE-1``, ``TAKE#-1``,
# ``RECORD NO.-2153``, ``SCORE (PERCENT).92``).
# A percent sign closing a label may read as 8 (``Score 8. 79%``); a number sign may run
# straight into its number (``TAKE#2``), and so may a label's last letter or its unit when
# the number is all that follows (``PERCENTAGE77``, ``SCORE(%)97``).
_STOP_MARK = re.compile(
    r"(?<=[A-Za-z)])\.\s+(?=\S)|(?<=[A-Za-z]\s8)\.\s+(?=\S)|(?<=[A-Za-z#)%])[.-]{1,3}(?=[0-9])"
    r"|(?<=[A-Za-z]#)(?=[0-9])|(?<=[A-Za-z]{3}|\S\S[)%])(?=[0-9]{1,20}%?$)"
)


_HASH_READINGS = frozenset({"S", "H", "N", "F"})


def _label_before(text: str, vocab: Vocabulary) -> tuple[int, str, float] | None:
    """The longest run of words ending the text that is a label: (start, field, score)."""
    words = list(re.finditer(r"\S+", text))
    # A label's words hold no digit and no colon: the run stops at the previous value.
    plain = 0
    while plain < len(words) and not re.search(r"[0-9:;]", words[-plain - 1].group(0)):
        plain += 1
    # A lone letter closing the label, of the shapes OCR makes of ``#``, is that mark misread
    # (``TAKE #:`` read as ``TAKE S:``).
    lone = bool(words) and words[-1].group(0).strip(".") in _HASH_READINGS
    for n in range(min(MAX_LABEL_WORDS, plain), 0, -1):
        start = words[-n].start()
        found = vocab.classify(text[start:], colon=True)
        if found is None and lone and n >= 2:
            found = vocab.classify(text[start : words[-1].start()], colon=True)
            found = (found[0], round(found[1] * 0.9, 3)) if found is not None else None
        if found is not None:
            return start, found[0], found[1]
    return None


# Without a colon or a gap, a heading's first word may look like a label (``Candidate Score
# Report``): names and titles must then have their printed shape.
_ANY = re.compile("")
_OPENING_SHAPE = {
    # ``LAST, FIRST``, or its comma read as a full stop (``ABERNATHY. TY``, ``SMITH JR.. ANA``: the
    # name cleaner mends it).
    "applicant_name": re.compile(rf"^[^,]{{2,}},\s*\S|^{SURNAME_BEFORE_STOP}\.\s+[A-Za-z]", re.IGNORECASE),
    "exam_title": re.compile(r"\(\s*[A-Z0-9]{3}\s*\)"),
}


def _opening_value_fits(field: str, value: str) -> bool:
    return VALIDATORS[field](value) and _OPENING_SHAPE.get(field, _ANY).search(value) is not None


def _label_opening(text: str, vocab: Vocabulary) -> tuple[int, str, float] | None:
    """The longest run of words opening the text, not all of it, that is a label whose field
    accepts the rest as its value (``EXAM DATE 04/03/2026``, colon lost): (end, field, score)."""
    words = list(re.finditer(r"\S+", text))
    for n in range(min(MAX_LABEL_WORDS, len(words) - 1), 0, -1):
        end = words[n - 1].end()
        found = vocab.classify(text[:end])
        if found is None or found[0] == IGNORED:
            continue
        rest = text[end:].strip(" :;.-")
        if rest and _opening_value_fits(found[0], rest):
            return end, found[0], found[1]
    return None


def _label_full_stop(text: str, vocab: Vocabulary) -> tuple[int, str, float] | None:
    """A label that opens the text and ends in a full stop (or a dash right before a number),
    its value after it: (value start, field, score). A label may hold an abbreviation's full
    stop itself (``App. ID.611400248``): each mark is tried in turn, within a label's length."""
    for m in _STOP_MARK.finditer(text):
        if len(text[: m.start()].split()) > MAX_LABEL_WORDS:
            return None
        glued = re.search(r"[A-Za-z]+$", text[: m.start()]) if m.start() == m.end() else None
        if glued is not None and glued.group(0).upper() not in vocab.words():
            continue  # digits run into a value's letters (``XAA957356``), not a label's word
        found = vocab.classify(text[: m.start()])
        if found is not None and found[0] != IGNORED and VALIDATORS[found[0]](text[m.end() :]):
            return m.end(), found[0], found[1]
    return None


_UNIT_THEN_COLON = re.compile(r"\([^()]{1,12}\)\s*:\s*(?=\S)")


def _cells_by_text(parts: Sequence[str], segments: Sequence[Segment]) -> list[Cell] | None:
    """Cells placed by the segments whose text they are, when the row holds text no segment
    has (a second look added it): such a part stands just right of the cell before it. None
    unless most parts are found."""
    texts = [s.text.strip() for s in segments if s.text.strip()]
    boxes = [s for s in segments if s.text.strip()]
    cells: list[Cell] = []
    index = 0
    found = 0
    for part in (p.strip() for p in parts):
        if index < len(texts) and texts[index] == part:
            cells.append(Cell(part, boxes[index].x0, boxes[index].x1))
            index += 1
            found += 1
            continue
        x0 = cells[-1].x1 + 1.0 if cells else boxes[0].x0
        cells.append(Cell(part, x0, x0 + 1.0))
    return cells if found * 2 > len(parts) and index == len(texts) else None


def _row_labels(row: Row, r: int, vocab: Vocabulary) -> list[LabelHit]:
    """Labels of one row, each with the raw text up to the next label of the row."""
    text = row.text
    cells = cells_of(row)
    # (label start, value start, field, score, how) as offsets into the row's text.
    found: list[tuple[int, int, str, float, str]] = []
    offset = 0
    spans: list[tuple[int, int, Cell]] = []
    for cell in cells:
        at = text.find(cell.text, offset)
        if at < 0:
            at = offset
        spans.append((at, at + len(cell.text), cell))
        offset = at + len(cell.text)
    for at, stop, _cell in spans:
        own = text[at:stop]
        pieces: list[tuple[int, int, str, float, str]] = []
        for m in _COLON.finditer(own):
            # A label is a few words: only the text just before the mark is looked at, so a
            # row of thousands of marks costs linear time.
            window = max(0, m.start() - LABEL_WINDOW)
            label = _label_before(own[window : m.start()], vocab)
            if label is None:
                continue
            start, field, score = label
            start += window
            if pieces and start < pieces[-1][1]:
                continue
            how = "colon"
            if m.group("dash"):
                # A dash also joins words of a heading (``Knowledge Test - Score Report``):
                # it ends a label only before a value of the label's field, or before nothing.
                after = own[m.end() :].strip()
                if after and (field == IGNORED or not _opening_value_fits(field, after)):
                    continue
                how = "opening"
            pieces.append((at + start, at + m.end(), field, score, how))
        if not pieces and len(own.split()) <= MAX_CELL_WORDS:
            whole = vocab.classify(own)
            if whole is not None:
                pieces.append((at, stop, whole[0], whole[1], "cell"))
            else:
                opening = _label_opening(own, vocab)
                stopped = _label_full_stop(own, vocab)
                if stopped is not None and (opening is None or stopped[0] >= opening[0]):
                    pieces.append((at, at + stopped[0], stopped[1], stopped[2], "colon"))
                elif opening is not None:
                    pieces.append((at, at + opening[0], opening[1], opening[2], "opening"))
        found.extend(pieces)
    starts = [at for at, _, _ in spans]
    hits: list[LabelHit] = []
    for i, (start, value_at, field, score, how) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        raw = text[value_at:stop]
        apart = SEGMENT_GAP in raw[: len(raw) - len(raw.lstrip(" :;\t"))]
        value = raw.strip(" :;\t")
        if unit := _UNIT_THEN_COLON.match(value):
            value = value[unit.end() :]  # ``SCORE   (PCT):73%``: the label's unit, set apart by OCR
        column_end = _x_at(spans, starts, found[i + 1][0]) if i + 1 < len(found) else float("inf")
        hits.append(LabelHit(field, r, value, _x_at(spans, starts, start), column_end, score, how, apart))
    return hits


def _x_at(spans: Sequence[tuple[int, int, Cell]], starts: Sequence[int], offset: int) -> float:
    """The horizontal position of a character offset of the row's text (``starts``: the
    spans' first offsets, for the search)."""
    i = bisect.bisect_right(starts, offset) - 1
    if 0 <= i < len(spans) and offset <= spans[i][1]:
        at, stop, cell = spans[i]
        per_char = (cell.x1 - cell.x0) / max(stop - at, 1)
        return cell.x0 + (offset - at) * per_char
    return spans[-1][2].x1 if spans else 0.0


def find_labels(rows: Sequence[Row], *, include_ignored: bool = False) -> list[LabelHit]:
    """Every label occurrence of the rows, in reading order."""
    vocab = vocabulary()
    hits: list[LabelHit] = []
    for r, row in enumerate(rows):
        for hit in _row_labels(row, r, vocab):
            if include_ignored or hit.field != IGNORED:
                hits.append(hit)
    return hits


def is_label_only(text: str) -> bool:
    """A row that is one field label and nothing else (its value missing or on the next row)."""
    stripped = text.strip()
    found = vocabulary().classify(stripped.rstrip(":; "))
    if found is None or found[0] == IGNORED or len(text.split()) > MAX_LABEL_WORDS:
        return False
    # A wording only the word rules know may be a heading (``AIRMAN KNOWLEDGE TEST REPORT``):
    # alone on its row it counts as a label when a colon closes it.
    return found[1] == 1.0 or stripped.endswith((":", ";"))


# --------------------------------------------------------------------------- values per field


@dataclass(slots=True)
class Found:
    """The raw value a field got, where it came from, and how sure the placement is."""

    text: str
    row: int
    confidence: float
    placement: str  # how its label stands ("colon", "cell", "opening"), "below" it, "retyped", "unchecked"
    # Valid values other labels of the same field gave (a report prints a field once: two
    # different ones mean a label was misread, and which is right is unknown).
    others: list[str] = dataclass_field(default_factory=list)


# Strongest first: a colon label's value, a label cell's neighbour, the cell under a label,
# a label run into its value with neither colon nor gap, a value invalid as read.
_CODE_LIKE = re.compile(r"\b[A-Z]{2}\.[IVX1l|]{1,4}\.[A-Z]\.|\bPLT\s?\d{3}\b")  # a code row is no value


def opens_with_code(text: str) -> bool:
    """A row that opens with a code (after a list mark): a code and its description."""
    m = _CODE_LIKE.search(text)
    return m is not None and not re.search(r"[A-Za-z]{2}", text[: m.start()])


_UNSURE = ("retyped", "unchecked")  # placements that may well be another field's value
_PLACEMENT_RANK = {"colon": 0, "cell": 1, "below": 2, "opening": 3, "retyped": 4, "unchecked": 5}


def read_header(rows: Sequence[Row], hits: Sequence[LabelHit]) -> tuple[dict[str, Found], set[int]]:
    """The raw value of each field and the rows the header used (labels and values below them).

    A label's value is the text right of it when that is a valid value of the field; else the
    cell under the label's column in one of the next two rows of the page (for a colon label,
    only when nothing or a speck stands right of it); else, for a colon label, the text as read
    (OCR may have garbled a valid value: the cleaners still try). The first valid placement of a
    field wins, inline before below.
    """
    label_cells: dict[int, list[LabelHit]] = {}
    for h in hits:
        label_cells.setdefault(h.row, []).append(h)
    used: set[int] = {h.row for h in hits}
    chosen: dict[str, Found] = {}
    # A grade label (``RESULT``) printed beside a number is the score's: each grade label is
    # also tried as a score label, ranked after every placement of a real score label.
    tries = [(h, h.field) for h in hits] + [(h, "score") for h in hits if h.field == "grade"]
    for h, field in tries:
        if field == IGNORED:
            continue
        retyped = field != h.field
        valid = VALIDATORS[field]
        confidence = min(rows[h.row].confidence, 1.0) * h.score
        found: Found | None = None
        # In a row of labels (two or more without a value) the values stand below; text the
        # OCR put beside a label there is a stray piece of the row under it.
        peers = label_cells[h.row]
        row_of_labels = len(peers) >= 2 and any(not x.value for x in peers) and h.row + 1 not in label_cells
        if (
            h.value
            and valid(h.value)
            and not row_of_labels
            and not ((h.how == "cell" or SEGMENT_GAP in h.value) and _labelish(h.value))
            and not _name_below(rows, h, field, label_cells, valid)
        ):
            found = Found(h.value, h.row, confidence, h.how)
        elif (
            not h.value
            or not h.colon
            or row_of_labels
            or len(h.value) <= 2
            or h.apart
            or _first_cell_invalid(h.value, valid)
        ):
            # Text beside a colon label that is no valid value of it is a speck (a glyph or
            # two), or, standing apart or running across cells, other labels OCR garbled past
            # knowing (``SCORE ACHIEVED:   PASS / FA1L``, the values below): the column below
            # is tried first.
            below = _value_below(rows, h, label_cells, valid)
            if below is not None:
                k, text = below
                found = Found(text, k, min(rows[k].confidence, 1.0) * h.score, "below")
                used.add(k)
            elif h.value and valid(h.value):
                found = Found(h.value, h.row, confidence, h.how)
        if found is None and h.value and not retyped and (h.colon or not is_prose(h.value)):
            # (Without a colon, running text beside a word that names a field is no value:
            # ``... the practical test.   Below are the ACS codes ...``.)
            found = Found(h.value, h.row, confidence, "unchecked")
        if found is None:
            continue
        if retyped:
            found.placement = "retyped"
        best = chosen.get(field)
        if best is None or _PLACEMENT_RANK[found.placement] < _PLACEMENT_RANK[best.placement]:
            if best is not None:
                found.others = [*best.others, *([best.text] if best.placement not in _UNSURE else [])]
            chosen[field] = found
        elif found.placement not in _UNSURE:
            best.others.append(found.text)
    return chosen, used


def _name_below(
    rows: Sequence[Row], hit: LabelHit, field: str, label_cells: dict[int, list[LabelHit]], valid: Validator
) -> bool:
    """A name label's neighbour without the comma names are printed with (``PTN I``, another
    label misread) while the cell under the label holds ``LAST, FIRST``: the name is below."""
    if field != "applicant_name" or "," in hit.value:
        return False
    below = _value_below(rows, hit, label_cells, valid)
    return below is not None and "," in below[1]


def _labelish(value: str) -> bool:
    """A label's neighbour, its first cell or all the cells beside it, made of label words."""
    vocab = vocabulary()
    return vocab.labelish(value.split(SEGMENT_GAP)[0]) or vocab.labelish(value.replace(SEGMENT_GAP, " "))


def _first_cell_invalid(value: str, valid: Validator) -> bool:
    """Text beside a label running across cells whose first cell is no value of the field."""
    return SEGMENT_GAP in value and not valid(value.split(SEGMENT_GAP)[0].strip())


def in_column(cell: Cell, hit: LabelHit) -> bool:
    """A cell stands in the label's column when a quarter of its width at least lies there: a
    value that starts at a neighbour's column edge (a skewed page) is the neighbour's."""
    overlap = min(cell.x1, hit.end) - max(cell.x0, hit.start)
    return overlap > 0.25 * max(cell.x1 - cell.x0, 1.0)


def _value_below(
    rows: Sequence[Row], hit: LabelHit, label_cells: dict[int, list[LabelHit]], valid: Validator
) -> tuple[int, str] | None:
    """The valid value in the label's column, in one of the next two rows of its page."""
    page = rows[hit.row].page
    for k in (hit.row + 1, hit.row + 2):
        if k >= len(rows) or rows[k].page != page:
            return None
        if k in label_cells:
            return None  # another row of labels: this label has no value below it
        if _CODE_LIKE.search(rows[k].text):
            return None  # the codes have begun: no header value stands below them
        column: list[str] = []
        for cell in cells_of(rows[k]):
            if not in_column(cell, hit) or _CODE_LIKE.search(cell.text):
                continue
            if k in label_cells and any(x.start <= cell.x0 < x.end for x in label_cells[k]):
                continue
            if column and column[-1].endswith(","):
                # ``LINDQVIST,   EMILY K``: OCR parted a name at its comma; the rest follows.
                column[-1] = f"{column[-1]} {cell.text}"
                if valid(column[-1]):
                    return k, column[-1]
                continue
            if valid(cell.text) and not cell.text.endswith(","):
                return k, cell.text
            column.append(cell.text)
        if len(column) == 1 and valid(column[0]):
            return k, column[0]
        # One value the OCR cut into pieces (``17 August``, ``2020``, ``17:18:14``).
        if len(column) > 1 and valid(joined := " ".join(column)):
            return k, joined
    return None
