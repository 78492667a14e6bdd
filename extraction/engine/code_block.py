"""The code block of a report: which rows hold codes, and each code read against the catalogue.

Rows below the header and above the end of the report give code tokens (a cell that opens
with a code, or is mostly codes); the report's test code or, failing that, the codes' own heads
choose the ACS prefixes; each token is resolved against the catalogue, and on OCR pages a
reading that breaks the print order of its neighbours is repaired when the order allows one
catalogue code only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .catalog import Catalog
from .code_tokens import (
    HEADING_END,
    inner_tokens,
    looks_like_acs,
    looks_like_squashed_acs,
    mostly_capitals,
    number_cut_joined,
    plt_of,
    plt_slipped,
    prefix_of,
    tokens_of_row,
)
from .codes import (
    ACCEPT_COST,
    MARGIN,
    Learned,
    Read,
    Resolution,
    Resolver,
    document_confusions,
    normalize_strict,
    resolver_for,
)
from .data.exams import ACS_PREFIXES, EXAM_PREFIXES, EXAM_TITLES
from .descriptions import settle_by_description
from .grammar import PLT_CODE_RE, roman_value
from .layout import SEGMENT_GAP, Row
from .review import PATH_CONFIDENCE, Evidence
from .sections import ACS_PARAGRAPH, REPORT_END, explained_kinds, is_prose
from .squashed_lines import blurred_code_rows, lone_codes, with_lone_neighbours
from .types import CodeDetail, ExtractionError, ExtractionResult, Unresolved


def find_code_rows(rows: Sequence[Row], consumed: set[int]) -> list[tuple[int, list[str]]]:
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
        if REPORT_END.search(row.text):
            stopped_pages.add(row.page)
            continue
        if i in consumed or (row.page == rows[first_label].page and i < first_label):
            continue
        found = code_row_tokens(row.text)
        if found:
            out.append((i, found))
    return with_lone_neighbours(rows, out, consumed)


def header_rows(rows: Sequence[Row]) -> Iterator[tuple[int, Row]]:
    """(index, row) of the rows above the codes and the report's end: where header values stand."""
    for i, row in enumerate(rows):
        text = row.text.strip()
        if REPORT_END.search(text) or code_row_tokens(text):
            return
        yield i, row


# A cell of one token in capitals that no code shape claims (``AMLFKT``): beside codes of its
# prefix, a code garbled past reading.
_STRAY = re.compile(r"[A-Z]{2}[A-Z0-9|.,]{3,14}")
_GARBLED = re.compile(r"[A-Z]{2}[A-Za-z0-9|.,]{3,14}")


def _garbled_code(cell: str) -> bool:
    """A cell of one token of a code's length, in capitals but for a slip or two."""
    return bool(_GARBLED.fullmatch(cell)) and mostly_capitals(cell)


