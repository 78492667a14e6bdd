"""Hostile PDFs written object by object: compression bombs, runaway text layers, loops."""

from __future__ import annotations

import zlib

from tests.engine.bad_files import text_pdf


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


def image_page(width: int, height: int, payload: bytes, filters: bytes, *, draw: bytes = b"") -> bytes:
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


def form_laughs(levels: int, fan_out: int) -> bytes:
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


def deep_nesting(depth: int) -> bytes:
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<</Type /Catalog /Pages 2 0 R /Deep " + nested + b">>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R>>",
        stream(b"", b"q " * 5000 + b"Q " * 5000),
    ]
    return raw_pdf(objects)


def xref_loop() -> bytes:
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


def objstm_bomb() -> bytes:
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


def flate_content_page() -> bytes:
    payload = flate_bomb(2 << 30, layers=2)
    objects = [
        b"<</Type /Catalog /Pages 2 0 R>>",
        b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R>>",
        stream(b"/Filter [/FlateDecode /FlateDecode]", payload),
    ]
    return raw_pdf(objects)
