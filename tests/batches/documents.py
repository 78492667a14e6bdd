"""A class of students' reports for the batch tests and the batch benchmark, and how they upload them.

The reports are the generator's hand-named documents (:mod:`tests.engine.generator.documents`),
one per student; scans and phone photos are their pages rendered to pixels (pypdfium2), turned a
little and compressed, so the engine must read them through OCR.
"""

from __future__ import annotations

import io
import random
from datetime import date
from typing import Literal

import pypdfium2 as pdfium
from fpdf import FPDF
from PIL import Image, ImageFilter

from tests.engine.generator.documents import UPLOAD, aktr, aktr_pdf
from tests.engine.generator.spec import DocumentSpec

DocumentKind = Literal["text", "scan", "photo"]

EXAMS = {
    "PAR": ("Private Pilot Airplane", ["PA.I.A.K1", "PA.I.B.K1a", "PA.I.C.K2", "PA.III.A.K2"]),
    "IRA": ("Instrument Rating Airplane", ["IR.I.B.K1", "IR.I.C.K1", "IR.VI.A.K1"]),
}


def student_report(
    *, name: str, ftn: str, exam_id: str, exam_code: str, exam_date: date, score: int, codes: list[str]
) -> DocumentSpec:
    """One student's report of a batch, printed the way the uploads in the API tests are."""
    return aktr(
        UPLOAD,
        name=name,
        ftn=ftn,
        exam_id=exam_id,
        exam_code=exam_code,
        title=EXAMS[exam_code][0],
        exam_date=exam_date,
        score=score,
        percent=True,
        grade="PASS" if score >= 70 else "FAIL",
        codes=codes,
        font_size=11,
    )


def _render(pdf_bytes: bytes, dpi: int) -> Image.Image:
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        page = document[0]
        image = page.render(scale=dpi / 72).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    return image


def scan_pdf(spec: DocumentSpec, *, dpi: int = 150) -> bytes:
    """An image-only PDF of the report, as a flatbed scanner makes it."""
    image = _render(aktr_pdf(spec), dpi).convert("L").rotate(0.6, expand=False, fillcolor=255)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    pdf = FPDF(format="letter")
    pdf.add_page()
    buffer.seek(0)
    pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def photo_jpeg(spec: DocumentSpec, *, dpi: int = 140) -> bytes:
    """A phone photo of the report: slightly turned, a little soft, on a grey desk, JPEG."""
    page = _render(aktr_pdf(spec), dpi).rotate(-2.0, expand=True, fillcolor=(170, 170, 165))
    desk = Image.new("RGB", (page.width + 80, page.height + 80), (150, 150, 145))
    desk.paste(page, (40, 40))
    buffer = io.BytesIO()
    desk.filter(ImageFilter.GaussianBlur(0.6)).save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()


def document(spec: DocumentSpec, kind: DocumentKind) -> bytes:
    if kind == "scan":
        return scan_pdf(spec)
    if kind == "photo":
        return photo_jpeg(spec)
    return aktr_pdf(spec)


_SURNAMES = ["OKAFOR", "LINDQVIST", "MORALES", "TANAKA", "BROOKS", "HALVORSEN", "ADEYEMI", "COSTA"]
_GIVEN = ["WEI", "PRIYA", "JONAS", "AMARA", "LUCA", "SOFIA", "MATEO", "INGRID"]


def class_of_reports(count: int, *, seed: int = 7, exam_code: str = "PAR") -> list[DocumentSpec]:
    """``count`` distinct students of one exam, each missing one to three of the exam's few codes."""
    rng = random.Random(seed)
    pool = EXAMS[exam_code][1]
    specs = []
    for index in range(count):
        codes = sorted(set(rng.sample(pool, k=rng.randint(1, min(3, len(pool))))))
        specs.append(
            student_report(
                name=f"{rng.choice(_SURNAMES)}, {rng.choice(_GIVEN)}",
                ftn="".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8)),
                exam_id=str(rng.randrange(10**17, 10**18)),
                exam_code=exam_code,
                exam_date=date(2025, 1 + index % 12, 1 + index % 27),
                score=rng.randint(62, 98),
                codes=codes,
            )
        )
    return specs