def code_row_tokens(text: str) -> list[str]:
    """The code tokens of a row, from the cells that open with a code or are mostly codes."""
    per_cell: list[list[tuple[str, bool]]] = []
    text = number_cut_joined(text)  # before the cells part the two pieces of a cut code
    # A heading before the codes on their row (``ACS codes missed: 1) UA.I.B.K21b``) is a cell
    # of its own even when the OCR joined it to the first code.
    for cell in re.split(rf"{SEGMENT_GAP}|{HEADING_END.pattern}", text):
        tokens = tokens_of_row(cell)
        codes = [t for t in tokens if looks_like_acs(t) or plt_of(t)]
        if codes and (tokens[0] == codes[0] or len(codes) * 2 >= len(tokens) or not is_prose(cell)):
            per_cell.append(
                [
                    (t, t in codes)
                    for t in tokens
                    if t in codes or looks_like_squashed_acs(t) or plt_slipped(t)
                ]
            )
        elif not is_prose(cell):
            per_cell.append([(t, False) for t in tokens if looks_like_squashed_acs(t)])
        else:
            per_cell.append([])
        if not per_cell[-1] and _STRAY.fullmatch(cell.strip()):
            per_cell[-1] = [(cell.strip(), False)]
    # Beside codes, a token that lost its inner dots (``FIIA.R1``) is one of them, and so is a
    # cell garbled past a code's shape that opens with their prefix (left to the catalogue,
    # unresolved at worst: never dropped); alone, either is too weak a shape to be taken for a
    # code. A row of nothing but two or more squashed tokens or cells is a line of codes all
    # blurred the same way (``-FLLA.K2   -FLLA.K2d   -HLVILD.RI``).
    heads = {prefix_of(t) for got in per_cell for t, sure in got if sure}
    plt_beside = any(sure and plt_of(t) for got in per_cell for t, sure in got)
    if heads:
        return [
            t
            for got in per_cell
            for t, sure in got
            if sure
            or looks_like_squashed_acs(t)
            or prefix_of(t) in heads
            or (plt_beside and plt_slipped(t) is not None)
        ]
    every = tokens_of_row(text)
    if len(every) >= 2 and all(looks_like_squashed_acs(t) for t in every):
        return every
    cells = [cell.strip() for cell in text.split(SEGMENT_GAP) if cell.strip()]
    heads = {prefix_of(c) for c in cells}
    if (
        len(cells) >= 3
        and all(_garbled_code(c) for c in cells)
        and len(heads) == 1
        and heads <= ACS_PREFIXES
        and any(ch.isdigit() or ch == "." for c in cells for ch in c[2:])
    ):
        # A grid row of cells that all open with one prefix, every one garbled past a code's
        # shape (``UAIBKS   UAIB.Ko   UAIEK14``): codes of a blurred photo, for the catalogue or
        # a person, never dropped.
        return cells
    cells = lone_codes(text)  # a blank read for a dot parts a code in two tokens (``PAII B.R2``)
    if len(cells) >= 2 and all(looks_like_squashed_acs(c) for c in cells):
        return cells
    return []


def prefixes_of_exam(result: ExtractionResult, catalog: Catalog) -> frozenset[str]:
    code = result.exam_code or ""
    prefixes = set(EXAM_PREFIXES.get(code, ())) | set(catalog.prefixes_by_exam.get(code, ()))
    return frozenset(p for p in prefixes if p in catalog.by_prefix)


ACS_REPORTS_SINCE = "2020"  # the year reports began printing ACS codes for tests with an ACS


def _acs_years(result: ExtractionResult) -> bool:
    """The exam date is read and falls in the years reports print ACS codes for tests with one."""
    return result.exam_date is not None and result.exam_date[:4] >= ACS_REPORTS_SINCE


def _applicant_id_only(result: ExtractionResult) -> bool:
    """The report names the applicant by an ID and no FTN, as older reports did."""
    return bool(result.applicant_id) and not result.ftn


def _voted_prefixes(tokens: Sequence[str], catalog: Catalog) -> frozenset[str]:
    """ACS prefixes of a report whose test code is unknown or unread, from its codes' heads.

    Every prefix that opens at least a fifth of the tokens counts (an FIA report mixes AI and
    FI codes); the head is read with the digit-for-letter slips of OCR (``A1`` is ``AI``).
    """
    votes = Counter(head for t in tokens if (head := prefix_of(t)) in catalog.by_prefix)
    total = sum(votes.values())
    chosen = frozenset(p for p, n in votes.items() if n * 5 >= total)
    return chosen or frozenset(catalog.by_prefix)


