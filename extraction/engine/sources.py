"""Opening documents within bounds: PDFs through pypdfium2, images through Pillow.

Everything that can refuse a document lives here, before any expensive decoding:
page count, encryption, truncation, and image pixel dimensions read from the header
(so a decompression bomb is refused without allocating its pixels).
"""

from __future__ import annotations

import contextlib
import io
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .layout import Row, Segment, group_rows
from .sniff import Kind
from .types import ExtractionError

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PAGES = 10
MAX_PIXELS = 64_000_000  # a 48 MP phone photo passes; 60000x60000 does not
MAX_SIDE = 16_000
MIN_TEXT_CHARS = 40  # alphanumerics a page needs before its text layer is trusted
RENDER_MAX_SIDE = 3400  # rendered scan pages are capped (about 300 dpi on Letter)


# --------------------------------------------------------------------------- images


def image_dimensions(data: bytes, kind: Kind) -> tuple[int, int]:
    """Width and height from the file header only."""
    try:
        if kind == "png":
            if data[12:16] != b"IHDR":
                raise ValueError("no IHDR")
            return struct.unpack(">II", data[16:24])
        if kind == "jpeg":
            return _jpeg_dimensions(data)
        if kind == "webp":
            return _webp_dimensions(data)
    except (ValueError, struct.error) as exc:
        raise ExtractionError("corrupt_file", f"The image header is unreadable ({exc}).") from None
    raise ExtractionError("unsupported_type", "Unsupported image type.")


def _jpeg_dimensions(data: bytes) -> tuple[int, int]:
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xFF,):
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        if marker == 0xDA:  # start of scan before any frame header
            break
        i += 2 + length
    raise ValueError("no JPEG frame header")


def _webp_dimensions(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L":
        b = data[21:25]
        w = 1 + (((b[1] & 0x3F) << 8) | b[0])
        h = 1 + (((b[3] & 0x0F) << 10) | (b[2] << 2) | ((b[1] & 0xC0) >> 6))
        return w, h
    if chunk == b"VP8X":
        w = 1 + int.from_bytes(data[24:27], "little")
        h = 1 + int.from_bytes(data[27:30], "little")
        return w, h
    raise ValueError("unknown WebP chunk")


def check_image_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise ExtractionError("corrupt_file", "The image header declares an empty image.")
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ExtractionError(
            "image_too_large",
            f"The image is {width}x{height} pixels; the limit is {MAX_PIXELS // 1_000_000} megapixels.",
        )


def decode_image(data: bytes, kind: Kind) -> Image:
    """Header check, then a bounded decode, EXIF orientation applied."""
    from PIL import Image, ImageOps

    check_image_size(*image_dimensions(data, kind))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as im:
            check_image_size(*im.size)
            im.load()
            upright = ImageOps.exif_transpose(im)
            return upright if upright is not None else im.copy()
    except ExtractionError:
        raise
    except Image.DecompressionBombError:
        raise ExtractionError("image_too_large", "The image has too many pixels.") from None
    except Exception as exc:  # truncated data, broken chunks, ...: one error for all
        raise ExtractionError(
            "corrupt_file", f"The image cannot be decoded ({type(exc).__name__})."
        ) from None


# --------------------------------------------------------------------------- PDFs


@contextmanager
def open_pdf(data: bytes, *, allow_encrypted: bool = False) -> Iterator[object]:
    """A pypdfium2 document that passed the structural checks; closed on exit."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    tail = data[-2048:]
    if b"%%EOF" not in tail:
        raise ExtractionError("corrupt_file", "The PDF is truncated (no end-of-file marker).")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
            raise ExtractionError("encrypted_pdf", "The PDF is password-protected.") from None
        raise ExtractionError(
            "corrupt_file", "The PDF cannot be read (damaged or not really a PDF)."
        ) from None
    try:
        if not allow_encrypted and raw.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
            raise ExtractionError("encrypted_pdf", "The PDF is encrypted; upload an unprotected copy.")
        n = len(pdf)
        if n == 0:
            raise ExtractionError("corrupt_file", "The PDF has no pages.")
        if n > MAX_PAGES:
            raise ExtractionError("too_many_pages", f"The PDF has {n} pages; the limit is {MAX_PAGES}.")
        yield pdf
    finally:
        pdf.close()


def page_text_rows(page: object, index: int) -> list[Row]:
    """Rows of a page's text layer, built from pdfium's text rectangles (top-down coordinates)."""
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        height = page.get_height()  # type: ignore[attr-defined]
        segments = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            text = textpage.get_text_bounded(left, bottom, right, top)
            if "\n" in text or "\r" in text:
                # With tight leading the rectangle also catches glyphs of the neighbouring
                # line; pdfium puts them on a line of their own. The rectangle's own run is
                # the longest line.
                text = max(text.replace("\r", "\n").split("\n"), key=len)
            if text.strip():
                segments.append(Segment(text, left, height - top, right, height - bottom))
        return group_rows(segments, index)
    finally:
        textpage.close()


_NOT_ALNUM = re.compile(r"[\W_]+")


def usable_text(rows: list[Row]) -> bool:
    return len(_NOT_ALNUM.sub("", "".join(r.text for r in rows))) >= MIN_TEXT_CHARS


def render_page(page: object) -> Image:
    """Render a page for OCR at the native resolution of its largest image, within bounds."""
    width, height = page.get_size()  # type: ignore[attr-defined]
    scale = 300 / 72
    with contextlib.suppress(Exception):  # geometry is only a hint for the scale
        best = 0.0
        for obj in page.get_objects(max_depth=2):  # type: ignore[attr-defined]
            if obj.type == 3:  # FPDF_PAGEOBJ_IMAGE
                left, bottom, right, top = obj.get_bounds()
                px_w, _ = obj.get_px_size()
                if right - left > 0 and (right - left) * (top - bottom) > best:
                    best = (right - left) * (top - bottom)
                    scale = px_w / (right - left)
    scale = max(150 / 72, min(scale, 400 / 72))
    scale = min(scale, RENDER_MAX_SIDE / max(width, height))
    bitmap = page.render(scale=scale, grayscale=True)  # type: ignore[attr-defined]
    try:
        return bitmap.to_pil()
    finally:
        bitmap.close()
