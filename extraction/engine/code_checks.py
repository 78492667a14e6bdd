"""Checks that the code list was read whole: codes printed on the page but not among the
result's, codes glued past splitting, and lines or cells of the list the OCR lost. They only
count for review; nothing here adds or removes a code."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

from .catalog import Catalog
from .code_tokens import LONGEST_CODE, mostly_capitals, prefix_of, tokens_of_row
from .codes import merged_pairs
from .data.exams import ACS_PREFIXES
from .layout import SEGMENT_GAP, Row
from .sections import REPORT_END, cell_beside_description, is_prose
from .types import ExtractionResult

_PRINTED_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\.[IVX]{1,4}\.[A-Z]\.[KRS]\d{1,2}[a-z]?(?![A-Za-z0-9])")


def rows_left(rows: Sequence[Row], used: set[int]) -> Iterator[tuple[int, Row]]:
    """(index, row) of the rows below the first label and above the report's end (per page)
    that nothing read."""
    first = min(used, default=0)
    stopped: set[int] = set()
    for i, row in enumerate(rows):
        if row.page in stopped or REPORT_END.search(row.text):
            stopped.add(row.page)
        elif i >= first and i not in used:
            yield i, row


def codes_unread(rows: Sequence[Row], used: set[int], result: ExtractionResult, catalog: Catalog) -> int:
    """Catalogue codes printed whole in a row that is neither prose nor already read, below the
    first label and above the report's end, that are not among the codes: a list the code rows
    did not recognise (a heading glued to it, say). Never taken as codes, only counted."""
    return sum(
        1
        for _, row in rows_left(rows, used)
        if not is_prose(row.text)
        for c in _printed_codes(row.text, catalog)
        if c not in result.codes
    )


# A token that opens like a code of a known prefix: a code garbled past reading (``?`` for a
# glyph the OCR could not read).
_GARBLED_TOKEN = re.compile(r"[A-Z]{2}[.,]?[A-Za-z0-9|.,?]{2,12}")


def code_lines_unread(rows: Sequence[Row], used: set[int]) -> int:
    """Lines below the first label, above the report's end, that hold nothing but tokens shaped
    like codes of a known ACS prefix and garbled past reading, a digit among them (``CA.1IS4``
    alone under the paragraph, ``PAIFR2 - PAIVB.S?`` on a report of another test), or one such
    token beside its description (``HLILE.R2   Uncoordinated flight.``), and that no code row
    took: codes the list lost, counted, never guessed."""
    found = 0
    for _, row in rows_left(rows, used):
        described = cell_beside_description(row.text)
        if described is not None:
            tokens = tokens_of_row(described)  # a code garbled beside its description
        else:
            tokens = [] if is_prose(row.text) else tokens_of_row(row.text)
        if (
            tokens
            and all(_GARBLED_TOKEN.fullmatch(t) and _known_head(t) for t in tokens)
            and any(ch.isdigit() for t in tokens for ch in t[2:])
        ):
            found += 1
    return found


def _known_head(token: str) -> bool:
    """The token opens with an ACS prefix, its last letter perhaps read with the dot after it
    as one glyph (``codes.merged_pairs``: ``HLILE.R2`` for ``HI.II.E.R2``)."""
    head = prefix_of(token)
    return head in ACS_PREFIXES or any(head[0] + pair[0] in ACS_PREFIXES for pair in merged_pairs(head[1:]))


def codes_unsplit(
    rows: Sequence[Row],
    code_rows: Sequence[tuple[int, list[str]]],
    result: ExtractionResult,
    catalog: Catalog,
) -> int:
    """Catalogue codes printed whole inside a code row's text that are neither among the codes
    nor a token of the row: codes joined by a mark the tokens did not split at, which must not
    vanish unseen. (A token read whole and repaired into another code is not counted.)"""
    found = 0
    for i, tokens in code_rows:
        seen = set(tokens)
        found += sum(
            1 for c in _printed_codes(rows[i].text, catalog) if c not in result.codes and c not in seen
        )
        # A token as long as two codes is codes glued past splitting: one of them at least is
        # not read, whatever the token resolved to.
        found += sum(1 for token in tokens if len(token) > LONGEST_CODE)
    return found


# A cell that opens like a code: a prefix and its dot (``IR.V``, a code the page's edge
# cut), or a prefix, a mark or a blank, and a digit further on (``UA II A K1e``).
_CODE_HEAD = re.compile(r"[^A-Za-z0-9]{0,3}([A-Z]{2})(?:[.,]|[^A-Za-z].*\d)")


def cells_unread(
    rows: Sequence[Row], code_rows: Sequence[tuple[int, list[str]]], result: ExtractionResult
) -> int:
    """Cells of a code row that open like a code of the result's prefix (``_CODE_HEAD``) and
    gave none of the row's codes: a code read past its shape (``UA II A K1e``) or cut by the
    page's edge (``IR.V``) must not vanish unseen."""
    prefixes = {c[:2] for c in result.codes if not c.startswith("PLT")}
    found = 0
    for i, tokens in code_rows:
        taken = set(tokens)
        for cell in rows[i].text.split(SEGMENT_GAP):
            head = _CODE_HEAD.match(cell.strip())
            if head and head.group(1) in prefixes and not taken & set(tokens_of_row(cell)):
                found += 1
    return found


