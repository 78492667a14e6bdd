"""Hostile files built in code: documents crafted to cost time or memory, with the answer each
must get.

Each case is small on disk (at most a few hundred KB) and expensive if read naively: text
layers with tens of thousands of runs, compression bombs inside PDFs and PNGs, image headers
that declare huge pixel counts, render sizes far beyond a sheet of paper, self-referencing
structures. The engine must answer every one with a stable status or error code, within
seconds and a bounded peak memory (issue 8, "Bounded cost on any input").
"""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.engine.bad_files import png_header, text_pdf
from tests.engine.generator.documents import aktr_pdf


@dataclass(frozen=True)
class Hostile:
    data: bytes
    # Acceptable answers: error codes, or "ok" / "needs_review" for a document that is read.
    expect: frozenset[str]
    why: str


# --------------------------------------------------------------------------- raw PDFs


def raw_pdf(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from object bodies (object ``i + 1`` is ``objects[i]``) with a correct xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<</Size %d /Root %d 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        trailer_extra,
        xref,
    )
    return bytes(out)


def stream(dictionary: bytes, payload: bytes) -> bytes:
    return b"<<" + dictionary + b" /Length %d>>\nstream\n" % len(payload) + payload + b"\nendstream"


def flate_bomb(size: int, layers: int = 1) -> bytes:
    """``size`` bytes of spaces deflated ``layers`` times (two layers shrink 1 GB to a few KB).

    Built without inflating anything: after a full flush every megabyte of spaces deflates to
    the same bytes, so the stream is those bytes repeated, an empty final block and the
    Adler-32 of the whole, which has a closed form for a run of one byte value.
    """
    chunk = b" " * (1 << 20)
    comp = zlib.compressobj(9)
    first = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    count = max(size // len(chunk), 1)
    total = count * len(chunk)
    low = (1 + total * 0x20) % 65521
    high = (total + 0x20 * total * (total + 1) // 2) % 65521
    data = first + again * (count - 1) + b"\x03\x00" + ((high << 16) | low).to_bytes(4, "big")
    for _ in range(layers - 1):
        data = zlib.compress(data, 9)
    return data


def pages_pdf(contents: list[bytes], *, media_box: bytes = b"0 0 612 792", resources: bytes = b"") -> bytes:
    """One page per content stream, Helvetica as /F1, extra resource entries and objects after."""
    n = len(contents)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [" + kids + b"] /Count %d>>" % n,
        b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica>>",
    ]
    for i, content in enumerate(contents):
        objects.append(
            b"<</Type /Page /Parent 2 0 R /MediaBox ["
            + media_box
            + b"] /Resources <</Font <</F1 3 0 R>>"
            + resources
            + b">> /Contents %d 0 R>>" % (5 + 2 * i)
        )
        objects.append(stream(b"", content))
    return raw_pdf(objects)


def many_runs(count: int, *, seed: int = 0) -> bytes:
    """A content stream of ``count`` one-glyph text runs scattered over a Letter page."""
    ops = [b"BT /F1 6 Tf"]
    x, y = 20, 770
    for i in range(count):
        ops.append(b"1 0 0 1 %d %d Tm (%c) Tj" % (x, y, 65 + (i * 7 + seed) % 26))
        x += 5
        if x > 590:
            x, y = 20, y - 7 if y > 20 else 770
    ops.append(b"ET")
    return b"\n".join(ops)


def _image_page(width: int, height: int, payload: bytes, filters: bytes, *, draw: bytes = b"") -> bytes:
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources <</XObject <</Im0 5 0 R>>>>"
        b" /Contents 4 0 R>>",
        stream(b"", draw or b"q 612 0 0 792 0 0 cm /Im0 Do Q"),
        stream(
            b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
            b" /BitsPerComponent 8" % (width, height) + filters,
            payload,
        ),
    ]
    return raw_pdf(objects)


