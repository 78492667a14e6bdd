"""Orchestration: sniff -> limits -> text layer or OCR -> parse -> verify codes -> result."""

from __future__ import annotations

import contextlib
import logging
import re
import time
import unicodedata
from collections.abc import Mapping
from typing import Any

from . import images, sources
from .catalog import Catalog
from .header import VALIDATORS, LabelHit, cells_of, find_labels, is_label_only, read_header
from .layout import Row, Segment, rows_from_text
from .parse import is_aktr, is_prose, parse_rows
from .sniff import sniff
from .types import ExtractionError, ExtractionResult

ENGINE_VERSION = "1.0.0"

logger = logging.getLogger(__name__)

_END_OF_REPORT = re.compile(r"DO\s*NOT\s*LOSE|INSTRUCTOR'?S?\s+STATEMENT", re.IGNORECASE)
_EXPIRATION = re.compile(r"EXPIRATION|EXPIRES|EXPIRY|VALID\s+UNTIL", re.IGNORECASE)


def _report_ended(rows: list[Row]) -> bool:
    """The page closes the report: an end marker below the expiration date (which follows the codes)."""
    seen_expiration = False
    for row in rows:
        if _EXPIRATION.search(row.text):
            seen_expiration = True
        elif seen_expiration and _END_OF_REPORT.search(row.text):
            return True
    return False


def extract_document(
    data: bytes, catalog: Catalog, *, options: Mapping[str, Any] | None = None
) -> ExtractionResult:
    """Extract one AKTR from raw bytes.

    Raises :class:`ExtractionError` (stable ``code``, one-line ``message``) for refused input;
    any other failure inside the engine is reported as ``corrupt_file`` rather than escaping.
    Options: ``allow_encrypted`` (bool, default False): read PDFs that open without a password.
    """
    opts = dict(options or {})
    started = time.perf_counter()
    try:
        kind = sniff(data)
        result = _from_pdf(data, catalog, opts) if kind == "pdf" else _from_image(data, kind, catalog)
    except ExtractionError:
        raise
    except Exception:
        # A document that trips the engine still gets a stable code, never a traceback;
        # the traceback goes to the log for the developers.
        logger.exception("extraction failed unexpectedly")
        raise ExtractionError("corrupt_file", "The document could not be processed.") from None
    result.elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    return result


_WARM_UP_PDF = b"""%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 50]/Resources<</Font<</F1 4 0 R>>>>/Contents 5 0 R>>endobj
4 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj
5 0 obj<</Length 44>>stream
BT /F1 10 Tf 10 20 Td (EXAM: warm up) Tj ET
endstream endobj
trailer<</Root 1 0 R>>
%%EOF
"""


def warm_up_ocr() -> None:
    """Load the OCR models now, e.g. in a worker process before its first scan.

    Imported here, not at module level, so a process that never reads a scan (a web worker)
    never loads them.
    """
    from . import ocr

    ocr.warm_up()


def warm_up(catalog: Catalog) -> None:
    """Load pdfium and touch every text-path stage once, so the first real document is not
    the one that pays for library initialisation (about 50 ms). Safe to call repeatedly."""
    with sources.open_pdf(_WARM_UP_PDF) as pdf:
        page = pdf[0]  # type: ignore[index]
        try:
            rows = sources.page_text_rows(page, 0)
        finally:
            page.close()
    with contextlib.suppress(ExtractionError):  # it is not a report, as intended
        parse_rows(rows, catalog)


def _from_pdf(data: bytes, catalog: Catalog, opts: Mapping[str, Any]) -> ExtractionResult:
    with sources.open_pdf(data, allow_encrypted=bool(opts.get("allow_encrypted"))) as pdf:
        n = len(pdf)  # type: ignore[arg-type]
        rows: list[Row] = []
        ocr_pages = 0
        text_pages = 0
        for index in range(n):
            page = pdf[index]  # type: ignore[index]
            try:
                page_rows = sources.page_text_rows(page, index)
                if sources.usable_text(page_rows):
                    text_pages += 1
                else:
                    image = sources.render_page(page)
                    page_rows = _ocr_first_page(image) if index == 0 else _ocr(image, index)
                    ocr_pages += 1
            finally:
                page.close()
            rows.extend(page_rows)
            if _report_ended(page_rows):
                # Later pages hold the instructor's statement: nothing the result needs,
                # and skipping them spares a page load (text) or a page of OCR (scans).
                break
    if not any(r.text.strip() for r in rows):
        raise ExtractionError("not_an_aktr", "The PDF has no readable text.")
    path = "ocr" if ocr_pages else "text"
    result = parse_rows(rows, catalog, path=path)
    result.source_format = "pdf_scan" if ocr_pages and not text_pages else "pdf_text"
    result.pages = n
    return result


