"""Opening documents within bounds: PDFs through pypdfium2, images through Pillow.

Everything that can refuse a document lives here, before any expensive decoding:
page count, encryption, truncation, and image pixel dimensions read from the header
(so a decompression bomb is refused without allocating its pixels).
"""

from __future__ import annotations

import base64
import binascii
import ctypes
import io
import re
import struct
import weakref
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

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


DECODE_MAX_SIDE = 4400  # the OCR module's own MAX_LONG_SIDE: no pixel beyond it is ever used
DRAFT_LONG_SIDE = 3000  # a JPEG decodes at 1/2, 1/4 or 1/8 while its long side stays above this

_EXIF_TURNS = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE"}
_EXIF_TURNS.update({6: "ROTATE_270", 7: "TRANSVERSE", 8: "ROTATE_90"})


def decode_image(data: bytes, kind: Kind) -> Image:
    """Header check, a bounded decode, then an upright 8-bit L or RGB image of bounded size.

    The cost follows the pixels the OCR uses, not the pixels the file declares: a JPEG is
    decoded at a reduced scale by libjpeg itself (``draft``), any image is shrunk in Pillow
    to ``DECODE_MAX_SIDE`` in its own mode, and only then converted to 8 bits, so a 16-bit
    8000x8000 PNG never exists as a full-size array of floats or even of 8-bit RGB.
    """
    from PIL import Image

    check_image_size(*image_dimensions(data, kind))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as im:
            check_image_size(*im.size)
            if im.format == "JPEG" and max(im.size) > 2 * DRAFT_LONG_SIDE:
                factor = max(im.size) / DRAFT_LONG_SIDE
                im.draft(None, (max(1, int(im.width / factor)), max(1, int(im.height / factor))))
            _check_decoded_size(im)
            orientation = im.getexif().get(0x0112)
            im.load()
            small = _shrunk(im)
            if small is not im:
                im.close()  # the full-size pixels go before the 8-bit conversion allocates
            return _upright(_eight_bit(small), orientation)
    except ExtractionError:
        raise
    except Image.DecompressionBombError:
        raise ExtractionError("image_too_large", "The image has too many pixels.") from None
    except Exception as exc:  # truncated data, broken chunks, ...: one error for all
        raise ExtractionError(
            "corrupt_file", f"The image cannot be decoded ({type(exc).__name__})."
        ) from None


MAX_DECODED_IMAGE_BYTES = 150 * 1024 * 1024  # a 48 MP RGB PNG or a 600 dpi colour Letter scan fits


def _check_decoded_size(im: Image) -> None:
    """Refuse an image whose decoded pixels alone would fill the memory budget (after ``draft``,
    a JPEG's size is already the reduced one)."""
    depth = 2 if im.mode.startswith("I;16") else 4 if im.mode in ("I", "F") else 1
    size = im.width * im.height * len(im.getbands()) * depth
    if size > MAX_DECODED_IMAGE_BYTES:
        raise ExtractionError(
            "image_too_large",
            f"The image decodes to {size // (1024 * 1024)} MB; the limit is "
            f"{MAX_DECODED_IMAGE_BYTES // (1024 * 1024)} MB.",
        )


