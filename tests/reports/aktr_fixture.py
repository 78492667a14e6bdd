"""Small deterministic AKTR text PDFs for the report tests, made with fpdf2."""

from __future__ import annotations

from dataclasses import dataclass, field

from fpdf import FPDF

PARAGRAPH = (
    "The Airman Certification Standards (ACS) codes listed below identify the knowledge areas or "
    "elements in which you answered at least one question incorrectly. A single code may represent "
    "more than one incorrect response. Refer to the ACS publication for the code's meaning."
)


@dataclass
class AktrSpec:
    name: str = "DOE, JANE Q"
    ftn: str = "A1B2C3D4"
    exam_id: str = "466317578555813058"
    exam_title: str = "Private Pilot Airplane (PAR)"
    exam_date: str = "14-MAR-2026"
    exam_site: str = "CG38270"
    score: int = 82
    grade: str = "PASS"
    take: int = 1
    codes: list[str] = field(default_factory=lambda: ["PA.I.A.K1", "PA.I.B.K2"])
    expiration: str = "03/31/2028"
    # Bytes that only travel inside the file (metadata), never a field the engine reads.
    hidden: str = ""


def aktr_pdf(spec: AktrSpec | None = None) -> bytes:
    spec = spec or AktrSpec()
    pdf = FPDF(format="letter")
    pdf.set_compression(False)
    if spec.hidden:
        pdf.set_subject(spec.hidden)
        pdf.set_keywords(spec.hidden)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    lines = [
        "U.S. DEPARTMENT OF TRANSPORTATION",
        "FEDERAL AVIATION ADMINISTRATION",
        "AIRMAN KNOWLEDGE TEST REPORT",
        f"NAME: {spec.name}",
        f"FTN: {spec.ftn}",
        f"EXAM ID: {spec.exam_id}",
        f"EXAM: {spec.exam_title}",
        f"EXAM DATE: {spec.exam_date}",
        f"EXAM SITE: {spec.exam_site}",
        f"SCORE: {spec.score}%",
        f"GRADE: {spec.grade}",
        f"TAKE: {spec.take}",
    ]
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, PARAGRAPH, new_x="LMARGIN", new_y="NEXT")
    for code in spec.codes:
        pdf.cell(0, 6, code, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"EXPIRATION DATE: {spec.expiration}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "DO NOT LOSE THIS REPORT", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