def _from_image(data: bytes, kind: str, catalog: Catalog) -> ExtractionResult:
    image = images.decode_image(data, kind)  # type: ignore[arg-type]
    rows = _ocr_first_page(image)
    if not rows:
        raise ExtractionError("not_an_aktr", "No text was found in the image.")
    result = parse_rows(rows, catalog, path="ocr")
    result.source_format = "image"
    result.pages = 1
    return result


def _ocr_first_page(image: Any) -> list[Row]:
    """OCR of a report's first page, read once more turned half a turn when the first reading
    shows no report at all: an orientation vote gone wrong reads an upright page upside down
    into glyph soup, and the turned page brings the vote back upright. A page that reads as a
    report the first time costs nothing more.
    """
    rows = _ocr(image, 0)
    if not rows or _looks_like_report(rows):
        return rows
    turned = _ocr(image.rotate(180, expand=True), 0)
    return turned if _looks_like_report(turned) else rows


def _looks_like_report(rows: list[Row]) -> bool:
    return is_aktr(rows, find_labels(rows))


def _ocr(image: Any, page: int) -> list[Row]:
    """Rows from the OCR module's lines (``text``, ``confidence``, ``box``)."""
    from .ocr import recognize_image

    ocr_page = recognize_image(image)
    lines = list(getattr(ocr_page, "lines", None) or [])
    if not lines:
        text = unicodedata.normalize("NFKC", getattr(ocr_page, "text", "") or "")
        return rows_from_text(text, page, 0.9)
    rows = []
    for line in lines:
        x0, y0, x1, y1 = line.box
        text = unicodedata.normalize("NFKC", line.text)  # full-width commas, ligatures, ...
        pieces = joined_pieces(getattr(line, "pieces", ()), y1 - y0)
        if len(pieces) != len(getattr(line, "pieces", ())):
            text = unicodedata.normalize("NFKC", "   ".join(t for t, _, _, _ in pieces))
        if len(pieces) > 1:
            # One segment per detector box, so a form's columns keep their positions.
            segments = [
                Segment(unicodedata.normalize("NFKC", t), left, y0, right, y1, float(c))
                for t, left, right, c in pieces
            ]
        else:
            segments = [Segment(text, x0, y0, x1, y1, float(line.confidence))]
        # Lines already are visual rows; keep them as such (no re-grouping of whole rows).
        rows.append(Row(text, page, y0, y1, float(line.confidence), segments))
    rows.sort(key=lambda r: (r.y0 + r.y1) / 2)
    prepared = getattr(ocr_page, "image", None)  # the flattened, upright page the boxes refer to
    lonely = [
        r for i, r in enumerate(rows) if is_label_only(r.text) and r.segments and not _value_below(rows, i)
    ]
    if lonely:
        rotation = int(getattr(ocr_page, "rotation", 0) or 0)
        if prepared is not None:
            from PIL import Image

            upright = Image.fromarray(prepared)
        else:
            upright = image.rotate(rotation, expand=True) if rotation else image
        for row in lonely[:MAX_SECOND_LOOKS]:
            _second_look(upright, row, recognize_image)
    missing = _values_missing_below(rows)[:MAX_BELOW_LOOKS] if prepared is not None else []
    if prepared is not None and missing:
        from PIL import Image

        page_image = Image.fromarray(prepared)
        found: dict[int, list[Segment]] = {}
        for index, hit in missing:
            value = _below_look(page_image, rows[index], hit, recognize_image)
            if value is not None:
                found.setdefault(index, []).append(value)
        # Later rows first, so inserting a value row keeps the earlier indexes valid.
        for index in sorted(found, reverse=True):
            rows.insert(index + 1, _value_row(found[index], rows[index]))
    return rows


Piece = tuple[str, float, float, float]  # text, left, right, confidence