def _shrunk(im: Image) -> Image:
    """The image with its long side at most ``DECODE_MAX_SIDE``.

    An integer box reduction (what OpenCV's area interpolation does for integer factors)
    needs memory only for its output; modes it does not take are resampled instead.
    """
    from PIL import Image as PILImage

    if max(im.size) <= DECODE_MAX_SIDE:
        return im
    if im.mode == "1":
        im = im.convert("L")  # one byte a pixel either way; box filtering needs grey levels
    elif im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode.startswith("I;16"):
        scale = DECODE_MAX_SIDE / max(im.size)
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        return im.resize(size, PILImage.Resampling.BOX)
    return im.reduce(-(-max(im.size) // DECODE_MAX_SIDE))


def _eight_bit(im: Image) -> Image:
    """L or RGB by integer maths: alpha over white paper, 16/32-bit grey scaled by its peak."""
    from PIL import Image as PILImage

    if im.mode in ("L", "RGB"):
        return im
    if im.mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    if im.mode in ("PA", "LA", "La", "RGBA", "RGBa"):
        base = "L" if im.mode in ("LA", "La") else "RGB"
        rgba = im.convert("RGBA") if im.mode in ("PA", "RGBa") else im
        alpha = rgba.getchannel("A")
        return PILImage.composite(
            rgba.convert(base), PILImage.new(base, rgba.size, 255 if base == "L" else (255, 255, 255)), alpha
        )
    if im.mode.startswith("I"):
        wide = im.convert("I")
        peak = max(int(wide.getextrema()[1]), 1)  # type: ignore[arg-type]
        return wide.point(lambda v: v * (255 / peak)).convert("L")
    if im.mode in ("1", "F"):
        return im.convert("L")
    return im.convert("RGB")  # P, CMYK, YCbCr, LAB, HSV


def _upright(im: Image, orientation: object) -> Image:
    """Honour the EXIF orientation read before the image was shrunk (resizing drops it)."""
    from PIL import Image as PILImage

    name = _EXIF_TURNS.get(orientation) if isinstance(orientation, int) else None
    return im.transpose(getattr(PILImage.Transpose, name)) if name else im


# --------------------------------------------------------------------------- PDFs


MAX_STREAM_BYTES = 16 * 1024 * 1024  # decoded size of one non-image stream (content, font, ...)
MAX_DECODED_BYTES = 64 * 1024 * 1024  # all non-image streams of a document together
MAX_DRAWS = 2_000  # images and forms one content stream draws, forms expanded
MAX_FORM_DEPTH = 48

_STREAM_START = re.compile(rb"\bstream(?:\r\n|\n|\r)")
_OBJ_HEADER = re.compile(rb"(\d{1,10})\s+\d{1,5}\s+obj\b")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_INT_KEY = {
    key: re.compile(rb"/" + key + rb"\s+(\d+)(?!\s+\d+\s+R)") for key in (b"Width", b"Height", b"Length")
}
_DO = re.compile(rb"/([^\s/\[\]<>()]+)\s*Do\b")
_XOBJECT_DICT = re.compile(rb"/XObject\s*<<(.*?)>>", re.DOTALL)
_XOBJECT_REF = re.compile(rb"/XObject\s+(\d+)\s+\d+\s+R")
_NAMED_REF = re.compile(rb"/([^\s/\[\]<>()]+)\s+(\d+)\s+\d+\s+R")
_NOT_CONTENT = re.compile(
    rb"/(?:Length1|Length2|Length3|Type1C|CIDFontType0C|OpenType|Metadata|XRef|EmbeddedFile)\b"
)
_IMAGE_CODECS = frozenset({b"DCTDecode", b"DCT", b"JPXDecode", b"JBIG2Decode", b"CCITTFaxDecode", b"CCF"})


def check_pdf_structure(data: bytes) -> None:
    """Refuse compression and rendering bombs by reading the raw file, before pdfium does.

    Every stream is found by its ``stream`` keyword. Image streams are judged by their
    declared size (never inflated); every other stream is decoded through its filters with a
    cap per stream and for the document, so a few KB that inflate to gigabytes cost at most
    the cap. Object streams are searched for the dictionaries they hide, and the XObjects each
    content stream draws are counted with forms expanded, which catches one image tiled ten
    thousand times and forms that draw each other a hundred million times.
    """
    budget = MAX_DECODED_BYTES
    bodies: dict[int, bytes] = {}
    draws_of: dict[int, list[bytes]] = {}
    forms: set[int] = set()
    for number, dictionary, payload in _raw_streams(data):
        subtype = _name_value(dictionary, b"Subtype")
        if subtype == b"Image":
            _check_image_dictionary(dictionary)
            continue
        decoded = _decode_stream(dictionary, payload, min(MAX_STREAM_BYTES, budget))
        budget -= len(decoded)
        if _name_value(dictionary, b"Type") == b"ObjStm":
            bodies.update(_object_stream_bodies(dictionary, decoded))
            continue
        if _NOT_CONTENT.search(dictionary):
            continue
        bodies.setdefault(number, dictionary)
        draws_of[number] = _DO.findall(decoded)
        if subtype == b"Form":
            forms.add(number)
    for match in _OBJ_HEADER.finditer(data):
        number = int(match.group(1))
        if number not in bodies:
            end = data.find(b"endobj", match.end(), match.end() + 65536)
            bodies[number] = data[match.end() : end if end >= 0 else match.end() + 4096]
    names = _xobject_names(bodies)
    memo: dict[int, int] = {}
    for number in list(draws_of):
        if _draws(number, draws_of, names, forms, memo, ()) > MAX_DRAWS:
            raise ExtractionError(
                "document_too_complex", f"A page draws more than {MAX_DRAWS} images or forms."
            )


def _raw_streams(data: bytes) -> Iterator[tuple[int, bytes, bytes]]:
    """(object number, dictionary, raw payload) of every stream in the file."""
    for match in _STREAM_START.finditer(data):
        start = match.end()
        head = data.rfind(b"obj", max(0, match.start() - 65536), match.start())
        if head < 0:
            continue
        header = _OBJ_HEADER.search(data, max(0, head - 24), head + 3)
        number = int(header.group(1)) if header else -1
        dictionary = data[head + 3 : match.start()]
        length = _int_value(dictionary, b"Length")
        if length is not None and data[start + length : start + length + 32].lstrip().startswith(
            b"endstream"
        ):
            end = start + length
        else:
            found = data.find(b"endstream", start)
            end = found if found >= 0 else len(data)
        yield number, dictionary, data[start:end]


def _int_value(dictionary: bytes, key: bytes) -> int | None:
    match = _INT_KEY[key].search(dictionary)
    return int(match.group(1)) if match else None


def _name_value(dictionary: bytes, key: bytes) -> bytes | None:
    match = re.search(rb"/" + key + rb"\s*/([^\s/\[\]<>()]+)", dictionary)
    return match.group(1) if match else None


def _check_image_dictionary(dictionary: bytes) -> None:
    width, height = _int_value(dictionary, b"Width"), _int_value(dictionary, b"Height")
    if width is None or height is None:
        return
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise ExtractionError(
            "image_too_large",
            f"The PDF holds a {width}x{height} image; the limit is {MAX_PIXELS // 1_000_000} megapixels.",
        )


def _decode_stream(dictionary: bytes, payload: bytes, cap: int) -> bytes:
    """The stream decoded through its filters, refused when it would exceed ``cap`` bytes."""
    match = _FILTER.search(dictionary)
    filters = _NAME.findall(match.group(1)) if match else []
    data = payload
    for name in filters:
        if name in _IMAGE_CODECS:
            break
        try:
            data = _apply_filter(name, data, cap)
        except _TooLarge:
            raise ExtractionError(
                "document_too_complex",
                f"A PDF stream decodes to more than {cap // (1024 * 1024)} MB.",
            ) from None
        except (ValueError, zlib.error, binascii.Error):
            break  # pdfium decides what a damaged stream is worth; its size is bounded here
    if len(data) > cap:
        raise ExtractionError("document_too_complex", "A PDF stream is too large.")
    return data


class _TooLarge(Exception):
    pass


def _apply_filter(name: bytes, data: bytes, cap: int) -> bytes:
    if name in (b"FlateDecode", b"Fl"):
        out = zlib.decompressobj().decompress(data, cap + 1)
        if len(out) > cap:
            raise _TooLarge
        return out
    if name in (b"ASCIIHexDecode", b"AHx"):
        hex_digits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
        return binascii.unhexlify(hex_digits + b"0" * (len(hex_digits) % 2))
    if name in (b"ASCII85Decode", b"A85"):
        return base64.a85decode(re.sub(rb"\s", b"", data.split(b"~>", 1)[0]))
    if name in (b"RunLengthDecode", b"RL"):
        return _run_length(data, cap)
    if name in (b"LZWDecode", b"LZW"):
        return _lzw(data, cap)
    return data  # Crypt and unknown filters: left as they are


def _run_length(data: bytes, cap: int) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data) and data[i] != 128:
        n = data[i]
        if n < 128:
            out += data[i + 1 : i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1 : i + 2] * (257 - n)
            i += 2
        if len(out) > cap:
            raise _TooLarge
    return bytes(out)


def _lzw(data: bytes, cap: int) -> bytes:
    """PDF LZW (early change) with a bound on the output."""
    out = bytearray()
    table = [bytes([i]) for i in range(256)] + [b"", b""]
    width, bits, value, previous = 9, 0, 0, b""
    for byte in data:
        value = (value << 8) | byte
        bits += 8
        while bits >= width:
            bits -= width
            code = (value >> bits) & ((1 << width) - 1)
            if code == 256:
                table, width, previous = table[:258], 9, b""
                continue
            if code == 257:
                return bytes(out)
            if code < len(table):
                entry = table[code]
                if previous:
                    table.append(previous + entry[:1])
            elif previous:
                entry = previous + previous[:1]
                table.append(entry)
            else:
                return bytes(out)
            out += entry
            if len(out) > cap:
                raise _TooLarge
            previous = entry
            if len(table) + 1 >= (1 << width) and width < 12:
                width += 1
    return bytes(out)


def _object_stream_bodies(dictionary: bytes, decoded: bytes) -> dict[int, bytes]:
    """Objects stored inside an object stream, by number."""
    match = re.search(rb"/First\s+(\d+)", dictionary)
    first = int(match.group(1)) if match else 0
    numbers = [int(x) for x in decoded[:first].split()[: 2 * 100_000]]
    pairs = list(zip(numbers[::2], numbers[1::2], strict=False))
    bodies = {}
    for i, (number, offset) in enumerate(pairs):
        end = first + pairs[i + 1][1] if i + 1 < len(pairs) else len(decoded)
        bodies[number] = decoded[first + offset : end]
    return bodies


def _xobject_names(bodies: dict[int, bytes]) -> dict[bytes, set[int]]:
    """Every XObject resource name in the file and the objects it names anywhere."""
    names: dict[bytes, set[int]] = {}
    for body in bodies.values():
        if b"/XObject" not in body:
            continue
        entries = [m.group(1) for m in _XOBJECT_DICT.finditer(body)]
        entries += [bodies.get(int(m.group(1)), b"") for m in _XOBJECT_REF.finditer(body)]
        for entry in entries:
            for name, number in _NAMED_REF.findall(entry):
                names.setdefault(name, set()).add(int(number))
    return names


def _draws(
    number: int,
    draws_of: dict[int, list[bytes]],
    names: dict[bytes, set[int]],
    forms: set[int],
    memo: dict[int, int],
    stack: tuple[int, ...],
) -> int:
    """Images and forms a stream draws, each form counted with what it draws (bounded)."""
    if number in memo:
        return memo[number]
    total = 0
    for name in draws_of.get(number, []):
        targets = [t for t in names.get(name, ()) if t in forms and t not in stack and t != number]
        if targets and len(stack) < MAX_FORM_DEPTH:
            total += 1 + max(_draws(t, draws_of, names, forms, memo, (*stack, number)) for t in targets)
        else:
            total += 1
        if total > MAX_DRAWS:
            break
    memo[number] = total
    return total


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
