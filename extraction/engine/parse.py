"""From rows to an :class:`ExtractionResult`: header fields, the codes block, confidences."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from . import fields as F
from . import header as H
from . import titles as T
from .catalog import Catalog
from .code_block import find_code_rows, header_rows, parse_codes
from .code_checks import (
    cells_unread,
    code_layout_gap,
    code_lines_unread,
    code_rows_clipped,
    codes_unread,
    codes_unsplit,
    lines_between_codes_unread,
)
from .data.exams import EXAM_TITLES
from .hesitations import CLEANERS, unsure_below, unsure_codes, unsure_fields
from .labels import vocabulary
from .layout import SEGMENT_GAP, Row
from .review import PATH_CONFIDENCE, Evidence, assess
from .sections import REPORT_END, REPORT_MARKERS, STATEMENT, is_prose
from .shapes import SHAPED_FIELDS, by_shape
from .types import ExtractionError, ExtractionResult
from .validators import VALIDATORS

FIELD_ORDER = (
    "applicant_name",
    "ftn",
    "applicant_id",
    "exam_id",
    "exam_title",
    "exam_date",
    "exam_site",
    "score",
    "grade",
    "take",
    "expiration_date",
)
# Values copied from the page as printed: no catalogue or calendar checks them.
COPIED_FIELDS = tuple(CLEANERS)


def is_aktr(rows: Sequence[Row], hits: Sequence[H.LabelHit]) -> bool:
    """Whether the rows are a knowledge test report: a report's wording and two of its core
    labels, or four core labels. With labels garbled past reading (a blurred photo), a report's
    wording, a known test's title and an exam ID (its long number) or one core label still say
    so; so do a known test's title and four fields labelled, where the report's wording was
    lost or never printed (a template with neither heading nor paragraph of a report's words).
    The result is then read with what it has, and its gaps sent to review."""
    fields_seen = {h.field for h in hits}
    marker = any(REPORT_MARKERS.search(r.text) for r in rows)
    core = len(
        fields_seen & {"applicant_name", "exam_title", "exam_date", "grade", "exam_id", "ftn", "applicant_id"}
    )
    if (marker and core >= 2) or core >= 4:
        return True
    if _title_without_label(rows, set()) is None:
        return False
    if not marker:
        return len(fields_seen) >= 4
    return core >= 1 or any(_LONG_NUMBER.search(r.text) for r in rows)


def header_labels(rows: Sequence[Row]) -> list[H.LabelHit]:
    """Labels of the report's fields.

    Not below the instructor's statement (its blanks are no report fields), not in a row that
    opens with a code (a code's description may hold a colon), and without a colon not in
    the last line of a paragraph (``... before the practical test.``).
    """
    statement_at: dict[int, int] = {}
    for i, row in enumerate(rows):
        if row.page not in statement_at and STATEMENT.search(row.text):
            statement_at[row.page] = i
    kept = []
    found = H.find_labels(rows)
    labelled = {hit.row for hit in found}
    code_led = {r for r in labelled if H.opens_with_code(rows[r].text)}
    for hit in found:
        row = rows[hit.row]
        if hit.row >= statement_at.get(row.page, len(rows)):
            continue
        if hit.row in code_led:
            continue
        previous = rows[hit.row - 1] if hit.row else None
        if (
            not hit.colon
            and not (hit.value and SEGMENT_GAP in row.text)  # a label cell beside its value's cell
            and previous is not None
            and previous.page == row.page
            and hit.row - 1 not in labelled
            and len(previous.text.split()) >= 8
            and is_prose(previous.text)
            and SEGMENT_GAP not in previous.text
            and not _label_and_value_alone(hit, row)
        ):
            continue
        kept.append(hit)
    return kept


def _label_and_value_alone(hit: H.LabelHit, row: Row) -> bool:
    """A short row of a label and a value valid for its field, with no full stop: a field
    (``TAKE 1``) that a tilted photo set after a paragraph's line, not the paragraph's end."""
    text = row.text.strip()
    value = hit.value.strip()
    return (
        bool(value)
        and not text.endswith(".")
        and len(text.split()) <= 6
        and text.endswith(value)
        and VALIDATORS[hit.field](value)
    )


def parse_rows(rows: Sequence[Row], catalog: Catalog, *, path: str = "text") -> ExtractionResult:
    hits = header_labels(rows)
    if not is_aktr(rows, hits):
        raise ExtractionError(
            "not_an_aktr", "The document is readable but is not an Airman Knowledge Test Report."
        )
    result = ExtractionResult(path=path)
    base = PATH_CONFIDENCE.get(path, 0.9)
    conf: dict[str, float] = {}
    found, consumed = H.read_header(rows, hits)
    raw: dict[str, tuple[str, float]] = {name: (f.text, f.confidence) for name, f in found.items()}
    shaped = _read_by_shape(rows, raw, consumed)

    def put(name: str, value: object, c: float) -> None:
        setattr(result, name, value)
        conf[name] = round(max(0.0, min(1.0, c)), 3) if value is not None else 0.0

    value: str | None
    for name in COPIED_FIELDS:
        text, rc = raw.get(name, ("", 0.0))
        if name == "applicant_name":
            value = F.clean_name(text, ocr=path != "text")
        elif name == "ftn":
            value = F.clean_ftn(text)
            if value is None and path != "text" and "applicant_id" not in raw:
                misread = F.find_misread_ftn(rows)
                if misread:
                    consumed.add(misread[0])
                    value, rc = misread[1], 0.8 * rows[misread[0]].confidence
        elif name == "exam_id":
            value = F.clean_digits(text, min_len=6, ocr=path != "text")
            if value is None and (inferred := _unclaimed_exam_id(rows, consumed, hits)):
                # Its label was misread past knowing (``EXAM E``) or is worded like no other,
                # but the exam ID is the one run of a dozen digits or more a report prints.
                row_index, value = inferred
                consumed.add(row_index)
                rc = 0.7 * rows[row_index].confidence
        elif name == "applicant_id":
            value = F.clean_applicant_id(text, ocr=path != "text")
        else:
            value = F.clean_site(text, ocr=path != "text")
        put(name, value, base * rc if value else 0.0)

    title_raw, rc = raw.get("exam_title", ("", 0.0))
    unchecked_title = "exam_title" in found and found["exam_title"].placement == "unchecked"
    if (not title_raw or unchecked_title) and (printed := _title_without_label(rows, consumed)) is not None:
        # Some layouts print the exam's title as a heading, with no label, and OCR may garble
        # a label past knowing: a title ending in a test code the engine knows identifies it.
        index, title_raw, rc = printed
        consumed.add(index)
    title, code, tconf = T.clean_title(title_raw, ocr=path != "text")
    put("exam_title", title, base * rc * tconf)
    put("exam_code", code, base * rc * tconf)

    for name in ("exam_date", "expiration_date"):
        text, rc = raw.get(name, ("", 0.0))
        value = F.parse_date(text)
        put(name, value, base * rc if value else 0.0)
    ev = Evidence(expiration_disagrees=check_expiration(result, conf, base))
    # A value invalid as read is doubtful, unless a check stands in for it: the expiration
    # date follows from the exam date, and the score is checked against the grade.
    derived = {"score"} | ({"expiration_date"} if result.exam_date else set())
    ev.unchecked = [name for name, f in found.items() if f.placement == "unchecked" and name not in derived]
    if result.exam_date and result.expiration_date == F.expiration_for(result.exam_date, result.exam_code):
        # Two dates that agree as the validity rule says are confirmed whatever named them.
        shaped = [name for name in shaped if name not in ("exam_date", "expiration_date")]
    ev.inferred = shaped
    if path != "text":
        if result.applicant_name and (
            "," not in result.applicant_name
            or _glued_given_names(result.applicant_name)
            or _WORD_THEN_STOP.search(raw.get("applicant_name", (result.applicant_name, 0.0))[0])
            or _APOSTROPHE_LOST.match(result.applicant_name)
            or any(ch.isdigit() for ch in result.applicant_name)
        ):
            # Reports print LAST, FIRST: a comma was lost, or read as a full stop after a word
            # (``ST, JAMES. ALEXANDRA``: the two marks swapped, even where the cleaning swapped
            # them back), or an apostrophe lost; a name
            # has no digit, so one that does ran into the next cell (``R FIN A9M2S165``).
            ev.doubtful.append("applicant_name")
        hesitations = unsure_fields(rows, found, result)
        ev.unsure = [name for name, p in hesitations.items() if p < unsure_below(name)]
        ev.rival_weight = min(hesitations.values(), default=1.0)
        id_read = raw.get("applicant_id", ("", 0.0))[0].strip()
        if result.applicant_id and id_read[:1] in ("O", "Q") and result.applicant_id[0] == "0":
            # A leading O or Q is read as the 0 it usually is; some IDs open with a letter.
            ev.doubtful.append("applicant_id")
        if result.exam_site and not F.site_whole(result.exam_site):
            ev.doubtful.append("exam_site")
        if result.exam_title and (
            T.title_cut_short(result.exam_title, result.exam_code)
            or T.title_words_unknown(result.exam_title)
            or T.title_shares_no_word(result.exam_title, result.exam_code)
        ):
            ev.doubtful.append("exam_title")  # words of the known title lost (a line cut short)
    ev.fuzzy_labels = sum(1 for h in hits if h.score < 0.95)  # matched through an OCR slip

    text, rc = raw.get("score", ("", 0.0))
    score, sconf = F.parse_score(text, ocr=path != "text")
    put("score", score, base * rc * sconf)
    if score is None:
        conf["score"] = round(base * (rc or 0.9) * sconf, 3) if "score" in raw else 0.8
        ev.score_said_none = "score" in raw and sconf >= 0.9
    text, rc = raw.get("grade", ("", 0.0))
    if not text and (alone := _grade_without_label(rows, consumed)) is not None:
        # A grade word standing alone in a cell names the grade whatever its label read as.
        index, text, rc = alone
        consumed.add(index)
    put("grade", F.parse_grade(text), base * rc)
    ev.score_dropped = _check_score_against_grade(result, conf)
    text, rc = raw.get("take", ("", 0.0))
    put("take", F.parse_take(text), base * rc)
    if path != "text" and result.take is not None and result.take > LIKELY_TAKES:
        ev.doubtful.append("take")  # another field's number taken for it (a score of 82)

    ev.conflicts = _conflicts(result, found, ocr=path != "text")
    ev.looked = [
        name
        for name, f in found.items()
        if f.row < len(rows) and rows[f.row].looked and _look_doubted(name, getattr(result, name, None))
    ]
    code_rows = parse_codes(rows, consumed, result, catalog, path, ev)
    finish_confidence(result, conf)
    used = consumed | {i for i, _ in code_rows}
    ev.codes_unread = (
        codes_unread(rows, used, result, catalog)
        + codes_unsplit(rows, code_rows, result, catalog)
        + code_lines_unread(rows, used)
        + cells_unread(rows, code_rows, result)
        + lines_between_codes_unread(rows, code_rows, used)
        + code_rows_clipped(rows, code_rows)
    )
    if path != "text":
        ev.code_layout_gap = code_layout_gap(rows, code_rows)
        ev.codes_unsure = unsure_codes(rows, code_rows, result, catalog)
    # Some tests print no score at all: missing, it is doubted only when the page shows one.
    unclaimed = (row.text for i, row in enumerate(rows) if i not in used and not REPORT_END.search(row.text))
    labelled = "score" in found or any(h.field == "score" and h.colon for h in hits)
    labelled = labelled or any(_score_label_opens(row.text) for _, row in header_rows(rows))
    ev.score_printed = labelled or any(_PERCENT.search(t) or _LONE_SCORE.match(t) for t in unclaimed)
    ev.row_confidence = min((rows[i].confidence for i in used if i < len(rows)), default=1.0)
    result.signals = assess(result, ev)
    return result


# A full stop after a word of a name, other than an abbreviation's (``JR.``, ``ST.``).
_WORD_THEN_STOP = re.compile(r"\b(?!(?:JR|SR|JNR|SNR)\.)[A-Za-z]{3,}\.(?=\s|[A-Za-z])", re.IGNORECASE)


# More attempts than anyone makes at one knowledge test: 14 CFR 61.49 asks for an
# instructor's endorsement before each retest.
LIKELY_TAKES = 12

# A surname of the ``O'NEIL`` family read without its apostrophe, which a blurred photo can
# lose without a trace in the recogniser's frames: English surnames seldom put these
# consonants straight after an opening O (``OKAFOR``, ``OLSON``, ``ORTIZ`` and ``OCHOA`` do not
# match).
_APOSTROPHE_LOST = re.compile(r"O(?:[BDFGHJMNPQTVZ]|C(?!H))[A-Z]+,", re.IGNORECASE)


def _glued_given_names(name: str) -> bool:
    """A given name of twelve letters or more: two names the reading ran together
    (``GRACECHRISTOPHER``); the longest common given names have eleven."""
    given = name.split(",", 1)[1] if "," in name else ""
    return any(len(word) >= 12 and word.isalpha() for word in given.split())


def _read_by_shape(rows: Sequence[Row], raw: dict[str, tuple[str, float]], consumed: set[int]) -> list[str]:
    """Fields no label gave a value, read from a cell of their value's shape alone (labels a
    scan faded away); ``raw`` and ``consumed`` gain them, and their names are returned."""
    missing = {name for name in SHAPED_FIELDS if not raw.get(name, ("", 0.0))[0].strip()}
    if "applicant_id" in raw or F.find_misread_ftn(rows):
        missing.discard("ftn")  # an older report's applicant ID, or an FTN under a misread label
    if not missing:
        return []
    known: dict[str, str | None] = {
        name: F.parse_date(raw[name][0]) for name in ("exam_date", "expiration_date") if name in raw
    }
    shaped = by_shape(rows, missing, [text for text, _ in raw.values()], known)
    for name, found in shaped.items():
        raw[name] = (found.text, found.confidence)
        consumed.add(found.row)
    return sorted(shaped)


_LONG_NUMBER = re.compile(r"(?<![\w./-])\d{12,22}(?![\w./-])")


def _unclaimed_exam_id(
    rows: Sequence[Row], consumed: set[int], hits: Sequence[H.LabelHit]
) -> tuple[int, str] | None:
    """The one run of 12 to 22 digits in the header that no label claimed, with its row."""
    claimed = {h.value for h in hits}
    first_code = next((i for i, _ in find_code_rows(rows, consumed)), len(rows))
    found = [
        (i, m.group(0))
        for i, row in enumerate(rows[:first_code])
        for m in _LONG_NUMBER.finditer(row.text)
        if not any(m.group(0) in value for value in claimed)
    ]
    return found[0] if len(found) == 1 else None


_PERCENT = re.compile(r"(?<![\d.])\d{1,3}(?:[.,]\d{1,2})?\s*%")
# A row of a score alone, its sign perhaps read as a digit (``56 8``): its label was lost.
_LONE_SCORE = re.compile(r"\s*(?:100|[1-9]\d)(?:\s*%|\s+(?:8|96|9/6))?\s*$")
# The words opening a row up to its first digit: a label run into its number (``PERCENTAGE77``).
_WORDS_TO_DIGIT = re.compile(r"\s*([A-Za-z][A-Za-z .()%#]{2,30}?)\s*[:.\-]?\s*(?=\d)")


def _look_doubted(name: str, value: object) -> bool:
    """Whether a value only a second look read is doubted. Looks are for the glyph page
    detection drops, a lone narrow ``1``; any other value is one detection had every chance
    to box, as likely a speck or a rule read as a digit (a take of 8 for a 1)."""
    return value is not None and not (name == "take" and value == 1)


def _score_label_opens(text: str) -> bool:
    """Whether the row opens with a score label before a number, read or not: a score is
    printed there, and one missing from the result is doubted."""
    m = _WORDS_TO_DIGIT.match(text)
    found = vocabulary().classify(m.group(1)) if m else None
    return found is not None and found[0] == "score"


# OCR may read a capital I of the code as a lower-case l (``(BGl)``), or lower a letter drawn
# like its capital (``(CAx)``).
# Besides a title's own glyphs, the marks OCR makes of a blurred letter (``Fli~ht Fn~inoor``).
# The closing parenthesis may be lost at the end of the line (``Airplane (ATM``).
_TITLE_WITH_CODE = re.compile(
    r"[A-Za-z][A-Za-z0-9 /&,.'\"~_-]{2,}\(\s*(?P<code>[A-Z][A-Za-z|]{2})\s*(?P<close>\))?"
)
# Acronyms in parentheses that name no test (``... learning statement code (PLT)``).
_NOT_TEST_CODES = frozenset({"PLT", "ACS", "FAA", "FTN", "CFR", "LSC", "DOT"})
# Lower-case letters drawn like their capitals: a case slip in a test code (``(CAx)``).
_CODE_CASE = str.maketrans("lcosuvwxz|", "ICOSUVWXZI")


def _header_cells(rows: Sequence[Row]) -> Iterator[tuple[int, str]]:
    """(row index, cell text) of every cell above the codes, whole rows first."""
    for i, row in header_rows(rows):
        yield i, row.text.strip()
        cells = H.cells_of(row)
        if len(cells) > 1:
            for cell in cells:
                yield i, cell.text.strip()


def _title_without_label(rows: Sequence[Row], consumed: set[int]) -> tuple[int, str, float] | None:
    """The first row or cell above the codes that is a title of a few words with a test code
    the engine knows in parentheses, and nothing else: (row index, text, confidence).

    A whole row must be one no label used; a cell may stand in a row another field's value
    shares (``1131932293931251   Aviation Mechanic General (AMG)``), the title's text being no
    valid value of any other field.
    """
    for i, cell in _header_cells(rows):
        whole = cell == rows[i].text.strip()
        text = T.close_code_gap(cell)
        if whole and i in consumed:
            continue
        m = _TITLE_WITH_CODE.fullmatch(text.rstrip(" .,;:"))
        if m is None:
            continue
        code = m["code"].translate(_CODE_CASE)
        if not code.isupper():
            continue  # a lower-case letter unlike its capital: no test code
        if sum(ch.isdigit() for ch in text) * 5 > sum(ch.isalpha() for ch in text):
            continue  # digits OCR gave for a letter or two, not a line of numbers
        known = code in EXAM_TITLES
        if not known and (not whole or code in _NOT_TEST_CODES or not m["close"]):
            continue
        if len(text.split()) <= (10 if known else 8) and T.known_title_end(text, code):
            return i, text, (0.9 if whole else 0.8) * rows[i].confidence
    return None


_GRADE_ALONE = re.compile(r"(?:UN)?SATISFACTORY|PASS(?:ED)?|FAIL(?:ED)?", re.IGNORECASE)


def _grade_without_label(rows: Sequence[Row], consumed: set[int]) -> tuple[int, str, float] | None:
    """The grade when one grade word alone fills a cell above the codes, and no other grade
    word does: (row index, text, confidence). Two different ones leave it unknown."""
    seen: dict[str, tuple[int, str]] = {}
    for i, text in _header_cells(rows):
        alone = _GRADE_ALONE.fullmatch(text) or F.grade_word(text) is not None
        if alone and (grade := F.parse_grade(text)) is not None:
            seen.setdefault(grade, (i, text))
    if len(seen) != 1:
        return None
    index, text = next(iter(seen.values()))
    return index, text, 0.8 * rows[index].confidence


_READERS: dict[str, Callable[[str, bool], object]] = {
    "exam_date": lambda text, ocr: F.parse_date(text),
    "score": lambda text, ocr: F.parse_score(text, ocr=ocr)[0],
    "grade": lambda text, ocr: F.parse_grade(text),
    "exam_id": lambda text, ocr: F.clean_digits(text, min_len=6, ocr=ocr),
    "ftn": lambda text, ocr: F.clean_ftn(text),
}


def _conflicts(result: ExtractionResult, found: dict[str, H.Found], *, ocr: bool) -> list[str]:
    """Fields another label of theirs gave a different value: a report prints each once, so
    one label was misread (``EXPIR. DT`` read as a date label); the value kept is doubted."""
    out = []
    for name, read in _READERS.items():
        kept = getattr(result, name)
        if kept is None or name not in found:
            continue
        if any((other := read(text, ocr)) is not None and other != kept for text in found[name].others):
            out.append(name)
    return out


def _check_score_against_grade(result: ExtractionResult, conf: dict[str, float]) -> bool:
    """Every knowledge test passes at 70%: a score on the wrong side of that for the grade was
    misread (digits are what OCR confuses, the grade word is not), so it is left out, not guessed."""
    if result.score is None or result.grade is None:
        return False
    if (result.score >= F.PASSING_SCORE) != (result.grade == "PASS"):
        result.score = None
        conf["score"] = 0.3
        return True
    return False


def check_expiration(result: ExtractionResult, conf: dict[str, float], base: float) -> bool:
    """The expiration date follows from the exam date: use that to confirm or repair a reading.

    True when the two disagree beyond a misread day (one of them is wrong, which is unknown).
    """
    if not result.exam_date:
        return False
    expected = F.expiration_for(result.exam_date, result.exam_code)
    if result.expiration_date == expected:
        conf["exam_date"] = max(conf.get("exam_date", 0.0), base)
        conf["expiration_date"] = max(conf.get("expiration_date", 0.0), base)
        return False
    if result.expiration_date is None or result.expiration_date[:7] == expected[:7]:
        # Unread, or only the day misread: the day is always the month's last.
        result.expiration_date = expected
        conf["expiration_date"] = round(0.8 * base, 3)
        return False
    conf["expiration_date"] = round(min(conf.get("expiration_date", 0.0), 0.6), 3)
    conf["exam_date"] = round(min(conf.get("exam_date", 0.0), 0.6), 3)
    return True


def finish_confidence(result: ExtractionResult, conf: dict[str, float]) -> None:
    if result.ftn is None and result.applicant_id is not None:
        conf.pop("ftn", None)
    elif result.applicant_id is None:
        conf.pop("applicant_id", None)
    conf["codes"] = round(min((d.confidence for d in result.codes_detail), default=1.0), 3)
    if result.unresolved:
        conf["codes"] = round(min(conf["codes"], 0.4), 3)
    result.field_confidence = {k: conf[k] for k in (*FIELD_ORDER, "exam_code", "codes") if k in conf}
    required = ("applicant_name", "exam_id", "exam_title", "exam_date", "grade", "codes")
    result.confidence = round(min(result.field_confidence.get(k, 0.0) for k in required), 3)
