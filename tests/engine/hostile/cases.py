"""The catalogue of hostile cases: each one's bytes, the answers it may get and why it is hostile."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

from tests.engine.bad_files import png_header

from .images import (
    animated_webp,
    apng,
    declared_jpeg,
    jpeg_giant_exif,
    png_uniform,
    png_with_chunk,
    polyglot_pdf_in_png,
    polyglot_png_in_pdf,
    progressive_jpeg,
    report_image,
)
from .pdfs import (
    deep_nesting,
    flate_bomb,
    flate_content_page,
    form_laughs,
    image_page,
    many_runs,
    objstm_bomb,
    pages_pdf,
    scanned_pages,
    xref_loop,
)


@dataclass(frozen=True)
class Hostile:
    data: bytes
    # Acceptable answers: error codes, or "ok" / "needs_review" for a document that is read.
    expect: frozenset[str]
    why: str


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
            flate_content_page(),
            refuse,
            "a content stream of 2 GB of spaces, deflated twice",
        ),
        "pdf_image_huge_dims": lambda: Hostile(
            image_page(100_000, 100_000, zlib.compress(b"\0" * 1000), b" /Filter /FlateDecode"),
            big,
            "an image XObject declaring 100000 x 100000 pixels",
        ),
        "pdf_image_flate_bomb": lambda: Hostile(
            image_page(4000, 4000, flate_bomb(1 << 30, layers=2), b" /Filter [/FlateDecode /FlateDecode]"),
            not_report,
            "a 4000 x 4000 image whose data inflates to 1 GB: only the declared pixels are read",
        ),
        "pdf_image_tiled": lambda: Hostile(
            image_page(
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
            image_page(50_000, 50_000, b"\0" * 64, b" /Filter /JBIG2Decode"),
            big,
            "a JBIG2 image declaring 50000 x 50000",
        ),
        "pdf_jpx": lambda: Hostile(
            image_page(2000, 2000, b"\0\0\0\x0cjP  \r\n\x87\n" + b"\0" * 64, b" /Filter /JPXDecode"),
            frozenset({"not_an_aktr", "corrupt_file", "document_too_complex"}),
            "a broken JPEG 2000 image",
        ),
        "pdf_ccitt": lambda: Hostile(
            image_page(
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
            form_laughs(9, 10), refuse, "form XObjects nesting 10 draws nine deep (10^8 draws)"
        ),
        "pdf_deep_nesting": lambda: Hostile(
            deep_nesting(100_000), frozenset({"corrupt_file", "not_an_aktr"}), "arrays nested 100,000 deep"
        ),
        "pdf_xref_loop": lambda: Hostile(xref_loop(), not_report, "xref sections whose /Prev loop"),
        "pdf_objstm_bomb": lambda: Hostile(objstm_bomb(), refuse, "an object stream that inflates to 512 MB"),
        "polyglot_png_then_pdf": lambda: Hostile(
            polyglot_pdf_in_png(), read, "a report PNG with a PDF appended: read as the PNG"
        ),
        "polyglot_pdf_with_png": lambda: Hostile(
            polyglot_png_in_pdf(), read, "a report PDF with a PNG in a comment: read as the PDF"
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
            report_image("I;16", "PNG"), read, "a report as a 16-bit grey PNG: read"
        ),
        "png_palette_report": lambda: Hostile(report_image("P", "PNG"), read, "a report as a palette PNG"),
        "png_1bit_report": lambda: Hostile(report_image("1", "PNG"), read, "a report as a 1-bit PNG"),
        "png_la_report": lambda: Hostile(report_image("LA", "PNG"), read, "a report as grey + alpha"),
        "jpeg_cmyk_report": lambda: Hostile(report_image("CMYK", "JPEG"), read, "a report as a CMYK JPEG"),
        "png_huge_iccp": lambda: Hostile(
            png_with_chunk(b"iCCP", b"icc\0\0" + flate_bomb(256 << 20)),
            frozenset({"not_an_aktr", "corrupt_file"}),
            "an iCCP profile inflating to 256 MB",
        ),
        "png_huge_ztxt": lambda: Hostile(
            png_with_chunk(b"zTXt", b"Comment\0\0" + flate_bomb(256 << 20)),
            frozenset({"not_an_aktr", "corrupt_file"}),
            "a zTXt chunk inflating to 256 MB",
        ),
        "png_60k_bomb": lambda: Hostile(png_header(60000, 60000), big, "a PNG header of 60000 x 60000"),
        "apng_500_frames": lambda: Hostile(apng(500), not_report, "an animated PNG of 500 frames"),
        "webp_animated_300": lambda: Hostile(
            animated_webp(300), not_report, "an animated WebP of 300 frames"
        ),
        "jpeg_truncated": lambda: Hostile(
            report_image("L", "JPEG")[:20_000],
            frozenset({"corrupt_file", "not_an_aktr", "ok", "needs_review"}),
            "a report JPEG cut short",
        ),
        "jpeg_giant_exif": lambda: Hostile(jpeg_giant_exif(), not_report, "40 APP1 segments of 64 KB"),
        "jpeg_progressive_16000": lambda: Hostile(
            declared_jpeg(16000, 16000),
            big,
            "a progressive JPEG of a few hundred bytes declaring 16000 x 16000",
        ),
        "jpeg_progressive_8000": lambda: Hostile(
            progressive_jpeg(8000, 7900), not_report, "a progressive 8000 x 7900 JPEG (inside the limit)"
        ),
    }


CASE_NAMES = tuple(_cases())


def hostile_file(name: str) -> Hostile:
    """One hostile case, built on demand (some take a second to build)."""
    return _cases()[name]()


def hostile_files() -> dict[str, Hostile]:
    return {name: build() for name, build in _cases().items()}