def _form_laughs(levels: int, fan_out: int) -> bytes:
    """Form XObjects each drawing the next ``fan_out`` times: fan_out ** levels draws."""
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources <</XObject <</X 5 0 R>>>>"
        b" /Contents 4 0 R>>",
        stream(b"", b"/X Do"),
    ]
    for level in range(levels):
        number = 5 + level
        if level + 1 < levels:
            body = b" ".join([b"/X Do"] * fan_out)
            res = b"/Resources <</XObject <</X %d 0 R>>>>" % (number + 1)
        else:
            body = b"0 0 m 1 1 l S"
            res = b""
        objects.append(stream(b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] " + res, body))
    return raw_pdf(objects)


def _deep_nesting(depth: int) -> bytes:
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<</Type /Catalog /Pages 2 0 R /Deep " + nested + b">>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R>>",
        stream(b"", b"q " * 5000 + b"Q " * 5000),
    ]
    return raw_pdf(objects)


def _xref_loop() -> bytes:
    """Two cross-reference sections whose /Prev point at each other."""
    base = text_only_pdf()
    end = base.rindex(b"startxref")
    xref_at = int(base[end + len(b"startxref") :].split()[0])
    body = base[:xref_at]
    table = base[xref_at : base.index(b"trailer", xref_at)]
    second = len(body) + len(table) + 64
    out = bytearray(body)
    out += table
    out += b"trailer\n<</Size 6 /Root 1 0 R /Prev %d>>\n" % second
    out = out.ljust(second, b" ")
    out += table
    out += b"trailer\n<</Size 6 /Root 1 0 R /Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (xref_at, second)
    return bytes(out)


def _objstm_bomb() -> bytes:
    """An object stream claiming a million objects, its body a flate bomb."""
    payload = flate_bomb(512 << 20, layers=2)
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R>>",
        stream(b"", b"BT /F1 12 Tf 72 700 Td (objstm) Tj ET"),
        stream(b"/Type /ObjStm /N 1000000 /First 10 /Filter [/FlateDecode /FlateDecode]", payload),
    ]
    return raw_pdf(objects)


def scanned_pages(pages: int, lines: int = 6) -> bytes:
    """A PDF of ``pages`` scanned pages (one grey image each) of a few lines that are no report."""
    import datetime as dt

    import pypdfium2 as pdfium
    from fpdf import FPDF

    doc = pdfium.PdfDocument(
        text_pdf([f"Hangar log entry {i}: door inspected, bulb replaced." for i in range(lines)])
    )
    try:
        page = doc[0]
        bitmap = page.render(scale=150 / 72, grayscale=True)
        image = bitmap.to_pil().convert("L")
        bitmap.close()
        page.close()
    finally:
        doc.close()
    scan = FPDF(unit="pt", format="letter")
    scan.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    for _ in range(pages):
        scan.add_page()
        scan.image(image, x=0, y=0, w=612, h=792)
    return bytes(scan.output())


def text_only_pdf() -> bytes:
    return pages_pdf([b"BT /F1 12 Tf 72 700 Td (Not a report at all, only a line of text.) Tj ET"])


# --------------------------------------------------------------------------- images


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


def _png_with_chunk(kind: bytes, body: bytes) -> bytes:
    base = _pil_bytes("L", (64, 64), "PNG")
    return base[:33] + _png_chunk(kind, body) + base[33:]


def _pil_bytes(mode: str, size: tuple[int, int], fmt: str, **save: object) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new(mode, size).save(out, format=fmt, **save)
    return out.getvalue()


def _report_image(mode: str, fmt: str, scale: float = 2.0, **save: object) -> bytes:
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


def _progressive_jpeg(width: int, height: int) -> bytes:
    return _pil_bytes("L", (width, height), "JPEG", progressive=True, quality=5)


def _declared_jpeg(width: int, height: int) -> bytes:
    """A small progressive JPEG whose frame header is rewritten to declare another size."""
    data = bytearray(_progressive_jpeg(64, 64))
    sof = data.index(b"\xff\xc2")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def _jpeg_giant_exif() -> bytes:
    """A JPEG whose APP1 segments (EXIF, then many more) fill a few MB."""
    base = _pil_bytes("RGB", (64, 64), "JPEG")
    exif = b"Exif\0\0" + b"MM\0*\0\0\0\x08" + b"\0\x01" + b"\x01\x12\0\x03\0\0\0\x01\0\x06\0\0" + b"\0" * 4
    segment = b"\xff\xe1" + struct.pack(">H", 65535) + exif.ljust(65533, b"\0")
    return base[:2] + segment * 40 + base[2:]


