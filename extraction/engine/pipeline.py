"""Orchestration: sniff -> limits -> text layer or OCR -> parse -> verify codes -> result."""

from __future__ import annotations

import contextlib
import logging
import re
import time
import unicodedata
from collections.abc import Mapping
from typing import Any

from . import images, looks, sources
from .catalog import Catalog
from .header import find_labels, is_label_only
from .layout import Row, Segment, rows_from_text
from .parse import is_aktr, parse_rows
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
        rows.append(
            Row(
                text,
                page,
                y0,
                y1,
                float(line.confidence),
                segments,
                tuple(getattr(line, "readings", ())),
                tuple(getattr(line, "others", ())),
                bool(getattr(line, "clipped", False)),
            )
        )
    # The lines come top to bottom along the page's own skew (``ocr.rows_of_boxes``); sorting
    # their upright boxes instead would put a short label at the left of a tilted page above
    # the wider row of values printed before it.
    prepared = getattr(ocr_page, "image", None)  # the flattened, upright page the boxes refer to
    # A label without its value: alone on its row, or closing a row of cells (``Test result
    # P - Pass   Take no.``), with no value of it on the next row either.
    lonely = [
        r
        for i, r in enumerate(rows)
        if r.segments
        and (is_label_only(r.text) or (len(r.segments) > 1 and is_label_only(r.segments[-1].text)))
        and not looks.value_below(rows, i)
    ]
    if lonely:
        rotation = int(getattr(ocr_page, "rotation", 0) or 0)
        if prepared is not None:
            from PIL import Image

            upright = Image.fromarray(prepared)
        else:
            upright = image.rotate(rotation, expand=True) if rotation else image
        for row in lonely[:MAX_SECOND_LOOKS]:
            looks.second_look(upright, row, recognize_image)
    missing = looks.values_missing_below(rows)[:MAX_BELOW_LOOKS] if prepared is not None else []
    if prepared is not None and missing:
        from PIL import Image

        page_image = Image.fromarray(prepared)
        found: dict[int, list[Segment]] = {}
        for index, hit in missing:
            value = looks.below_look(page_image, rows[index], hit, recognize_image)
            if value is not None:
                found.setdefault(index, []).append(value)
        # Later rows first, so inserting a value row keeps the earlier indexes valid.
        for index in sorted(found, reverse=True):
            rows.insert(index + 1, looks.value_row(found[index], rows[index]))
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


__all__ = ["ENGINE_VERSION", "extract_document", "warm_up"]
