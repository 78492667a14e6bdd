"""Synthetic Airman Knowledge Test Reports for batch tests and the batch benchmark.

Text reports are laid out with fpdf2 the way testing providers print them; scans and phone
photos are those pages rendered to pixels (pypdfium2), turned a little and compressed, so the
engine must read them through OCR. Nothing here reads files from outside the repository.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pypdfium2 as pdfium
from fpdf import FPDF
from PIL import Image, ImageFilter

DocumentKind = Literal["text", "scan", "photo"]

EXAMS = {
    "PAR": ("Private Pilot Airplane (PAR)", ["PA.I.A.K1", "PA.I.B.K1a", "PA.I.C.K2", "PA.III.A.K2"]),
    "IRA": ("Instrument Rating Airplane (IRA)", ["IR.I.B.K1", "IR.I.C.K1", "IR.VI.A.K1"]),
}


@dataclass(frozen=True, slots=True)
class AktrSpec:
    """What one synthetic report prints; the fields a correct extraction returns."""

    name: str
    ftn: str
    exam_id: str
    exam_code: str
    exam_date: date
    score: int
    take: int = 1
    codes: list[str] = field(default_factory=list)
    site: str = "CG38270"

    @property
    def grade(self) -> str:
        return "PASS" if self.score >= 70 else "FAIL"

    @property
    def exam_title(self) -> str:
        return EXAMS[self.exam_code][0]


def _expiration(day: date) -> date:
    """Last day of the 24th calendar month after the exam month."""
    month_index = day.year * 12 + day.month - 1 + 24 + 1
    first_of_next = date(month_index // 12, month_index % 12 + 1, 1)
    return date.fromordinal(first_of_next.toordinal() - 1)


def aktr_pdf(spec: AktrSpec) -> bytes:
    """A one-page text-layer AKTR."""
    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    lines = [
        "U.S. DEPARTMENT OF TRANSPORTATION",
        "FEDERAL AVIATION ADMINISTRATION",
        "AIRMAN KNOWLEDGE TEST REPORT",
        f"NAME: {spec.name}",
        f"FTN: {spec.ftn}",
        f"EXAM ID: {spec.exam_id}",
        f"EXAM: {spec.exam_title}",
        f"EXAM DATE: {spec.exam_date.strftime('%d-%b-%Y').upper()}",
        f"EXAM SITE: {spec.site}",
        f"SCORE: {spec.score}%",
        f"GRADE: {spec.grade}",
        f"TAKE: {spec.take}",
        "The Airman Certification Standards (ACS) codes listed below identify the knowledge areas or",
        "elements in which you answered at least one question incorrectly. A single code may represent",
        "more than one incorrect response. Refer to the ACS publication for the code's meaning.",
        *spec.codes,
        f"EXPIRATION DATE: {_expiration(spec.exam_date).strftime('%m/%d/%Y')}",
        "DO NOT LOSE THIS REPORT",
    ]
    y = 20.0
    for line in lines:
        pdf.text(18, y, line)
        y += 7.5
    return bytes(pdf.output())


def _render(pdf_bytes: bytes, dpi: int) -> Image.Image:
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        page = document[0]
        image = page.render(scale=dpi / 72).to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    return image


def scan_pdf(spec: AktrSpec, *, dpi: int = 150) -> bytes:
    """An image-only PDF of the report, as a flatbed scanner makes it."""
    image = _render(aktr_pdf(spec), dpi).convert("L").rotate(0.6, expand=False, fillcolor=255)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    pdf = FPDF(format="letter")
    pdf.add_page()
    buffer.seek(0)
    pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def photo_jpeg(spec: AktrSpec, *, dpi: int = 140) -> bytes:
    """A phone photo of the report: slightly turned, a little soft, on a grey desk, JPEG."""
    page = _render(aktr_pdf(spec), dpi).rotate(-2.0, expand=True, fillcolor=(170, 170, 165))
    desk = Image.new("RGB", (page.width + 80, page.height + 80), (150, 150, 145))
    desk.paste(page, (40, 40))
    buffer = io.BytesIO()
    desk.filter(ImageFilter.GaussianBlur(0.6)).save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()


def document(spec: AktrSpec, kind: DocumentKind) -> bytes:
    if kind == "scan":
        return scan_pdf(spec)
    if kind == "photo":
        return photo_jpeg(spec)
    return aktr_pdf(spec)


_SURNAMES = ["OKAFOR", "LINDQVIST", "MORALES", "TANAKA", "BROOKS", "HALVORSEN", "ADEYEMI", "COSTA"]
_GIVEN = ["WEI", "PRIYA", "JONAS", "AMARA", "LUCA", "SOFIA", "MATEO", "INGRID"]


def class_of_reports(count: int, *, seed: int = 7, exam_code: str = "PAR") -> list[AktrSpec]:
    """``count`` distinct students of one exam, each missing one to three of the exam's few codes."""
    rng = random.Random(seed)
    pool = EXAMS[exam_code][1]
    specs = []
    for index in range(count):
        codes = sorted(set(rng.sample(pool, k=rng.randint(1, min(3, len(pool))))))
        specs.append(
            AktrSpec(
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