def parse_codes(
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
    # Beside each token, the text its row prints after it when the row holds that one code
    # (a description column), else "".
    beside: list[str] = []
    code_rows = find_code_rows(rows, consumed)
    exam_prefixes = prefixes_of_exam(result, catalog)
    blurred: list[tuple[int, list[str]]] = []
    if path != "text" and exam_prefixes:
        taken = consumed | {i for i, _ in code_rows}
        blurred = blurred_code_rows(
            rows, taken, exam_prefixes, lambda t: _resolve(resolver, t, exam_prefixes).code is not None
        )
        code_rows = sorted(code_rows + blurred)
    blurred_tokens = {t for _, row_tokens in blurred for t in row_tokens}
    for i, row_tokens in code_rows:
        tokens.extend((tok, rows[i].confidence) for tok in row_tokens)
        text = rows[i].text
        after = text[text.find(row_tokens[0]) + len(row_tokens[0]) :] if len(row_tokens) == 1 else ""
        beside.extend([after.strip()] * len(row_tokens))
    if len(tokens) > MAX_CODE_TOKENS:
        # Each token not in the catalogue costs a search: a page of thousands is no report.
        raise ExtractionError(
            "document_too_complex",
            f"The report lists {len(tokens)} codes; at most {MAX_CODE_TOKENS} are read.",
        )
    # Where each code token stands: (row, place in its row), for grids printed column by column.
    places = [(n, k) for n, (_, row_tokens) in enumerate(code_rows) for k, _ in enumerate(row_tokens)]
    # A token of PLT's shape with a slip in its letters is one only beside codes read whole.
    loose = any(plt_of(t) for t, _ in tokens)
    plt_read = [plt_of(t) or (plt_slipped(t) if loose else None) for t, _ in tokens]
    places = [p for p, plt in zip(places, plt_read, strict=True) if plt is None]
    acs_tokens = [(t, c) for (t, c), plt in zip(tokens, plt_read, strict=True) if plt is None]
    acs_beside = [b for b, plt in zip(beside, plt_read, strict=True) if plt is None]
    plt_tokens = [(plt, t, c) for (t, c), plt in zip(tokens, plt_read, strict=True) if plt is not None]

    # The codes printed say which kind they are; the paragraph decides only when both kinds
    # or neither are read (a heading may say "ACS codes" above learning statement codes). With
    # no code and no paragraph, a known test says it before a heading does: one without an
    # ACS has learning statement codes whatever the vendor's template calls its empty list,
    # and so does one with an ACS on an older report (an applicant ID, no date of 2020 on).
    plt_explained, acs_explained = explained_kinds(r.text for r in rows)
    if plt_tokens and not acs_tokens:
        kind = "plt"
    elif acs_tokens and not plt_tokens:
        kind = "acs"
    elif plt_explained and not acs_explained:
        kind = "plt"
    elif acs_explained:
        kind = "acs"
    elif not tokens and result.exam_code in EXAM_TITLES:
        # The FTN marks the current format whatever the date, an applicant ID the older one
        # unless dated 2020 or later; either disagreement leaves the kind doubted.
        older = _applicant_id_only(result) and not _acs_years(result)
        kind = "acs" if exam_prefixes and not older else "plt"
    elif ACS_PARAGRAPH.search(all_text):
        kind = "acs"
    elif plt_tokens and len(plt_tokens) >= len(acs_tokens):
        kind = "plt"
    elif exam_prefixes:
        kind = "acs"  # no code printed: a test with an ACS reports ACS codes
    else:
        kind = "plt" if _applicant_id_only(result) else "acs"
    result.code_kind = kind  # type: ignore[assignment]
    # An empty list under no paragraph naming its kind, of a test with an ACS or unknown, is
    # doubted (PAR reported learning statement codes before its ACS; a heading says "ACS codes"
    # either way), unless the test has no ACS or the report names an FTN and is of 2020 on.
    modern = _acs_years(result) and not _applicant_id_only(result)
    ev.code_kind_inferred = (
        not tokens
        and not (plt_explained or acs_explained)
        and (bool(exam_prefixes) or result.exam_code not in EXAM_TITLES)
        and not (exam_prefixes and modern)
    )

    details: dict[str, CodeDetail] = {}
    unresolved: list[Unresolved] = []
    if kind == "plt":
        for code, raw, rc in plt_tokens:
            assert code is not None
            slipped = plt_of(raw) is None
            c = (1.0 if raw == code else 0.7 if slipped else 0.85) * PATH_CONFIDENCE.get(path, 0.9) * rc
            ev.fuzzy_codes += slipped
            if PLT_CODE_RE.match(code) and code not in details:
                details[code] = CodeDetail(code, "", "", "", "", round(c, 3), raw)
        # Anything else the code rows hold is no learning statement code as read: for a person.
        unresolved = [Unresolved(t, "not a learning statement code", []) for t, _ in acs_tokens]
        result.codes = sorted(details)
        result.codes_detail = [details[c] for c in result.codes]
        result.unresolved = unresolved
        return code_rows

    prefixes = exam_prefixes
    if not prefixes:
        prefixes = _voted_prefixes([t for t, _ in acs_tokens], catalog)
    reads = [(tok, rc, _resolve(resolver, tok, prefixes)) for tok, rc in acs_tokens]
    if path != "text":
        reads = _with_document_confusions(reads, resolver, prefixes)
        reads = _dotless(reads, resolver, prefixes)
        reads = _follow_print_order(reads, resolver, prefixes, ev, places)
        reads = settle_by_description(reads, acs_beside, catalog, ORDER_PENALTY)
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
        c = max(0.0, 1.0 - res.cost / 2) * PATH_CONFIDENCE.get(path, 0.9) * rc
        if res.code.split(".")[0] not in exam_prefixes and result.exam_code:
            c *= 0.7
            ev.codes_outside_exam += 1
        # The catalogue's best guess for a token blurred past a code's shape: for a person.
        ev.codes_blurred += tok in blurred_tokens or res.reason == "dots lost"
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


def _resolve(
    resolver: Resolver, token: str, prefixes: frozenset[str], learned: Learned | None = None
) -> Resolution:
    """The token's catalogue code; failing that, the code inside it behind a list mark or a
    stray glyph (``2.CA.IV.M.K3``), when that one resolves cleanly."""
    res = resolver.resolve(token, prefixes, learned)
    if res.code is not None:
        return res
    for tail in inner_tokens(token, prefixes):
        inner = resolver.resolve(tail, prefixes, learned)
        if inner.code is not None:
            return Resolution(inner.code, inner.cost + 0.1, inner.candidates, inner.reason)
    return res


def _with_document_confusions(reads: list[Read], resolver: Resolver, prefixes: frozenset[str]) -> list[Read]:
    """Resolve the unresolved tokens again, with the confusions the resolved ones repeat made
    cheap: a blur that turned ``FI.I`` into ``FLI`` in two codes did it in the third too."""
    learned = document_confusions(
        (tok, res.code) for tok, _, res in reads if res.code and res.cost and not res.reason
    )
    if not learned:
        return reads
    return [
        (tok, rc, _resolve(resolver, tok, prefixes, learned) if res.code is None else res)
        for tok, rc, res in reads
    ]


def _dotless(reads: list[Read], resolver: Resolver, prefixes: frozenset[str]) -> list[Read]:
    """Unresolved tokens that lost every dot, resolved as such where the catalogue allows one code."""
    out = []
    for tok, rc, res in reads:
        dotless = resolver.resolve_dotless(tok, prefixes) if res.code is None else res
        out.append((tok, rc, dotless if dotless.code else res))
    return out


MAX_CODE_TOKENS = 400  # a report lists a few dozen codes at most (one per deficient element)
ORDER_SLIP = 0.6  # confusion a print-order repair may undo: a lost or doubled stroke (III read as II)
ORDER_PENALTY = 0.3  # added to the repaired code's cost: the order is evidence, not a reading


def _follow_print_order(
    reads: list[Read],
    resolver: Resolver,
    prefixes: frozenset[str],
    ev: Evidence,
    places: Sequence[tuple[int, int]] = (),
) -> list[Read]:
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
    if len(known) < 3 or len(run) < len(known) - max(1, len(known) // 4):
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
