"""Rows of text with geometry: the common shape of the PDF text layer and of OCR output.

Both paths end as a list of :class:`Row` per page, top to bottom; a row is one visual line
whose separate segments (table cells, grid columns) are joined by three spaces, the same
contract the OCR module follows. The parsers only ever see rows.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

SEGMENT_GAP = "   "
# Each character's probability and the character the recogniser ranked next (OCR only).
CharReads = tuple[tuple[float, str], ...]


@dataclass(slots=True)
class Segment:
    text: str
    x0: float
    y0: float  # top, growing downwards
    x1: float
    y1: float
    confidence: float = 1.0


@dataclass(slots=True)
class Row:
    text: str
    page: int
    y0: float
    y1: float
    confidence: float = 1.0
    segments: list[Segment] = field(default_factory=list)
    # OCR only: each piece's text with each of its characters' probability and runner-up.
    readings: tuple[tuple[str, CharReads], ...] = ()
    # OCR only: each piece another framing read otherwise, with those other readings.
    others: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # OCR only: the row runs into the page's right edge, its end may be cut off.
    clipped: bool = False
    # OCR only: a value of the row was read in a second look at a crop of the page
    # (``looks``), whose glyphs carry no probabilities to doubt it by.
    looked: bool = False


def rival_readings(row: Row, value: str, below: float) -> list[tuple[float, str]]:
    """``value`` as the recogniser's runner-up character would have made it, once for each of
    its characters read with a probability under ``below``, with that probability; [] where
    the row's readings do not hold its words (a text layer, a value read in a second look).

    A mean over a line hides the one glyph the recogniser hesitated on (``KENJI`` read
    ``KENUJI``); whether that hesitation matters is for the field's rules to say (an ``O`` or
    a ``0`` makes the same FTN digit).
    """
    rivals: list[tuple[float, str]] = []
    for start, part in _parts(value, lambda whole: _chars_of(row, whole) is not None):
        for i, (p, rival) in enumerate(_chars_of(row, part) or ()):
            if p < below:
                k = start + i
                rivals.append((p, value[:k] + rival + value[k + 1 :]))
    return rivals


def _parts(value: str, read_whole: Callable[[str], bool]) -> list[tuple[int, str]]:
    """(offset, text) of the value as one piece read it: whole when ``read_whole`` says a piece
    holds it, else word by word (its words were read apart)."""
    whole = value.strip()
    if not whole:
        return []
    if read_whole(whole):
        return [(value.find(whole), whole)]
    return [(m.start(), m.group(0)) for m in re.finditer(r"\S+", value)]


def framed_readings(row: Row, value: str) -> list[str]:
    """``value`` as another framing of its piece read it; [] where no framing read the piece
    otherwise. The span the value covers in its piece is carried over by aligning the two
    readings, so a label sharing the piece (``NAME: PRIYA``) stays out of the value; a value
    whose words were read apart is taken word by word."""
    out: list[str] = []
    for start, part in _parts(
        value, lambda whole: any(whole in text for text, _ in row.others + row.readings)
    ):
        for text, others in row.others:
            at = text.find(part)
            if at < 0:
                continue
            for other in others:
                left, right = _aligned_span(text, other, at, at + len(part))
                rival = value[:start] + other[left:right].strip() + value[start + len(part) :]
                if rival.strip() and rival not in out:
                    out.append(rival)
            break
    return out


def _aligned_span(text: str, other: str, start: int, end: int) -> tuple[int, int]:
    """Where ``text[start:end]`` stands in ``other``, by the edit script from one to the
    other; what the other reading inserts at the span's edges belongs to the span."""
    ops = difflib.SequenceMatcher(None, text, other, autojunk=False).get_opcodes()
    return _map_edge(ops, start, left=True), _map_edge(ops, end, left=False)


def _map_edge(ops: Sequence[tuple[str, int, int, int, int]], k: int, *, left: bool) -> int:
    found: int | None = None
    for tag, i1, i2, j1, j2 in ops:
        if tag == "insert" and i1 == k:
            return j1 if left else j2
        if found is None and (i1 <= k < i2 if left else i1 < k <= i2):
            found = j1 + (k - i1) if tag == "equal" else (j1 if left else j2)
    if found is not None:
        return found
    return ops[-1][4] if ops else 0


def _chars_of(row: Row, part: str) -> CharReads | None:
    """What OCR gave each character of ``part`` in the first reading of the row holding it."""
    for text, chars in row.readings:
        at = text.find(part)
        if at >= 0 and len(chars) == len(text):
            return chars[at : at + len(part)]
    return None


def _join(segments: Sequence[Segment]) -> str:
    out: list[str] = []
    prev: Segment | None = None
    for seg in segments:
        text = seg.text.strip()
        if not text:
            continue
        if prev is not None:
            char_w = max((prev.x1 - prev.x0) / max(len(prev.text.strip()), 1), 0.5)
            gap = seg.x0 - prev.x1
            if gap > 1.2 * char_w:
                out.append(SEGMENT_GAP)
            elif gap > 0.15 * char_w:
                out.append(" ")
        out.append(text)
        prev = seg
    return "".join(out)


def group_rows(segments: Iterable[Segment], page: int) -> list[Row]:
    """Cluster segments whose vertical extents overlap into rows, read left to right."""
    ordered = sorted((s for s in segments if s.text.strip()), key=lambda s: (s.y0 + s.y1) / 2)
    rows: list[list[Segment]] = []
    bounds: list[tuple[float, float]] = []
    for seg in ordered:
        mid = (seg.y0 + seg.y1) / 2
        if rows:
            top, bottom = bounds[-1]
            if top <= mid <= bottom:
                rows[-1].append(seg)
                bounds[-1] = (min(top, seg.y0), max(bottom, seg.y1))
                continue
        rows.append([seg])
        bounds.append((seg.y0, seg.y1))
    result = []
    for segs, (top, bottom) in zip(rows, bounds, strict=True):
        segs.sort(key=lambda s: s.x0)
        conf = min(s.confidence for s in segs)
        result.append(Row(_join(segs), page, top, bottom, conf, segs))
    return result


def rows_from_text(text: str, page: int = 0, confidence: float = 1.0) -> list[Row]:
    """Rows from plain text (tests, OCR output without boxes): one row per non-blank line."""
    rows = []
    for i, line in enumerate(text.splitlines()):
        if line.strip():
            rows.append(Row(line.rstrip(), page, float(i), float(i) + 1.0, confidence))
    return rows
