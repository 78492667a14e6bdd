"""Hostile pictures: huge declared sizes, odd chunks, animations, polyglots, a report in any mode."""

from __future__ import annotations

import io
import struct
import zlib

from tests.engine.generator.documents import aktr_pdf


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def png_uniform(width: int, height: int, depth: int = 16, colour: int = 0) -> bytes:
    """A PNG of uniform pixels (grey by default, ``colour`` 6 for RGBA): a few hundred KB that
    decode to width * height * channels * depth / 8 bytes."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    row = b"\0" + b"\x80" * (width * channels * depth // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def png_with_chunk(kind: bytes, body: bytes) -> bytes:
    base = _pil_bytes("L", (64, 64), "PNG")
    return base[:33] + _png_chunk(kind, body) + base[33:]


def _pil_bytes(mode: str, size: tuple[int, int], fmt: str, **save: object) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt, **save)
    return out.getvalue()


def report_image(mode: str, fmt: str, scale: float = 2.0, **save: object) -> bytes:
    """The default report rendered, converted to ``mode`` and saved as ``fmt``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(aktr_pdf())
    try:
        page = doc[0]
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_pil().convert("L")
        bitmap.close()
        page.close()
    finally:
        doc.close()
    if mode == "I;16":
        image = image.point(lambda v: v * 256, "I").convert("I;16")
    elif mode == "P":
        image = image.convert("P")
    elif mode == "1":
        image = image.convert("1")
    elif mode != "L":
        image = image.convert(mode)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def progressive_jpeg(width: int, height: int) -> bytes:
    return _pil_bytes("L", (width, height), "JPEG", progressive=True, quality=5)


def declared_jpeg(width: int, height: int) -> bytes:
    """A small progressive JPEG whose frame header is rewritten to declare another size."""
    data = bytearray(progressive_jpeg(64, 64))
    sof = data.index(b"\xff\xc2")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_giant_exif() -> bytes:
    """A JPEG whose APP1 segments (EXIF, then many more) fill a few MB."""
    base = _pil_bytes("RGB", (64, 64), "JPEG")
    exif = b"Exif\0\0" + b"MM\0*\0\0\0\x08" + b"\0\x01" + b"\x01\x12\0\x03\0\0\0\x01\0\x06\0\0" + b"\0" * 4
    segment = b"\xff\xe1" + struct.pack(">H", 65535) + exif.ljust(65533, b"\0")
    return base[:2] + segment * 40 + base[2:]


def apng(frames: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    images = [Image.new("L", (256, 256), 255 - i % 200) for i in range(frames)]
    images[0].save(out, format="PNG", save_all=True, append_images=images[1:], duration=10)
    return out.getvalue()


def animated_webp(frames: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    images = [Image.new("RGB", (256, 256), (i, i, i)) for i in range(frames)]
    images[0].save(out, format="WEBP", save_all=True, append_images=images[1:], duration=10, lossless=True)
    return out.getvalue()


def polyglot_pdf_in_png() -> bytes:
    """A PNG (a report image) with a whole PDF appended after IEND."""
    return report_image("L", "PNG", scale=1.5) + aktr_pdf()


def polyglot_png_in_pdf() -> bytes:
    """A PDF text report with a PNG stuck in a comment before it: read as a PDF."""
    pdf = aktr_pdf()
    return (
        pdf[:15]
        + b"%"
        + _pil_bytes("L", (32, 32), "PNG").replace(b"\n", b" ").replace(b"\r", b" ")
        + b"\n"
        + pdf[15:]
    )