def joined_pieces(pieces: tuple[Piece, ...], height: float) -> tuple[Piece, ...]:
    """Detector boxes that overlap or nearly touch are one phrase the detector cut in two
    (``EXPIR.`` and ``DT``): joined with a blank, so a label is not read as two labels."""
    out: list[Piece] = []
    for piece in pieces:
        if out and piece[1] - out[-1][2] < 0.2 * height:
            text, left, _, confidence = out[-1]
            out[-1] = (f"{text} {piece[0]}", left, max(out[-1][2], piece[2]), min(confidence, piece[3]))
        else:
            out.append(piece)
    return tuple(out)


MAX_SECOND_LOOKS = 4
# Labels printed above their value whose value the page's detection lost, read again per page.
MAX_BELOW_LOOKS = 3


def _value_below(rows: list[Row], index: int) -> bool:
    """The row under a lone label holds its value (a label printed above it): no second look."""
    if index + 1 >= len(rows):
        return False
    below = rows[index + 1].text
    return not find_labels(rows_from_text(below)) and not is_prose(below)


def _values_missing_below(rows: list[Row]) -> list[tuple[int, LabelHit]]:
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
            if hit.field in chosen or any(c.x1 > hit.start and c.x0 < hit.end for c in cells):
                continue
            out.append((index, hit))
    return out


def _below_look(page: Any, row: Row, hit: LabelHit, recognize: Any) -> Segment | None:
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
        return None  # boxes in a turned frame: positions cannot be trusted
    label_bottom = (row.y1 - box[1]) * scale + border
    valid = VALIDATORS[hit.field]
    lines = sorted(getattr(result, "lines", None) or [], key=lambda ln: ln.box[1])
    for line in lines:
        x0, y0, x1, y1 = line.box
        if (y0 + y1) / 2 < label_bottom - 0.5 * height * scale:
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
    import numpy as np

    from .ocr import read_line

    height = max(row.y1 - row.y0, 8.0)
    box = (
        int(max(0.0, hit.start - 0.5 * height)),
        int(min(float(page.height), row.y1 + 0.1 * height)),
        int(min(hit.end, hit.start + 8 * height, float(page.width))),
        int(min(float(page.height), row.y1 + 1.5 * height)),
    )
    if box[2] - box[0] < height or box[3] - box[1] < 0.8 * height:
        return None
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
    if not text or not VALIDATORS[hit.field](text):
        return None
    return Segment(text, tight[0], tight[1], tight[2], tight[3], confidence * 0.9)


def _value_row(segments: list[Segment], label_row: Row) -> Row:
    """A row of values read under a row of labels, placed right after it."""
    segments = sorted(segments, key=lambda s: s.x0)
    return Row(
        "   ".join(s.text for s in segments),
        label_row.page,
        min(s.y0 for s in segments),
        max(s.y1 for s in segments),
        min(s.confidence for s in segments),
        segments,
    )


def _second_look(upright: Any, row: Row, recognize: Any) -> None:
    """A label row without its value: OCR the neighbourhood of the label once more, enlarged.

    Page-level detection drops lone narrow glyphs (``TAKE:   1`` loses its ``1``). First the
    band of the label and the row above it, twice as large on the paper's own shade: with text
    around it the detector keeps the glyph, and the label read again tells which line holds
    the value. Failing that, the strip right of the label alone, three times larger. When
    neither shows a value, the row stays as it was.
    """
    found = _band_look(upright, row, recognize) or _strip_look(upright, row, recognize)
    if found is None:
        return
    value, confidence = found
    row.text = f"{row.text.rstrip()}   {unicodedata.normalize('NFKC', value)}"
    row.confidence = min(row.confidence, confidence) * 0.95


def _band_look(upright: Any, row: Row, recognize: Any) -> tuple[str, float] | None:
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
    fields_wanted = {h.field for h in find_labels([row])}
    for line in getattr(recognize(crop), "lines", None) or []:
        text = unicodedata.normalize("NFKC", line.text)
        for hit in find_labels(rows_from_text(text)):
            if hit.field in fields_wanted and hit.value:
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


def _strip_look(upright: Any, row: Row, recognize: Any) -> tuple[str, float] | None:
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
    return best.text.strip(), float(best.confidence)


__all__ = ["ENGINE_VERSION", "extract_document", "warm_up"]
