"""Code lines whose dots OCR lost: a line of one squashed code (``UAIB.K13``), a row of such
cells, or one beside its description, read next to rows that hold codes already, or where the
exam's own prefix and the catalogue vouch for them."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .code_checks import rows_left
from .code_tokens import looks_like_squashed_acs, mostly_capitals, prefix_of, tokens_of_row
from .layout import SEGMENT_GAP, Row
from .sections import cell_beside_description, is_prose

# One code whose dots OCR lost or whose glyphs it garbled (``UAIB.K13``, ``IR.VLB.SHI``): two
# letters, then letters, digits and at most four dots, ending in what reads as an element
# number. Too weak a shape anywhere but on its own line inside a list of codes.
_LONE_SQUASHED = re.compile(r"[A-Z]{2}(?:[.,]?[A-Za-z0-9|]){3,11}")


def with_lone_neighbours(
    rows: Sequence[Row], found: list[tuple[int, list[str]]], consumed: set[int]
) -> list[tuple[int, list[str]]]:
    """The code rows, with every row next to one (on the same page, running on) that holds a
    single token of a squashed code's shape and nothing else: a line of a one-per-line list
    whose dots the OCR lost, left for the catalogue to resolve or for review. A row a label
    read (``CENTER ID   VW65839`` over the codes) is none."""
    starts = sorted(i for i, _ in found)
    taken = set(starts) | consumed
    added: list[tuple[int, list[str]]] = []
    for start in starts:
        for step in (-1, 1):
            k = start + step
            while 0 <= k < len(rows) and k not in taken and rows[k].page == rows[start].page:
                tokens = lone_codes(rows[k].text)
                if not tokens:
                    break
                taken.add(k)
                added.append((k, tokens))
                k += step
    return sorted(found + added)


_LIST_MARK = re.compile(
    r"^(?:\(?\d{1,3}\s*[.):\]-]|[#*\u2022\u00b7o>-])\s*"
)  # ``1)``, ``(2)``, ``6-``, ``*``


def _lone_code(text: str) -> str | None:
    """The line as one squashed code, its blanks read as the dots OCR took them for
    (``AA LE K3``), or None when it has no such shape."""
    text = _LIST_MARK.sub("", text.strip())
    if text.count(" ") <= 3:
        text = re.sub(r"\s+", ".", text)
    if (
        not _LONE_SQUASHED.fullmatch(text)
        or text.count(".") + text.count(",") > 4
        or not any(ch.isdigit() or ch in "Il|" for ch in text[-3:])
    ):
        return None
    return text


def lone_codes(text: str) -> list[str]:
    """The row's cells as squashed codes when every cell reads as one (``PALF.R2   PAII B.R2``),
    or its first cell when that is a squashed code and the other its description
    (``FLLF.K5c   Special considerations while teaching``); else []."""
    cells = [cell for cell in text.split(SEGMENT_GAP) if cell.strip()]
    codes = [_lone_code(cell) for cell in cells]
    if codes and all(codes):
        return [c for c in codes if c is not None]
    head = codes[0] if cell_beside_description(text) is not None else None
    if head is not None and looks_like_squashed_acs(head):
        return [head]
    return []


# A token of a code's length opening with two letters, blurred past the grammar: dots lost or
# read as other marks, ``?`` for a glyph the OCR could not read (``PAIVB.S?``).
_BLURRED = re.compile(r"[A-Za-z0-9|]{2}[A-Za-z0-9|.,?]{3,14}")


def blurred_code_rows(
    rows: Sequence[Row],
    used: set[int],
    prefixes: frozenset[str],
    resolves: Callable[[str], bool],
) -> list[tuple[int, list[str]]]:
    """Rows no code row took, below the header and above the report's end, that hold nothing but
    codes of the exam blurred past their shape: one token the catalogue resolves to a code of
    the exam (``FLIA.Kld``, the dot after ``I`` read into an ``L``), or two tokens or more all
    opening with the exam's prefix, at least two of them a squashed code's shape
    (``PAIFR2 - PAIVB.S? - PAVLCK2``). Taken as code tokens: resolved by the catalogue or left
    unresolved for review, never dropped."""
    out: list[tuple[int, list[str]]] = []
    for i, row in rows_left(rows, used):
        if is_prose(row.text):
            continue
        tokens = tokens_of_row(row.text)
        if not tokens or not all(_blurred(t) for t in tokens):
            continue
        if len(tokens) == 1:
            if resolves(tokens[0]):
                out.append((i, tokens))
        elif all(prefix_of(t) in prefixes for t in tokens) and sum(map(looks_like_squashed_acs, tokens)) >= 2:
            out.append((i, tokens))
    return out


def _blurred(token: str) -> bool:
    return bool(_BLURRED.fullmatch(token)) and mostly_capitals(token)
