"""Opening PDFs within bounds through pypdfium2: their text layer, or their pages as images.

Truncation, encryption, page count and the structural checks of :mod:`.pdf_guard` come first;
text runs, characters and OCR pages are then charged against per-page and per-document caps.
Images are opened by :mod:`.images`.
"""

from __future__ import annotations

import ctypes
import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .images import check_image_size
from .layout import Row, Segment, group_rows
from .pdf_guard import MAX_DRAWS, check_pdf_structure
from .types import ExtractionError

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PAGES = 10
MIN_TEXT_CHARS = 40  # alphanumerics a page needs before its text layer is trusted
RENDER_MAX_SIDE = 3400  # rendered scan pages are capped (about 300 dpi on Letter)


@contextmanager
def open_pdf(data: bytes, *, allow_encrypted: bool = False) -> Iterator[object]:
    """A pypdfium2 document that passed the structural checks; closed on exit."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    tail = data[-2048:]
    if b"%%EOF" not in tail:
        raise ExtractionError("corrupt_file", "The PDF is truncated (no end-of-file marker).")
    check_pdf_structure(data)
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
    """Rows of a page's text layer (top-down coordinates), in time linear in its characters.

    A segment is one run of characters drawn by the same text object, as pdfium's text
    rectangles are; but each character is visited once (the former per-rectangle
    ``get_text_bounded`` scanned the whole page per rectangle, quadratic in the runs). Pages
    or documents beyond the caps are refused with ``document_too_complex`` before any of this.
    """
    import pypdfium2.raw as raw

    objects = raw.FPDFPage_CountObjects(page.raw)  # type: ignore[attr-defined]
    if objects > MAX_PAGE_OBJECTS:
        raise ExtractionError(
            "document_too_complex",
            f"Page {index + 1} draws {objects} objects; the limit is {MAX_PAGE_OBJECTS}.",
        )
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        count = raw.FPDFText_CountChars(textpage.raw)
        _charge_characters(page, index, count)
        height = page.get_height()  # type: ignore[attr-defined]
        return group_rows(_segments(textpage.raw, count, height), index)
    finally:
        textpage.close()


MAX_PAGE_OBJECTS = 20_000  # page objects (text runs, paths, images) after loading a page
MAX_PAGE_CHARS = 30_000  # a dense AKTR page holds about 3,000 characters in a few hundred runs
MAX_DOCUMENT_CHARS = 60_000

_characters_seen: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()


def _charge_characters(page: object, index: int, count: int) -> None:
    """Refuse a page, or a document so far, with more characters than any report prints."""
    if count > MAX_PAGE_CHARS:
        raise ExtractionError(
            "document_too_complex",
            f"Page {index + 1} has {count} characters; the limit is {MAX_PAGE_CHARS}.",
        )
    document = getattr(page, "parent", None)
    if document is None:
        return
    total = _characters_seen.get(document, 0) + count
    _characters_seen[document] = total
    if total > MAX_DOCUMENT_CHARS:
        raise ExtractionError(
            "document_too_complex",
            f"The PDF has more than {MAX_DOCUMENT_CHARS} characters of text.",
        )


def _c_function(name: str, restype: Any, *argtypes: Any) -> Any:
    """A pdfium text function returning a plain address or int: cheap to call per character."""
    import pypdfium2.raw as raw

    address = ctypes.cast(getattr(raw, name), ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(restype, *argtypes)(address or 0)


def _segments(textpage: Any, count: int, height: float) -> list[Segment]:
    """One segment per run of characters of the same text object.

    Per character only its text object is asked for; the text comes in one call and each
    run's box from pdfium's own rectangle over the run's character range, so the work stays
    linear in the characters.
    """
    handle = ctypes.c_void_p(ctypes.cast(textpage, ctypes.c_void_p).value)
    vp, ci, dp = ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_double)
    text_object = _c_function("FPDFText_GetTextObject", vp, vp, ci)
    generated = _c_function("FPDFText_IsGenerated", ci, vp, ci)
    count_rects = _c_function("FPDFText_CountRects", ci, vp, ci, ci)
    get_rect = _c_function("FPDFText_GetRect", ci, vp, ci, dp, dp, dp, dp)
    text = _page_text(textpage, count)
    left, top, right, bottom = (ctypes.c_double() for _ in range(4))
    refs = tuple(ctypes.byref(v) for v in (left, top, right, bottom))
    segments: list[Segment] = []

    def close(first: int, end: int, chars: list[str]) -> None:
        run = "".join(chars)
        if not run.strip() or count_rects(handle, first, end - first) < 1:
            return
        get_rect(handle, 0, *refs)
        segments.append(Segment(run, left.value, height - top.value, right.value, height - bottom.value))

    chars: list[str] = []
    owner: int | None = None
    first = 0
    for i in range(count):
        char = text[i]
        if char in _MAYBE_GENERATED and generated(handle, i) == 1:
            if char == " " and chars:
                chars.append(" ")
            continue
        obj = text_object(handle, i)
        if obj != owner:
            close(first, i, chars)
            owner, chars, first = obj, [], i
        chars.append(char)
    close(first, count, chars)
    return segments


_MAYBE_GENERATED = frozenset("\r\n\x02 ")


def _page_text(textpage: Any, count: int) -> str:
    """The page's characters, one string item per pdfium character index."""
    import pypdfium2.raw as raw

    buffer = ctypes.create_string_buffer(2 * (count + 1))
    units = raw.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: 2 * max(units - 1, 0)].decode("utf-16-le", errors="replace")
    if len(text) == count:
        return text
    # Characters outside the BMP take two UTF-16 units: fall back to one call per character.
    return "".join(
        chr(c) if 0 < c < 0x110000 else "\ufffd"
        for c in (raw.FPDFText_GetUnicode(textpage, i) for i in range(count))
    )


