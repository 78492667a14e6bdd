"""Small deterministic AKTR documents built in code (fpdf2), with the result they must give.

Covers the variation the engine must generalize over: label spellings, date styles, header
layouts (stacked, two per row, label and value in separate table cells), code layouts (one
per line, grid, comma separated), legacy PLT reports with an applicant ID, reports without a
score, two-page reports, and the bad inputs of the error contract.
"""

from __future__ import annotations

import calendar
import datetime as dt
import struct
import zlib
from dataclasses import dataclass, field, replace
from typing import Any

from fpdf import FPDF

PARAGRAPH_ACS = (
    "The Airman Certification Standards (ACS) codes listed below identify the knowledge areas or elements "
    "in which you answered at least one question incorrectly. A single code may represent more than one "
    "incorrect response. Refer to the ACS publication for the code's meaning."
)
PARAGRAPH_PLT = (
    "The learning statement codes listed below identify subject areas in which questions were answered "
    "incorrectly. Refer to the Learning Statement Reference Guide."
)
STATEMENT = [
    "AUTHORIZED INSTRUCTOR'S STATEMENT: (if applicable)",
    "On ____________ (date) I gave the above named applicant ______ hours of additional instruction,",
    "covering each subject area shown to be deficient, and consider the applicant competent to pass "
    "the test.",
    "Last name __________ First name __________ MI ___ Cert. No. __________ Type of Instructor Cert. ______",
    "Signature ______________________________",
]

DEFAULT_LABELS = {
    "name": "NAME",
    "ftn": "FTN",
    "applicant_id": "APPLICANT ID",
    "exam_id": "EXAM ID",
    "exam": "EXAM",
    "exam_date": "EXAM DATE",
    "exam_site": "EXAM SITE",
    "score": "SCORE",
    "grade": "GRADE",
    "take": "TAKE",
    "expiration": "EXPIRATION DATE",
}
ALT_LABELS = {
    "name": "APPLICANT NAME",
    "ftn": "FAA TRACKING NUMBER",
    "exam_id": "TEST ID",
    "exam": "TEST",
    "exam_date": "TEST DATE",
    "exam_site": "TEST SITE",
    "score": "TEST SCORE",
    "grade": "RESULT",
    "take": "ATTEMPT",
}


def _end_of_month(d: dt.date, months: int) -> dt.date:
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def format_date(d: dt.date, style: str) -> str:
    if style == "us":
        return d.strftime("%m/%d/%Y")
    if style == "dmy":
        return d.strftime("%d-%b-%Y").upper()
    if style == "long":
        return d.strftime("%B %d, %Y")
    if style == "iso":
        return d.isoformat()
    raise ValueError(style)


@dataclass
class Report:
    name: str = "KOWALSKI, PRIYA A"
    ftn: str | None = "AWCPYA1S"
    applicant_id: str | None = None
    exam_id: str = "466317578555813058"
    title: str = "Private Pilot Airplane"
    exam_code: str = "PAR"
    exam_date: dt.date = dt.date(2024, 5, 22)
    site: str = "CG38270"
    score: int | None = 84
    score_text: str | None = None  # printed instead of the score, e.g. "N/A"
    percent: bool = False
    grade: str = "PASS"
    take: int = 1
    codes: list[str] = field(default_factory=lambda: ["PA.I.C.K2a", "PA.III.B.R1", "PA.IX.A.K3"])
    code_kind: str = "acs"
    header: str = "stacked"  # stacked | paired | table
    codes_layout: str = "lines"  # lines | grid | comma
    date_style: str = "us"
    labels: dict[str, str] = field(default_factory=dict)
    two_pages: bool = False
    validity_months: int = 24
    paragraph: str | None = None  # replaces the standard explanatory paragraph

    def label(self, key: str) -> str:
        return {**DEFAULT_LABELS, **self.labels}[key]

    @property
    def expiration(self) -> dt.date:
        return _end_of_month(self.exam_date, self.validity_months)

    def expected(self) -> dict[str, Any]:
        return {
            "applicant_name": self.name,
            "ftn": self.ftn,
            "applicant_id": self.applicant_id,
            "exam_id": self.exam_id,
            "exam_code": self.exam_code,
            "exam_title": f"{self.title} ({self.exam_code})",
            "exam_date": self.exam_date.isoformat(),
            "exam_site": self.site,
            "score": self.score if self.score_text is None else None,
            "grade": self.grade,
            "take": self.take,
            "expiration_date": self.expiration.isoformat(),
            "code_kind": self.code_kind,
            "codes": sorted(set(self.codes)),
        }

    def header_pairs(self) -> list[tuple[str, str]]:
        ident = ("ftn", self.ftn) if self.ftn else ("applicant_id", self.applicant_id or "")
        score = (
            self.score_text if self.score_text is not None else f"{self.score}{'%' if self.percent else ''}"
        )
        return [
            (self.label("name"), self.name),
            (self.label(ident[0]), ident[1]),
            (self.label("exam_id"), self.exam_id),
            (self.label("exam"), f"{self.title} ({self.exam_code})"),
            (self.label("exam_date"), format_date(self.exam_date, self.date_style)),
            (self.label("exam_site"), self.site),
            (self.label("score"), score),
            (self.label("grade"), self.grade),
            (self.label("take"), str(self.take)),
        ]


