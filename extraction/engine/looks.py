"""Second looks at a page: values its detection lost, read again from a crop of the page.

Page-level detection drops lone short values (``TAKE:   1``, ``Take`` over ``3``). A label
without its value is looked at again: the band around it enlarged, the strip right of it, the
column under it, and last the ink there read without detection. A value is kept only when it
is a valid value of the label's field.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from .code_block import code_row_tokens
from .header import VALIDATORS, LabelHit, cells_of, find_labels, in_column, read_header
from .layout import Row, Segment, rows_from_text
from .sections import is_prose
from .validators import Validator


def value_below(rows: list[Row], index: int) -> bool:
    """The row under a lone label holds its value (a label printed above it): no second look."""
    if index + 1 >= len(rows):
        return False
    row, next_row = rows[index], rows[index + 1]
    if next_row.page != row.page or next_row.y0 - row.y1 > 2.5 * max(row.y1 - row.y0, 1.0):
        return False  # the next line stands too far below to be the label's value
    below = next_row.text
    if find_labels(rows_from_text(below)) or code_row_tokens(below):
        return False
    hits = find_labels([row])
    if len(hits) == 1:
        # One label: its value, whatever its shape (a heading such as ``ACS CODES`` is none).
        return VALIDATORS[hits[0].field](below)
    # Running text is no value, unless it is one of the label's field (a title of three words).
    return not is_prose(below) or any(VALIDATORS[h.field](below) for h in hits)


def values_missing_below(rows: list[Row]) -> list[tuple[int, LabelHit]]:
    """Labels of a row of labels whose column is empty in the row below, for fields the page
    has no value for elsewhere.

    Detection at page scale drops a lone short value printed under its label (``Take`` over
    ``3``) while it keeps its longer neighbours, so the row of values comes out one cell short.
    """
    hits = find_labels(rows)
    chosen, _ = read_header(rows, hits)
    by_row: dict[int, list[LabelHit]] = {}
    for hit in hits:
        by_row.setdefault(hit.row, []).append(hit)
    out: list[tuple[int, LabelHit]] = []
    for index, row_hits in by_row.items():
        if any(h.value for h in row_hits) or not rows[index].segments:
            continue
        row = rows[index]
        height = max(row.y1 - row.y0, 8.0)
        cells = []
        if index + 1 < len(rows) and index + 1 not in by_row:
            below = rows[index + 1]
            if below.page == row.page and below.y0 < row.y1 + height and not is_prose(below.text):
                cells = cells_of(below)
        for hit in row_hits:
            if hit.field in chosen or any(in_column(c, hit) for c in cells):
                continue
            out.append((index, hit))
    return out


def below_look(page: Any, row: Row, hit: LabelHit, recognize: Any) -> Segment | None:
    """Read the label's column from the label down to a line and a half below it, enlarged.

    The label stays in the crop so the detector sees text around the lone value; the first
    line under the label that is a valid value of the field is the value. Positions come back
    in the page's coordinates.
    """
    from PIL import ImageOps

    height = max(row.y1 - row.y0, 8.0)
    right = min(hit.end, hit.start + 10 * height, float(page.width))
    box = (
        int(max(0.0, hit.start - 0.5 * height)),
        int(max(0.0, row.y0)),
        int(right),
        int(min(float(page.height), row.y1 + 1.5 * height)),
    )
    if box[2] - box[0] < height or box[3] - box[1] < height:
        return None
    crop = page.crop(box).convert("L")
    paper = _paper_shade(crop)
    scale = 2
    border = int(height)
    crop = crop.resize((crop.width * scale, crop.height * scale))
    crop = ImageOps.expand(crop, border=border, fill=paper)
    result = recognize(crop)
    if getattr(result, "rotation", 0):
        # Boxes in a turned frame (a lone tall glyph turned the crop): positions cannot be
        # trusted, the ink under the label is read alone instead.
        return _under_look(page, row, hit)
    valid = VALIDATORS[hit.field]
    lines = sorted(getattr(result, "lines", None) or [], key=lambda ln: ln.box[1])
    # Under the label as read again in the crop; else under the row's box, which a tilted
    # photo's row of cells makes taller than the label.
    below_from = (row.y1 - box[1]) * scale + border - 0.5 * height * scale
    for line in lines:
        if any(h.field == hit.field for h in find_labels(rows_from_text(line.text))):
            below_from = (line.box[1] + line.box[3]) / 2 + 0.25 * (line.box[3] - line.box[1])
            break
    for line in lines:
        x0, y0, x1, y1 = line.box
        if (y0 + y1) / 2 < below_from:
            continue  # the label itself
        text = unicodedata.normalize("NFKC", line.text).strip()
        if text and valid(text):
            return Segment(
                text,
                box[0] + (x0 - border) / scale,
                box[1] + (y0 - border) / scale,
                box[0] + (x1 - border) / scale,
                box[1] + (y1 - border) / scale,
                float(line.confidence) * 0.95,
            )
    return _under_look(page, row, hit)


def _under_look(page: Any, row: Row, hit: LabelHit) -> Segment | None:
    """The ink just under the label, read as one line without detection: a value of one glyph
    (``TAKE #`` over ``1``, inside a box's rules) that even the enlarged column gives the
    detector too little to box. The box's rules are left out of the ink."""
    height = max(row.y1 - row.y0, 8.0)
    box = (
        int(max(0.0, hit.start - 0.5 * height)),
        int(min(float(page.height), row.y1 + 0.1 * height)),
        int(min(hit.end, hit.start + 8 * height, float(page.width))),
        int(min(float(page.height), row.y1 + 1.5 * height)),
    )
    if box[2] - box[0] < height or box[3] - box[1] < 0.8 * height:
        return None
    found = _ink_read(page, box, height)
    if found is None or not VALIDATORS[hit.field](found[0]):
        return None
    text, confidence, tight = found
    return Segment(text, tight[0], tight[1], tight[2], tight[3], confidence * 0.9)


def _ink_read(
    page: Any, box: tuple[int, int, int, int], height: float
) -> tuple[str, float, tuple[int, int, int, int]] | None:
    """The ink inside ``box`` read as one line without detection, a box's rules left out:
    (text, confidence, the tight box read), or None for no ink."""
    import numpy as np

    from .ocr import read_line

    crop = page.crop(box).convert("L")
    ink = np.asarray(crop, dtype=np.int16) < _paper_shade(crop) - 60
    # Rules, and the pixels beside them: rows mostly inked, columns inked nearly from top to
    # bottom (a glyph may fill most of the crop's height, never all of it).
    rules_y = np.flatnonzero(ink.mean(axis=1) > 0.5)
    rules_x = np.flatnonzero(ink.mean(axis=0) > 0.9)
    for y in rules_y:
        ink[max(0, y - 2) : y + 3, :] = False
    for x in rules_x:
        ink[:, max(0, x - 2) : x + 3] = False
    ys, xs = np.nonzero(ink)
    if len(ys) < 6:
        return None
    pad = int(0.4 * height)
    tight = (
        max(0, int(xs.min()) - pad) + box[0],
        max(0, int(ys.min()) - pad) + box[1],
        min(box[2] - box[0], int(xs.max()) + pad) + box[0],
        min(box[3] - box[1], int(ys.max()) + pad) + box[1],
    )
    text, confidence = read_line(page.crop(tight))
    return (text, confidence, tight) if text else None


def _ink_beside(upright: Any, row: Row, valid: Validator) -> tuple[str, float] | None:
    """The ink right of a label, read without detection: a lone glyph (``Attempt No.   1``)
    that neither the band nor the enlarged strip gave the detector enough of to box. Taken
    only when it is a valid value of the label's field."""
    seg = row.segments[-1]
    height = max(seg.y1 - seg.y0, 8.0)
    box = (
        int(seg.x1 + 0.3 * height),
        int(max(0.0, seg.y0 - 0.2 * height)),
        int(min(upright.width, seg.x1 + 12 * height)),
        int(min(upright.height, seg.y1 + 0.2 * height)),
    )
    if box[2] - box[0] < height or box[3] - box[1] < 0.8 * height:
        return None
    found = _ink_read(upright, box, height)
    if found is None or not valid(found[0]):
        return None
    return found[0], found[1] * 0.9


def value_row(segments: list[Segment], label_row: Row) -> Row:
    """A row of values read under a row of labels, placed right after it."""
    segments = sorted(segments, key=lambda s: s.x0)
    return Row(
        "   ".join(s.text for s in segments),
        label_row.page,
        min(s.y0 for s in segments),
        max(s.y1 for s in segments),
        min(s.confidence for s in segments),
        segments,
        looked=True,
    )


def second_look(upright: Any, row: Row, recognize: Any) -> None:
    """A label row without its value: OCR the neighbourhood of the label once more, enlarged.

    Page-level detection drops lone narrow glyphs (``TAKE:   1`` loses its ``1``). First the
    band of the label and the row above it, twice as large on the paper's own shade: with text
    around it the detector keeps the glyph, and the label read again tells which line holds
    the value. Failing that, the strip right of the label alone, three times larger. When
    neither shows a value, the row stays as it was.
    """
    hits = find_labels([row])
    valid = VALIDATORS[hits[-1].field] if hits else None
    found = (
        _band_look(upright, row, recognize, {hits[-1].field} if hits else set())
        or _strip_look(upright, row, recognize, valid)
        or (_ink_beside(upright, row, valid) if valid is not None else None)
    )
    if found is None:
        return
    value, confidence = found
    row.text = f"{row.text.rstrip()}   {unicodedata.normalize('NFKC', value)}"
    row.confidence = min(row.confidence, confidence) * 0.95
    row.looked = True


def _band_look(upright: Any, row: Row, recognize: Any, wanted: set[str]) -> tuple[str, float] | None:
    from PIL import ImageOps

    seg = row.segments[-1]
    height = max(seg.y1 - seg.y0, 8.0)
    box = (
        int(max(0.0, seg.x0 - height)),
        int(max(0.0, seg.y0 - 1.6 * height)),
        int(min(upright.width, seg.x1 + 12 * height)),
        int(min(upright.height, seg.y1 + 0.6 * height)),
    )
    if box[2] - box[0] < height or box[3] - box[1] < height:
        return None
    crop = upright.crop(box).convert("L")
    paper = _paper_shade(crop)
    crop = crop.resize((crop.width * 2, crop.height * 2))
    crop = ImageOps.expand(crop, border=int(height * 2), fill=paper)
    for line in getattr(recognize(crop), "lines", None) or []:
        text = unicodedata.normalize("NFKC", line.text)
        for hit in find_labels(rows_from_text(text)):
            if hit.field in wanted and hit.value and VALIDATORS[hit.field](hit.value):
                return hit.value, float(line.confidence)
    return None


def _paper_shade(gray: Any) -> int:
    """The shade of the paper: three quarters of the pixels of a text crop are at most as light."""
    histogram = gray.histogram()
    wanted = 0.75 * sum(histogram)
    seen = 0
    for shade, count in enumerate(histogram):
        seen += count
        if seen >= wanted:
            return shade
    return 255


def _strip_look(upright: Any, row: Row, recognize: Any, valid: Validator | None) -> tuple[str, float] | None:
    from PIL import ImageOps

    seg = row.segments[-1]
    height = max(seg.y1 - seg.y0, 8.0)
    box = (
        int(seg.x1),
        int(max(0.0, seg.y0 - 0.5 * height)),
        int(min(upright.width, seg.x1 + 12 * height)),
        int(min(upright.height, seg.y1 + 0.5 * height)),
    )
    if box[2] - box[0] < height or box[3] - box[1] < height:
        return None
    crop = upright.crop(box)
    crop = crop.resize((crop.width * 3, crop.height * 3))
    crop = ImageOps.expand(crop, border=int(height * 2), fill="white")
    result = recognize(crop)
    found = [ln for ln in getattr(result, "lines", None) or [] if ln.text.strip()]
    if not found:
        return None
    if getattr(result, "rotation", 0):
        # A lone tall glyph can make the recogniser turn the crop: its boxes are then in the
        # turned frame, so trust the confidence rather than the position.
        best = max(found, key=lambda ln: ln.confidence)
    else:
        centre = crop.height / 2
        best = min(found, key=lambda ln: abs((ln.box[1] + ln.box[3]) / 2 - centre))
    if valid is not None and not valid(best.text.strip()):
        return None  # no value of the label's field: a speck, or the row below read again
    return best.text.strip(), float(best.confidence)
