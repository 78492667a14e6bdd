"""Header values read by their shape when no label names them.

A scan or a photo can lose a form's labels entirely (small grey captions above boxed values
fade into the paper) while the values stay legible. Most fields have a shape no other field
shares: an FTN is a letter and seven letters or digits, a test site letters then digits, a
name ``LAST, FIRST``; of two dates the exam date is the earlier, of two small numbers the score
is the larger. Only a cell that is nothing but such a value, above the codes and claimed by no
label, is taken, and only when one cell alone has the shape; the result then says so
(``field_inferred:<field>``) so that a person checks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import fields as F
from . import header as H
from .code_block import header_rows
from .layout import SEGMENT_GAP, Row
from .sections import is_prose

SHAPED_FIELDS = ("applicant_name", "ftn", "exam_site", "exam_date", "expiration_date", "score", "take")
# How much of its row's reading confidence a value found by shape keeps.
SHAPE_CONFIDENCE = 0.7

_FTN = re.compile(r"[A-Z][A-Z0-9]{7}")
_ONE_WORD = re.compile(r"[A-Za-z0-9|]{8}")
_SITE = re.compile(r"[A-Z]{2,4}\d{4,8}")
_NAME = re.compile(
    r"[A-Z][A-Za-z'\u2019-]+(?: [A-Za-z'\u2019-]+)*(?: (?:JR|SR|II|III|IV)\.?)?, "
    r"[A-Z][A-Za-z'\u2019.-]*(?: [A-Z][A-Za-z'\u2019.-]*){0,3}",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?P<digits>\d{1,3})\s*(?P<percent>%)?")
_DATE_WORDS = 5  # a date cell holds the date and perhaps a time, nothing more


@dataclass(frozen=True, slots=True)
class Shaped:
    """A value found by its shape: the row it stands in, its text and its confidence."""

    row: int
    text: str
    confidence: float


def header_cells(rows: Sequence[Row]) -> Iterable[tuple[int, str]]:
    """(row index, cell text) of every cell above the codes and the report's end."""
    for i, row in header_rows(rows):
        for cell in H.cells_of(row):
            yield i, cell.text.strip()


def by_shape(
    rows: Sequence[Row],
    missing: set[str],
    claimed: Iterable[str],
    known: Mapping[str, str | None],
) -> dict[str, Shaped]:
    """Values for the ``missing`` fields from unclaimed cells of one field's shape alone.

    ``claimed`` holds the texts labels already took (never read twice); ``known`` the dates
    already read (an exam date read by its label decides which unlabelled date is which).
    """
    taken = {piece.strip() for c in claimed for piece in c.split(SEGMENT_GAP)} | {c.strip() for c in claimed}
    unclaimed = [(i, t) for i, t in header_cells(rows) if t and t not in taken]
    cells = [(i, t) for i, t in unclaimed if not is_prose(t)]
    sites = [(i, t) for i, t in cells if _SITE.fullmatch(t)]
    site_texts = {t for _, t in sites}
    # A name may have three words or more (``BROOKS, HANNAH R III``); a sentence is longer.
    worded = [(i, t) for i, t in unclaimed if len(t.split()) <= 6]
    candidates = {
        "applicant_name": [(i, t) for i, t in worded if _NAME.fullmatch(t) and t.count(",") == 1],
        "exam_site": sites,
        "ftn": [
            (i, t)
            for i, t in cells
            if t not in site_texts
            and _ONE_WORD.fullmatch(t)
            and _FTN.fullmatch(F.clean_ftn(t) or "")
            and any(ch.isdigit() for ch in t)
        ],
        **_numbers(cells),
    }
    out = {
        name: found
        for name, cands in candidates.items()
        if name in missing and (found := _alone(cands, rows)) is not None
    }
    out.update(_dates(cells, rows, missing, known))
    return out


def _shaped(rows: Sequence[Row], i: int, text: str) -> Shaped:
    return Shaped(i, text, SHAPE_CONFIDENCE * rows[i].confidence)


def _alone(found: list[tuple[int, str]], rows: Sequence[Row]) -> Shaped | None:
    """The value when the cells of a shape all hold one text; two different ones say nothing."""
    if len({t for _, t in found}) != 1:
        return None
    return _shaped(rows, *found[0])


def _dates(
    cells: list[tuple[int, str]], rows: Sequence[Row], missing: set[str], known: Mapping[str, str | None]
) -> dict[str, Shaped]:
    """Of two unlabelled dates the earlier is the exam date and the later its expiration; one
    date is placed against the other field's value when that was read."""
    dated: dict[str, tuple[int, str]] = {}
    for i, text in cells:
        if len(text.split()) <= _DATE_WORDS and (iso := F.parse_date(text)) is not None:
            dated.setdefault(iso, (i, text))
    exam, expires = known.get("exam_date"), known.get("expiration_date")
    for value in (exam, expires):
        dated.pop(str(value), None)
    order = sorted(dated)
    if {"exam_date", "expiration_date"} <= missing and len(order) == 2:
        return {
            name: _shaped(rows, *dated[iso])
            for name, iso in zip(("exam_date", "expiration_date"), order, strict=True)
        }
    if len(order) != 1:
        return {}
    if "exam_date" in missing and expires and order[0] < expires:
        return {"exam_date": _shaped(rows, *dated[order[0]])}
    if "expiration_date" in missing and exam and order[0] > exam:
        return {"expiration_date": _shaped(rows, *dated[order[0]])}
    return {}


def _numbers(cells: list[tuple[int, str]]) -> dict[str, list[tuple[int, str]]]:
    """Score and take candidates: a number with ``%`` is a score; of bare numbers one of two or
    three digits from 10 to 100 is a score and one below 10 (``1``, ``01``) a take."""
    scores: list[tuple[int, str]] = []
    takes: list[tuple[int, str]] = []
    for i, text in cells:
        m = _NUMBER.fullmatch(text)
        if not m:
            continue
        value = int(m["digits"])
        if m["percent"] or (len(m["digits"]) >= 2 and not m["digits"].startswith("0") and value <= 100):
            scores.append((i, text))
        elif 1 <= value <= 9:
            takes.append((i, text))
    return {"score": scores, "take": takes}