def code_rows_clipped(rows: Sequence[Row], code_rows: Sequence[tuple[int, list[str]]]) -> int:
    """Code rows that run into the page's right edge (OCR): the last code may be cut short
    (``FI.I.B.K16`` read whole as ``FI.I.B.K1``) or a next one cut away."""
    return sum(1 for i, _ in code_rows if rows[i].clipped)


# A token that opens a line like a code: of a code's length, a dot or a comma in it, in
# capitals but for a slip or two (``FLILE.RT``, ``AL1.E.H12``).
_CODE_LIKE_HEAD = re.compile(r"[A-Za-z0-9#|]\S{3,15}")


def lines_between_codes_unread(
    rows: Sequence[Row], code_rows: Sequence[tuple[int, list[str]]], used: set[int]
) -> int:
    """Lines inside the code block (between its first and last code row, on one page) that
    no code row took and that open with a token shaped like a code garbled past reading
    (``FLILE.RT`` between ``FL.I.C.K7e`` and ``FL.1.F.K5b``): a code list has nothing else
    between its lines."""
    found = 0
    by_page: dict[int, list[int]] = {}
    for i, _ in code_rows:
        by_page.setdefault(rows[i].page, []).append(i)
    for block in by_page.values():
        for i in range(min(block) + 1, max(block)):
            words = rows[i].text.split()
            if i in used or rows[i].page != rows[block[0]].page or not words:
                continue
            head = words[0]
            if _CODE_LIKE_HEAD.fullmatch(head) and re.search(r"[.,]", head) and mostly_capitals(head):
                found += 1
    return found


_PRINTED_PLT = re.compile(r"(?<![A-Za-z0-9])PLT\d{3}(?!\d)")


def _printed_codes(text: str, catalog: Catalog) -> list[str]:
    """Catalogue codes, and learning statement codes, printed whole in the text."""
    return [c for c in _PRINTED_CODE.findall(text) if c in catalog] + _PRINTED_PLT.findall(text)


def code_layout_gap(rows: Sequence[Row], code_rows: Sequence[tuple[int, list[str]]]) -> bool:
    """Whether the OCR seems to have lost a line or a cell of the codes block.

    Codes are printed in evenly spaced lines, and a grid fills its rows first (row by row or
    column by column, a row never holds more codes than the one above it). A line missing
    between two lines read leaves twice the spacing; a cell missing leaves a row shorter than
    a later one. With two lines only, a line missing leaves more than three line heights.
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
        elif len(steps) == 1 and block[1][0] == block[0][0] + 1:
            # Two lines only: no usual spacing to compare with, but lines are set at most
            # about twice their height apart; a line lost between them leaves three heights.
            height = min(rows[i].y1 - rows[i].y0 for i, _ in block)
            if height > 0 and steps[0] > 3.0 * height:
                return True
        pure = [len(tokens) for i, tokens in block if len(tokens_of_row(rows[i].text)) == len(tokens)]
        if max(pure, default=0) >= 2 and any(a < b for n, a in enumerate(pure) for b in pure[n + 1 :]):
            return True
    return False