_NOT_ALNUM = re.compile(r"[\W_]+")


def usable_text(rows: list[Row]) -> bool:
    return len(_NOT_ALNUM.sub("", "".join(r.text for r in rows))) >= MIN_TEXT_CHARS


def render_page(page: object) -> Image:
    """Render a page for OCR at the native resolution of its largest image, within bounds.

    Only the first ``MAX_OCR_PAGES`` scanned pages of a document are rendered; later ones
    come back blank (an AKTR is one or two pages, and the pipeline stops at its end marker),
    so ten scanned pages cost two pages of OCR. Images are judged by their pixel size
    before anything is rendered (inline images and
    indirect sizes escape the raw-file check), and the bitmap never exceeds
    ``RENDER_MAX_SIDE`` whatever the page size.
    """
    width, height = page.get_size()  # type: ignore[attr-defined]
    if not _charge_ocr_page(page):
        from PIL import Image as PILImage

        return PILImage.new("L", (8, 8), 255)  # too small to hold text: OCR skips it
    scale = 300 / 72
    best = 0.0
    images = 0
    for obj in _page_objects(page):
        if obj.type != 3:  # FPDF_PAGEOBJ_IMAGE
            continue
        images += 1
        try:
            px_w, px_h = obj.get_px_size()
            left, bottom, right, top = obj.get_bounds()
        except Exception:  # noqa: S112 - geometry is only a hint for the scale
            continue
        check_image_size(max(px_w, 1), max(px_h, 1))
        if right - left > 0 and (right - left) * (top - bottom) > best:
            best = (right - left) * (top - bottom)
            scale = px_w / (right - left)
    if images > MAX_DRAWS:
        raise ExtractionError("document_too_complex", f"A page draws more than {MAX_DRAWS} images.")
    if not (width > 0 and height > 0):
        raise ExtractionError("corrupt_file", "A page of the PDF has no area.")
    scale = max(150 / 72, min(scale, 400 / 72))
    scale = min(scale, RENDER_MAX_SIDE / max(width, height))
    bitmap = page.render(scale=scale, grayscale=True)  # type: ignore[attr-defined]
    try:
        return bitmap.to_pil()
    finally:
        bitmap.close()


MAX_OCR_PAGES = 2

_ocr_pages_seen: weakref.WeakKeyDictionary[object, int] = weakref.WeakKeyDictionary()


def _charge_ocr_page(page: object) -> bool:
    """True while the page's document is within its budget of scanned pages."""
    document = getattr(page, "parent", None)
    if document is None:
        return True
    seen = _ocr_pages_seen.get(document, 0) + 1
    _ocr_pages_seen[document] = seen
    return seen <= MAX_OCR_PAGES


def _page_objects(page: object) -> list[Any]:
    try:
        return list(page.get_objects(max_depth=2))  # type: ignore[attr-defined]
    except Exception:
        return []
