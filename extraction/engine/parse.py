"""From rows to an :class:`ExtractionResult`: header fields, the codes block, confidences."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from . import fields as F
from . import header as H
from .catalog import Catalog
from .codes import (
    ACCEPT_COST,
    HEADING_END,
    MARGIN,
    Resolution,
    Resolver,
    inner_tokens,
    looks_like_acs,
    normalize_strict,
    plt_of,
    resolver_for,
    tokens_of_row,
)
from .data.exams import EXAM_PREFIXES
from .grammar import PLT_CODE_RE, roman_value
from .layout import SEGMENT_GAP, Row
from .review import Evidence, assess
from .types import CodeDetail, ExtractionError, ExtractionResult, Unresolved

# Headings of the instructor's part of the report (AC 61-65 endorsements). Running text that
# merely mentions an authorized instructor is not one.
_STATEMENT_WORDS = (
    r"AUTHORI[ZS]ED\s+INSTRUCTOR'?S|INSTRUCTOR'?S?\s+(?:STATEMENT|ENDORSEMENT|CERTIFICATION)"
    r"|RETEST\s+ENDORSEMENT|ENDORSEMENT\s*\(?\s*14\s*CFR"
)
_STOP = re.compile(rf"DO\s*NOT\s*LOSE|KEEP\s+THIS\s+REPORT|{_STATEMENT_WORDS}", re.IGNORECASE)
_MARKERS = re.compile(
    r"KNOWLEDGE\s+TEST\s+REPORT|AIRMAN\s+KNOWLEDGE|DO\s*NOT\s*LOSE\s+THIS\s+REPORT|"
    r"AIRMAN\s+CERTIFICATION\s+STANDARDS|LEARNING\s+STATEMENT",
    re.IGNORECASE,
)
_STATEMENT = re.compile(_STATEMENT_WORDS, re.IGNORECASE)
_ACS_PARAGRAPH = re.compile(r"CERTIFICATION\s+STANDARDS|\(ACS\)|ACS\s+CODES?", re.IGNORECASE)
_PLT_PARAGRAPH = re.compile(r"LEARNING\s+STATEMENT", re.IGNORECASE)
_WORD = re.compile(r"(?<![\w.])[A-Za-z]{3,}(?![\w.])")

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

# Confidence a value gets from the reading path before field checks.
_PATH_CONF = {"text": 1.0, "ocr": 0.9}


def is_aktr(rows: Sequence[Row], hits: Sequence[H.LabelHit]) -> bool:
    fields_seen = {h.field for h in hits}
    marker = any(_MARKERS.search(r.text) for r in rows)
    core = len(
        fields_seen & {"applicant_name", "exam_title", "exam_date", "grade", "exam_id", "ftn", "applicant_id"}
    )
    return (marker and core >= 2) or core >= 4


def header_labels(rows: Sequence[Row]) -> list[H.LabelHit]:
    """Labels of the report's fields.

    Not below the instructor's statement (its blanks are no report fields), not in a row that
    opens with a code (a code's description may hold a colon), and without a colon not in
    the last line of a paragraph (``... before the practical test.``).
    """
    statement_at: dict[int, int] = {}
    for i, row in enumerate(rows):
        if row.page not in statement_at and _STATEMENT.search(row.text):
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
            and previous is not None
            and previous.page == row.page
            and hit.row - 1 not in labelled
            and len(previous.text.split()) >= 8
            and is_prose(previous.text)
            and SEGMENT_GAP not in previous.text
        ):
            continue
        kept.append(hit)
    return kept


def is_prose(text: str) -> bool:
    """Running text (three words or more): never a value, and codes in it do not count."""
    return len(_WORD.findall(text)) >= 3


def parse_rows(rows: Sequence[Row], catalog: Catalog, *, path: str = "text") -> ExtractionResult:
    hits = header_labels(rows)
    if not is_aktr(rows, hits):
        raise ExtractionError(
            "not_an_aktr", "The document is readable but is not an Airman Knowledge Test Report."
        )
    result = ExtractionResult(path=path)
    base = _PATH_CONF.get(path, 0.9)
    conf: dict[str, float] = {}
    found, consumed = H.read_header(rows, hits)
    raw: dict[str, tuple[str, float]] = {name: (f.text, f.confidence) for name, f in found.items()}

    def put(name: str, value: object, c: float) -> None:
        setattr(result, name, value)
        conf[name] = round(max(0.0, min(1.0, c)), 3) if value is not None else 0.0

    value: str | None
    for name in ("applicant_name", "ftn", "applicant_id", "exam_id", "exam_site"):
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
    if not title_raw and (printed := _title_without_label(rows, consumed)) is not None:
        # Some layouts print the exam's title as a heading, with no label: its test code in
        # parentheses, one the engine knows, identifies it.
        title_raw, rc = rows[printed].text.strip(), 0.9 * rows[printed].confidence
        consumed.add(printed)
    title, code, tconf = F.clean_title(title_raw, ocr=path != "text")
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
    if path != "text":
        if result.applicant_name and "," not in result.applicant_name:
            ev.doubtful.append("applicant_name")  # reports print LAST, FIRST: a comma was lost
        if result.exam_title and F.title_cut_short(result.exam_title, result.exam_code):
            ev.doubtful.append("exam_title")  # words of the known title lost (a line cut short)
    ev.fuzzy_labels = sum(1 for h in hits if h.score < 0.95)  # matched through an OCR slip

    text, rc = raw.get("score", ("", 0.0))
    score, sconf = F.parse_score(text, ocr=path != "text")
    put("score", score, base * rc * sconf)
    if score is None:
        conf["score"] = round(base * (rc or 0.9) * sconf, 3) if "score" in raw else 0.8
        ev.score_said_none = "score" in raw and sconf >= 0.9
    text, rc = raw.get("grade", ("", 0.0))
    put("grade", F.parse_grade(text), base * rc)
    ev.score_dropped = _check_score_against_grade(result, conf)
    text, rc = raw.get("take", ("", 0.0))
    put("take", F.parse_take(text), base * rc)

    code_rows = _parse_codes(rows, consumed, result, catalog, path, ev)
    finish_confidence(result, conf)
    used = consumed | {i for i, _ in code_rows}
    if path != "text":
        ev.code_layout_gap = _code_layout_gap(rows, code_rows)
    # Some tests print no score at all: missing, it is doubted only when the page shows one.
    unclaimed = (row.text for i, row in enumerate(rows) if i not in used and not _STOP.search(row.text))
    labelled = "score" in found or any(h.field == "score" and h.colon for h in hits)
    ev.score_printed = labelled or any(_PERCENT.search(t) for t in unclaimed)
    ev.row_confidence = min((rows[i].confidence for i in used if i < len(rows)), default=1.0)
    result.signals = assess(result, ev)
    return result


def _code_layout_gap(rows: Sequence[Row], code_rows: Sequence[tuple[int, list[str]]]) -> bool:
    """Whether the OCR seems to have lost a line or a cell of the codes block.

    Codes are printed in evenly spaced lines, and a grid fills its rows first (row by row or
    column by column, a row never holds more codes than the one above it). A line missing
    between two lines read leaves twice the spacing; a cell missing leaves a row shorter than
    a later one.
    """
    by_page: dict[int, list[tuple[int, list[str]]]] = {}
    for i, tokens in code_rows:
        by_page.setdefault(rows[i].page, []).append((i, tokens))
    for block in by_page.values():
        centres = [(rows[i].y0 + rows[i].y1) / 2 for i, _ in block]
        steps = [b - a for a, b in itertools.pairwise(centres)]
        if len(steps) >= 2:
            usual = sorted(steps)[len(steps) // 2]
            for (i, _), (j, _), step in zip(block, block[1:], steps, strict=False):
                if j == i + 1 and step > 1.75 * usual:
                    return True
        pure = [len(tokens) for i, tokens in block if len(tokens_of_row(rows[i].text)) == len(tokens)]
        if max(pure, default=0) >= 2 and any(a < b for n, a in enumerate(pure) for b in pure[n + 1 :]):
            return True
    return False


_LONG_NUMBER = re.compile(r"(?<![\w./-])\d{12,22}(?![\w./-])")


def _unclaimed_exam_id(
    rows: Sequence[Row], consumed: set[int], hits: Sequence[H.LabelHit]
) -> tuple[int, str] | None:
    """The one run of 12 to 22 digits in the header that no label claimed, with its row."""
    claimed = {h.value for h in hits}
    first_code = next((i for i, _ in _code_rows(rows, consumed)), len(rows))
    found = [
        (i, m.group(0))
        for i, row in enumerate(rows[:first_code])
        for m in _LONG_NUMBER.finditer(row.text)
        if not any(m.group(0) in value for value in claimed)
    ]
    return found[0] if len(found) == 1 else None


_PERCENT = re.compile(r"(?<![\d.])\d{1,3}(?:[.,]\d{1,2})?\s*%")
_TITLE_WITH_CODE = re.compile(r"[A-Za-z][A-Za-z /&,-]{5,}\(\s*(?P<code>[A-Z]{3})\s*\)")


def _title_without_label(rows: Sequence[Row], consumed: set[int]) -> int | None:
    """The first row above the codes that is a title of a few words with a test code in
    parentheses, and nothing else."""
    for i, row in enumerate(rows):
        text = row.text.strip()
        if _STOP.search(text) or _code_row_tokens(text):
            return None
        if i not in consumed and len(text.split()) <= 10 and _TITLE_WITH_CODE.fullmatch(text):
            return i
    return None


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


def _code_rows(rows: Sequence[Row], consumed: set[int]) -> list[tuple[int, list[str]]]:
    """Rows that carry codes, with their code tokens: below the header, above the report's end.

    A cell gives codes when it opens with one (``UA.III.B.K1b   b. Wind and currents``: the
    description beside it is no code) or when codes are at least half of its tokens; running
    text that quotes a code in passing (the explanatory paragraph) gives none.
    """
    first_label = min(consumed) if consumed else 0
    stopped_pages: set[int] = set()
    out = []
    for i, row in enumerate(rows):
        if row.page in stopped_pages:
            continue
        if _STOP.search(row.text):
            stopped_pages.add(row.page)
            continue
        if i in consumed or (row.page == rows[first_label].page and i < first_label):
            continue
        found = _code_row_tokens(row.text)
        if found:
            out.append((i, found))
    return out


def _code_row_tokens(text: str) -> list[str]:
    """The code tokens of a row, from the cells that open with a code or are mostly codes."""
    found: list[str] = []
    # A heading before the codes on their row (``ACS codes missed: 1) UA.I.B.K21b``) is a cell
    # of its own even when the OCR joined it to the first code.
    for cell in re.split(rf"{SEGMENT_GAP}|{HEADING_END.pattern}", text):
        tokens = tokens_of_row(cell)
        codes = [t for t in tokens if looks_like_acs(t) or plt_of(t)]
        if codes and (tokens[0] == codes[0] or len(codes) * 2 >= len(tokens) or not is_prose(cell)):
            found.extend(codes)
    return found


def prefixes_of_exam(result: ExtractionResult, catalog: Catalog) -> frozenset[str]:
    code = result.exam_code or ""
    prefixes = set(EXAM_PREFIXES.get(code, ())) | set(catalog.prefixes_by_exam.get(code, ()))
    return frozenset(p for p in prefixes if p in catalog.by_prefix)


_PREFIX_FIX = str.maketrans("1l|05842", "IIIOSBAZ")


def _voted_prefixes(tokens: Sequence[str], catalog: Catalog) -> frozenset[str]:
    """ACS prefixes of a report whose test code is unknown or unread, from its codes' heads.

    Every prefix that opens at least a fifth of the tokens counts (an FIA report mixes AI and
    FI codes); the head is read with the digit-for-letter slips of OCR (``A1`` is ``AI``).
    """
    votes = Counter(
        head for t in tokens if (head := t[:2].upper().translate(_PREFIX_FIX)) in catalog.by_prefix
    )
    total = sum(votes.values())
    chosen = frozenset(p for p, n in votes.items() if n * 5 >= total)
    return chosen or frozenset(catalog.by_prefix)


def _parse_codes(
    rows: Sequence[Row],
    consumed: set[int],
    result: ExtractionResult,
    catalog: Catalog,
    path: str,
    ev: Evidence,
) -> list[tuple[int, list[str]]]:
    """Fill the codes of the result; return the rows they were read from, with their tokens."""
    resolver: Resolver = resolver_for(catalog)
    all_text = "\n".join(r.text for r in rows)
    tokens: list[tuple[str, float]] = []
    code_rows = _code_rows(rows, consumed)
    for i, row_tokens in code_rows:
        tokens.extend((tok, rows[i].confidence) for tok in row_tokens)
    if len(tokens) > MAX_CODE_TOKENS:
        # Each token not in the catalogue costs a search: a page of thousands is no report.
        raise ExtractionError(
            "document_too_complex",
            f"The report lists {len(tokens)} codes; at most {MAX_CODE_TOKENS} are read.",
        )
    # Where each code token stands: (row, place in its row), for grids printed column by column.
    places = [(n, k) for n, (_, row_tokens) in enumerate(code_rows) for k, _ in enumerate(row_tokens)]
    places = [p for p, (t, _) in zip(places, tokens, strict=True) if plt_of(t) is None and looks_like_acs(t)]

    acs_tokens = [(t, c) for t, c in tokens if plt_of(t) is None and looks_like_acs(t)]
    plt_tokens = [(plt_of(t), t, c) for t, c in tokens if plt_of(t) is not None]

    # The codes printed say which kind they are; the paragraph decides only when both kinds
    # or neither are read (a heading may say "ACS codes" above learning statement codes).
    if plt_tokens and not acs_tokens:
        kind = "plt"
    elif acs_tokens and not plt_tokens:
        kind = "acs"
    elif _PLT_PARAGRAPH.search(all_text) and not _ACS_PARAGRAPH.search(all_text):
        kind = "plt"
    elif _ACS_PARAGRAPH.search(all_text):
        kind = "acs"
    elif plt_tokens and len(plt_tokens) >= len(acs_tokens):
        kind = "plt"
    elif prefixes_of_exam(result, catalog):
        kind = "acs"  # no code printed: a test with an ACS reports ACS codes
    else:
        kind = "plt" if (result.applicant_id and not result.ftn) else "acs"
    result.code_kind = kind  # type: ignore[assignment]

    details: dict[str, CodeDetail] = {}
    unresolved: list[Unresolved] = []
    if kind == "plt":
        for code, raw, rc in plt_tokens:
            assert code is not None
            c = (1.0 if raw == code else 0.85) * _PATH_CONF.get(path, 0.9) * rc
            if PLT_CODE_RE.match(code) and code not in details:
                details[code] = CodeDetail(code, "", "", "", "", round(c, 3), raw)
        result.codes = sorted(details)
        result.codes_detail = [details[c] for c in result.codes]
        result.unresolved = unresolved
        return code_rows

    exam_prefixes = prefixes = prefixes_of_exam(result, catalog)
    if not prefixes:
        prefixes = _voted_prefixes([t for t, _ in acs_tokens], catalog)
    reads = [(tok, rc, _resolve(resolver, tok, prefixes)) for tok, rc in acs_tokens]
    if path != "text":
        reads = _follow_print_order(reads, resolver, prefixes, ev, places)
    for tok, rc, res in reads:
        strict = normalize_strict(tok)
        if res.code is None and strict is not None and not resolver.sub_letter_is_blind(tok, strict):
            # Printed in the grammar but outside the exam's prefixes or the catalogue.
            entry = catalog.get(strict)
            if entry is None:
                # Only catalogue codes are ever reported: a code the catalogue does not know
                # (another edition, a typo on a re-typed copy) is left for a person to check.
                unresolved.append(Unresolved(tok, "not in the catalogue", res.candidates))
                continue
            c = 0.5 * rc
            ev.codes_outside_exam += 1
            if strict not in details:
                details[strict] = code_detail(catalog, strict, c, tok)
            continue
        if res.code is None:
            unresolved.append(Unresolved(tok, res.reason, res.candidates))
            continue
        c = max(0.0, 1.0 - res.cost / 2) * _PATH_CONF.get(path, 0.9) * rc
        if res.code.split(".")[0] not in exam_prefixes and result.exam_code:
            c *= 0.7
            ev.codes_outside_exam += 1
        if res.reason == "print order":
            ev.repaired_codes += 1
        elif res.cost > 0:
            ev.fuzzy_codes += 1
        prev = details.get(res.code)
        if prev is None or prev.confidence < c:
            details[res.code] = code_detail(catalog, res.code, c, tok)
    result.codes = sorted(details)
    result.codes_detail = [details[c] for c in result.codes]
    result.unresolved = unresolved
    ev.exam_known = bool(exam_prefixes)
    return code_rows


def _resolve(resolver: Resolver, token: str, prefixes: frozenset[str]) -> Resolution:
    """The token's catalogue code; failing that, the code inside it behind a list mark or a
    stray glyph (``2.CA.IV.M.K3``), when that one resolves cleanly."""
    res = resolver.resolve(token, prefixes)
    if res.code is not None:
        return res
    for tail in inner_tokens(token, prefixes):
        inner = resolver.resolve(tail, prefixes)
        if inner.code is not None:
            return Resolution(inner.code, inner.cost + 0.1, inner.candidates, inner.reason)
    return res


MAX_CODE_TOKENS = 400  # a report lists a few dozen codes at most (one per deficient element)
ORDER_SLIP = 0.6  # confusion a print-order repair may undo: a lost or doubled stroke (III read as II)
ORDER_PENALTY = 0.3  # added to the repaired code's cost: the order is evidence, not a reading


def _follow_print_order(
    reads: list[tuple[str, float, Resolution]],
    resolver: Resolver,
    prefixes: frozenset[str],
    ev: Evidence,
    places: Sequence[tuple[int, int]] = (),
) -> list[tuple[str, float, Resolution]]:
    """Reports print their codes sorted: use that order where a reading breaks it.

    Many OCR slips turn a code into another catalogue code (``AM.III.I.K4`` read as
    ``AM.II.I.K4``), which the catalogue alone cannot catch; printed between ``AM.III.F.K9``
    and ``AM.III.K.R2`` it is out of place. A reading out of place (or left unresolved) after
    the run's first code, whose neighbours in the run leave room for exactly one catalogue
    code a confusion away, becomes that code (printed codes are a set: a neighbour's own code
    does not fit). Readings not printed in order (three in four at least) are left alone.
    Reports sort either as text or by the numbers the roman numerals stand for, and fill a
    grid row by row or column by column: the order that holds the most readings is the one
    followed. A resolved reading out of place that no repair fits is counted in
    ``ev.order_breaks``: it is probably misread.
    """
    n = len(reads)
    by_rows = list(range(n))
    by_columns = sorted(by_rows, key=lambda k: (places[k][1], places[k][0])) if len(places) == n else by_rows
    best: tuple[int, list[int], OrderKey, set[int]] | None = None
    for sequence in (by_rows, by_columns):
        codes = [reads[k][2].code for k in sequence]
        known = [i for i, c in enumerate(codes) if c is not None]
        orders: tuple[OrderKey, ...] = (_as_text, _as_numbers)
        for order in orders:
            found = _sorted_run(known, codes, order)
            if best is None or len(found) > best[0]:
                best = (len(found), sequence, order, found)
    assert best is not None
    _, sequence, key, run = best
    codes = [reads[k][2].code for k in sequence]
    known = [i for i, c in enumerate(codes) if c is not None]
    if len(known) < 4 or len(run) < len(known) - max(1, len(known) // 4):
        return reads
    out = list(reads)
    for i, k in enumerate(sequence):
        tok, rc, res = reads[k]
        if i in run:
            continue
        lo = max((key(codes[j] or "") for j in run if j < i), default=None)
        hi = min((key(codes[j] or "") for j in run if j > i), default=None)
        if lo is None:
            # Before the run's first code only an upper bound frames it: too loose (a grid cell
            # the OCR put first would turn into a wrong code). After the last code the lower
            # bound suffices: the common slip drops a stroke (III read as II), which moves a
            # code back, so a closing code out of place is that slip far more often.
            ev.order_breaks += res.code is not None
            continue
        budget = res.cost + ORDER_SLIP if res.code else ACCEPT_COST
        fits = [
            (cost, c)
            for cost, c in resolver.nearby(tok, prefixes, min(budget, ACCEPT_COST))
            if c != res.code and lo < key(c) and (hi is None or key(c) < hi)
        ]
        if not fits or (len(fits) > 1 and fits[1][0] - fits[0][0] < MARGIN):
            ev.order_breaks += res.code is not None
            continue
        cost, code = fits[0]
        out[k] = (tok, rc, Resolution(code, cost + ORDER_PENALTY, [c for _, c in fits[:5]], "print order"))
    return out


OrderKey = Callable[[str], Any]


def _as_text(code: str) -> Any:
    return code


def _as_numbers(code: str) -> Any:
    """Sort key of a code by the values of its area numeral and element number."""
    parts = code.split(".")
    if len(parts) != 4:
        return (code,)
    prefix, area, task, element = parts
    number = roman_value(area)
    m = re.match(r"([A-Z])(\d+)(.*)", element)
    return (
        (prefix, number, task, m.group(1), int(m.group(2)), m.group(3))
        if m
        else (prefix, number, task, element)
    )


def _sorted_run(indexes: list[int], codes: list[str | None], key: OrderKey = _as_text) -> set[int]:
    """Indexes of the longest run of codes that is sorted in reading order."""
    keys = {i: key(codes[i] or "") for i in indexes}
    best: dict[int, list[int]] = {}
    for n, i in enumerate(indexes):
        best[i] = [i]
        for j in indexes[:n]:
            if keys[j] <= keys[i] and len(best[j]) + 1 > len(best[i]):
                best[i] = [*best[j], i]
    longest: list[int] = max(best.values(), key=lambda run: len(run), default=[])
    return set(longest)


def code_detail(catalog: Catalog, code: str, confidence: float, raw: str) -> CodeDetail:
    entry = catalog.get(code)
    if entry is None:
        return CodeDetail(
            code, "", code.split(".")[1], code.split(".")[2], code.split(".")[3][0], round(confidence, 3), raw
        )
    return CodeDetail(
        code,
        entry.description,
        entry.area_title or entry.area,
        entry.task_title or entry.task,
        entry.element_type,
        round(confidence, 3),
        raw,
    )


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
