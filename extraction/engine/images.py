"""Image uploads opened within bounds.

Pixel dimensions are read from the file header before any decoding, so a decompression bomb
is refused without allocating its pixels; decoding itself is capped in size, bit depth and
mode before the OCR step sees the image.
"""

from __future__ import annotations

import io
import struct
from typing import TYPE_CHECKING

from .sniff import Kind
from .types import ExtractionError

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_PIXELS = 64_000_000  # a 48 MP phone photo passes; 60000x60000 does not
MAX_SIDE = 16_000


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
            return _upright(eight_bit(small), orientation)
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


def eight_bit(im: Image) -> Image:
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