def _apng(frames: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    images = [Image.new("L", (256, 256), 255 - i % 200) for i in range(frames)]
    images[0].save(out, format="PNG", save_all=True, append_images=images[1:], duration=10)
    return out.getvalue()


def _animated_webp(frames: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    images = [Image.new("RGB", (256, 256), (i, i, i)) for i in range(frames)]
    images[0].save(out, format="WEBP", save_all=True, append_images=images[1:], duration=10, lossless=True)
    return out.getvalue()


def _polyglot_pdf_in_png() -> bytes:
    """A PNG (a report image) with a whole PDF appended after IEND."""
    return _report_image("L", "PNG", scale=1.5) + aktr_pdf()


def _polyglot_png_in_pdf() -> bytes:
    """A PDF text report with a PNG stuck in a comment before it: read as a PDF."""
    pdf = aktr_pdf()
    return (
        pdf[:15]
        + b"%"
        + _pil_bytes("L", (32, 32), "PNG").replace(b"\n", b" ").replace(b"\r", b" ")
        + b"\n"
        + pdf[15:]
    )


# --------------------------------------------------------------------------- the catalogue


def _tiny_text_pdf(lines: list[str]) -> bytes:
    """One Letter page of lines in 4 pt type: many labels or codes within the text caps."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", size=4)
    for i, line in enumerate(lines):
        pdf.text(5, 10 + 5 * i, line)
    return bytes(pdf.output())


_REPORT_HEAD = [
    "AIRMAN KNOWLEDGE TEST REPORT",
    "NAME: DOE, JANE",
    "FTN: A1B2C3D4",
    "EXAM ID: 123456789012345678",
    "EXAM: Private Pilot Airplane (PAR)",
    "EXAM DATE: 03/14/2026",
    "GRADE: PASS",
]


def _near_codes(rows: int, per_row: int) -> list[str]:
    """Rows of code-shaped tokens, most of them in no catalogue: each costs a fuzzy search."""
    areas = ["I", "II", "IV", "IX", "XI", "XIV"]
    return [
        "   ".join(
            f"PA.{areas[(r + k) % 6]}.{'ABCDEFG'[(r * k) % 7]}.K{(r + 3 * k) % 40}" for k in range(per_row)
        )
        for r in range(rows)
    ]


def _cases() -> dict[str, Callable[[], Hostile]]:
    refuse = frozenset({"document_too_complex"})
    big = frozenset({"image_too_large"})
    read = frozenset({"ok", "needs_review"})
    not_report = frozenset({"not_an_aktr"})
    return {
        "pdf_one_row_of_3000_labels": lambda: Hostile(
            _tiny_text_pdf(["NAME: X " * 3000]),
            not_report,
            "3,000 labels on one row: each label looked for just before its colon, linear time",
        ),
        "pdf_report_with_2000_codes": lambda: Hostile(
            _tiny_text_pdf(_REPORT_HEAD + _near_codes(90, 25)),
            refuse,
            "a report with 2,250 code tokens, most in no catalogue: more than a report lists",
        ),
        "pdf_runs_3_pages": lambda: Hostile(
            pages_pdf([many_runs(3000, seed=s) for s in range(3)]),
            not_report,
            "3 pages of 3000 one-glyph runs: below the cap, read in linear time",
        ),
        "pdf_runs_one_page_60k": lambda: Hostile(
            pages_pdf([many_runs(60_000)]), refuse, "60,000 runs on one page: above the cap"
        ),
        "pdf_runs_10_pages_10k": lambda: Hostile(
            pages_pdf([many_runs(10_000, seed=s) for s in range(10)]),
            refuse,
            "10 pages of 10,000 runs: above the document cap",
        ),
        "pdf_flate_bomb_content": lambda: Hostile(
            _flate_content_page(),
            refuse,
            "a content stream of 2 GB of spaces, deflated twice",
        ),
        "pdf_image_huge_dims": lambda: Hostile(
            _image_page(100_000, 100_000, zlib.compress(b"\0" * 1000), b" /Filter /FlateDecode"),
            big,
            "an image XObject declaring 100000 x 100000 pixels",
        ),
        "pdf_image_flate_bomb": lambda: Hostile(
            _image_page(4000, 4000, flate_bomb(1 << 30, layers=2), b" /Filter [/FlateDecode /FlateDecode]"),
            not_report,
            "a 4000 x 4000 image whose data inflates to 1 GB: only the declared pixels are read",
        ),
        "pdf_image_tiled": lambda: Hostile(
            _image_page(
                64,
                64,
                zlib.compress(bytes(range(64)) * 64),
                b" /Filter /FlateDecode",
                draw=b" ".join(
                    b"q 6 0 0 8 %d %d cm /Im0 Do Q" % (6 * (i % 100), 8 * (i // 100)) for i in range(10_000)
                ),
            ),
            refuse,
            "one image drawn 10,000 times on a page",
        ),
        "pdf_jbig2": lambda: Hostile(
            _image_page(50_000, 50_000, b"\0" * 64, b" /Filter /JBIG2Decode"),
            big,
            "a JBIG2 image declaring 50000 x 50000",
        ),
        "pdf_jpx": lambda: Hostile(
            _image_page(2000, 2000, b"\0\0\0\x0cjP  \r\n\x87\n" + b"\0" * 64, b" /Filter /JPXDecode"),
            frozenset({"not_an_aktr", "corrupt_file", "document_too_complex"}),
            "a broken JPEG 2000 image",
        ),
        "pdf_ccitt": lambda: Hostile(
            _image_page(
                60_000, 60_000, b"\0" * 64, b" /Filter /CCITTFaxDecode /DecodeParms <</K -1 /Columns 60000>>"
            ),
            big,
            "a CCITT image declaring 60000 x 60000",
        ),
        "pdf_mediabox_200in": lambda: Hostile(
            pages_pdf([b"0 0 m 14400 14400 l S"], media_box=b"0 0 14400 14400"),
            not_report,
            "a 200 x 200 inch page rendered for OCR (render size capped)",
        ),
        "pdf_mediabox_sliver": lambda: Hostile(
            pages_pdf([b"0 0 m 14400 1 l S"], media_box=b"0 0 14400 0.5"),
            not_report,
            "a 200 inch by 1/144 inch page",
        ),
        "pdf_10_huge_blank_pages": lambda: Hostile(
            pages_pdf([b"0 0 m 100 100 l S"] * 10, media_box=b"0 0 14400 14400"),
            not_report,
            "ten 200-inch pages with a line each",
        ),
        "pdf_scan_10_pages": lambda: Hostile(
            scanned_pages(10), not_report, "ten scanned pages, none a report: two pages are read"
        ),
        "pdf_form_laughs": lambda: Hostile(
            _form_laughs(9, 10), refuse, "form XObjects nesting 10 draws nine deep (10^8 draws)"
        ),
        "pdf_deep_nesting": lambda: Hostile(
            _deep_nesting(100_000), frozenset({"corrupt_file", "not_an_aktr"}), "arrays nested 100,000 deep"
        ),
        "pdf_xref_loop": lambda: Hostile(_xref_loop(), not_report, "xref sections whose /Prev loop"),
        "pdf_objstm_bomb": lambda: Hostile(
            _objstm_bomb(), refuse, "an object stream that inflates to 512 MB"
        ),
        "polyglot_png_then_pdf": lambda: Hostile(
            _polyglot_pdf_in_png(), read, "a report PNG with a PDF appended: read as the PNG"
        ),
        "polyglot_pdf_with_png": lambda: Hostile(
            _polyglot_png_in_pdf(), read, "a report PDF with a PNG in a comment: read as the PDF"
        ),
        "png_16bit_8000": lambda: Hostile(
            png_uniform(8000, 8000), not_report, "a blank 16-bit 8000 x 8000 PNG"
        ),
        "png_rgba_8000": lambda: Hostile(
            png_uniform(8000, 8000, 8, 6), big, "a blank 8-bit RGBA 8000 x 8000 PNG (256 MB decoded)"
        ),
        "png_rgba16_6000": lambda: Hostile(
            png_uniform(6000, 6000, 16, 6), not_report, "a blank 16-bit RGBA 6000 x 6000 PNG"
        ),
        "png_16bit_report": lambda: Hostile(
            _report_image("I;16", "PNG"), read, "a report as a 16-bit grey PNG: read"
        ),
        "png_palette_report": lambda: Hostile(_report_image("P", "PNG"), read, "a report as a palette PNG"),
        "png_1bit_report": lambda: Hostile(_report_image("1", "PNG"), read, "a report as a 1-bit PNG"),
        "png_la_report": lambda: Hostile(_report_image("LA", "PNG"), read, "a report as grey + alpha"),
        "jpeg_cmyk_report": lambda: Hostile(_report_image("CMYK", "JPEG"), read, "a report as a CMYK JPEG"),
        "png_huge_iccp": lambda: Hostile(
            _png_with_chunk(b"iCCP", b"icc\0\0" + flate_bomb(256 << 20)),
            frozenset({"not_an_aktr", "corrupt_file"}),
            "an iCCP profile inflating to 256 MB",
        ),
        "png_huge_ztxt": lambda: Hostile(
            _png_with_chunk(b"zTXt", b"Comment\0\0" + flate_bomb(256 << 20)),
            frozenset({"not_an_aktr", "corrupt_file"}),
            "a zTXt chunk inflating to 256 MB",
        ),
        "png_60k_bomb": lambda: Hostile(png_header(60000, 60000), big, "a PNG header of 60000 x 60000"),
        "apng_500_frames": lambda: Hostile(_apng(500), not_report, "an animated PNG of 500 frames"),
        "webp_animated_300": lambda: Hostile(
            _animated_webp(300), not_report, "an animated WebP of 300 frames"
        ),
        "jpeg_truncated": lambda: Hostile(
            _report_image("L", "JPEG")[:20_000],
            frozenset({"corrupt_file", "not_an_aktr", "ok", "needs_review"}),
            "a report JPEG cut short",
        ),
        "jpeg_giant_exif": lambda: Hostile(_jpeg_giant_exif(), not_report, "40 APP1 segments of 64 KB"),
        "jpeg_progressive_16000": lambda: Hostile(
            _declared_jpeg(16000, 16000),
            big,
            "a progressive JPEG of a few hundred bytes declaring 16000 x 16000",
        ),
        "jpeg_progressive_8000": lambda: Hostile(
            _progressive_jpeg(8000, 7900), not_report, "a progressive 8000 x 7900 JPEG (inside the limit)"
        ),
    }


def _flate_content_page() -> bytes:
    payload = flate_bomb(2 << 30, layers=2)
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R>>",
        stream(b"/Filter [/FlateDecode /FlateDecode]", payload),
    ]
    return raw_pdf(objects)


CASE_NAMES = tuple(_cases())


def hostile_file(name: str) -> Hostile:
    """One hostile case, built on demand (some take a second to build)."""
    return _cases()[name]()


def hostile_files() -> dict[str, Hostile]:
    return {name: build() for name, build in _cases().items()}


# --------------------------------------------------------------------------- fresh processes

_RUNNER = """
import os, resource, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfipros.settings.test")
from manage import main
sys.argv = ["manage.py", "extract", *sys.argv[1:]]
try:
    main()
finally:
    sys.stdout.flush()
    # VmHWM is this process's own peak: ru_maxrss also counts the parent's RSS at fork time.
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("peak_rss_kb=%d" % peak, file=sys.stderr)
"""


@dataclass(frozen=True)
class Run:
    entries: list[dict[str, Any]]
    peak_rss_mb: float
    seconds: float
    returncode: int
    stderr: str


def run_fresh(paths: list[str], *, timeout: float = 120.0) -> Run:
    """``manage.py extract PATHS`` in a new interpreter, with its wall time and peak RSS."""
    root = Path(__file__).resolve().parents[2]
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, *paths],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=root,
        check=False,
    )
    seconds = time.perf_counter() - started
    peaks = re.findall(r"peak_rss_kb=(\d+)", proc.stderr)
    entries = json.loads(proc.stdout) if proc.stdout.strip() else []
    peak = int(peaks[-1]) / 1024 if peaks else float("inf")
    return Run(entries, peak, seconds, proc.returncode, proc.stderr)


def answer(entry: dict[str, Any]) -> str:
    """The stable answer of one output entry: its error code, or its status."""
    return str(entry["error"]["code"]) if entry.get("error") else str(entry["status"])