def build_pdf(report: Report) -> bytes:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    y = 60.0
    for line in ("U.S. DEPARTMENT OF TRANSPORTATION", "FEDERAL AVIATION ADMINISTRATION"):
        pdf.set_xy(0, y)
        pdf.cell(612, 14, line, align="C")
        y += 14
    pdf.set_font("Helvetica", "B", 14)
    pdf.set_xy(0, y + 4)
    pdf.cell(612, 18, "Airman Knowledge Test Report", align="C")
    y += 40
    pdf.set_font("Helvetica", "", 10)
    pairs = report.header_pairs()
    if report.header == "stacked":
        for label, value in pairs:
            pdf.text(60, y, f"{label}: {value}")
            y += 16
    elif report.header == "paired":
        for i in range(0, len(pairs), 2):
            for j, (label, value) in enumerate(pairs[i : i + 2]):
                pdf.text(60 + 260 * j, y, f"{label}: {value}")
            y += 16
    elif report.header == "table":
        for label, value in pairs:
            pdf.text(60, y, f"{label}:")
            pdf.text(200, y, value)
            y += 16
    else:
        raise ValueError(report.header)
    y += 10
    pdf.set_xy(60, y)
    standard = PARAGRAPH_ACS if report.code_kind == "acs" else PARAGRAPH_PLT
    pdf.multi_cell(492, 11, report.paragraph or standard)
    y = pdf.get_y() + 16
    codes = list(report.codes)
    if not codes:
        pdf.text(60, y, "No deficient areas")
        y += 16
    elif report.codes_layout == "lines":
        for code in codes:
            pdf.text(60, y, code)
            y += 14
    elif report.codes_layout == "grid":
        for i in range(0, len(codes), 3):
            for j, code in enumerate(codes[i : i + 3]):
                pdf.text(60 + 164 * j, y, code)
            y += 14
    elif report.codes_layout == "comma":
        for i in range(0, len(codes), 6):
            chunk = codes[i : i + 6]
            tail = "," if i + 6 < len(codes) else ""
            pdf.text(60, y, ", ".join(chunk) + tail)
            y += 14
    else:
        raise ValueError(report.codes_layout)
    y += 12
    pdf.text(60, y, f"{report.label('expiration')}: {format_date(report.expiration, 'us')}")
    y += 24
    pdf.set_font("Helvetica", "B", 10)
    pdf.text(60, y, "DO NOT LOSE THIS REPORT")
    pdf.set_font("Helvetica", "", 8)
    if report.two_pages:
        pdf.add_page()
        y = 60
    else:
        y += 24
    for line in STATEMENT:
        pdf.text(60, y, line)
        y += 12
    return bytes(pdf.output())


def plt_report(**kw: Any) -> Report:
    base = Report(
        name="NGUYEN, MARIA",
        ftn=None,
        applicant_id="367233708",
        title="Flight Engineer Basic",
        exam_code="FEX",
        exam_date=dt.date(2018, 5, 12),
        codes=["PLT087", "PLT161", "PLT315"],
        code_kind="plt",
        codes_layout="comma",
    )
    return replace(base, **kw)


# --------------------------------------------------------------------------- bad inputs


def text_pdf(lines: list[str], pages: int = 1) -> bytes:
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.set_font("Helvetica", "", 11)
    for p in range(pages):
        pdf.add_page()
        for i, line in enumerate(lines):
            pdf.text(60, 80 + 16 * i, f"{line} {p + 1}" if pages > 1 else line)
    return bytes(pdf.output())


def encrypted_pdf(user_password: str = "secret") -> bytes:  # noqa: S107
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.set_encryption(owner_password="owner", user_password=user_password)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.text(60, 80, "AIRMAN KNOWLEDGE TEST REPORT")
    return bytes(pdf.output())


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares the given size (the pixel data is a tiny stub)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return (
        b"\xff\xd8\xff\xe0"
        + struct.pack(">H", 16)
        + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + sof
        + b"\xff\xd9"
    )


def bad_inputs() -> dict[str, tuple[bytes, str]]:
    """name -> (bytes, expected error code)."""
    good = build_pdf(Report())
    return {
        "empty": (b"", "empty_file"),
        "whitespace": (b"  \n\t ", "empty_file"),
        "gif": (
            b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,"
            b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
            "unsupported_type",
        ),
        "svg": (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
            "unsupported_type",
        ),
        "html": (
            b"<!DOCTYPE html><html><body>AIRMAN KNOWLEDGE TEST REPORT</body></html>",
            "unsupported_type",
        ),
        "zip": (b"PK\x03\x04" + b"\0" * 100, "unsupported_type"),
        "truncated_pdf": (good[: len(good) // 2], "corrupt_file"),
        "garbage_after_header": (b"%PDF-1.7\n" + bytes(range(256)) * 40, "corrupt_file"),
        "garbage_with_eof": (b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n", "corrupt_file"),
        "truncated_png": (png_header(800, 600)[:40], "corrupt_file"),
        "encrypted_pdf": (encrypted_pdf(), "encrypted_pdf"),
        "encrypted_pdf_empty_user_password": (encrypted_pdf(""), "encrypted_pdf"),
        "eleven_pages": (text_pdf(["AIRMAN KNOWLEDGE TEST REPORT", "page"], pages=11), "too_many_pages"),
        "png_bomb": (png_header(60000, 60000), "image_too_large"),
        "jpeg_bomb": (jpeg_header(50000, 50000), "image_too_large"),
        "too_large": (b"%PDF-1.4\n" + b"0" * (15 * 1024 * 1024), "file_too_large"),
        "not_an_aktr": (
            text_pdf(
                [
                    "Quarterly maintenance invoice",
                    "Hangar rent: 1,200 USD",
                    "Fuel: 340 gallons",
                    "Thank you for your business.",
                ]
            ),
            "not_an_aktr",
        ),
    }
