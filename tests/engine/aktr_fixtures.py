"""Small deterministic AKTR documents built in code (fpdf2), with the result they must give.

Covers the variation the engine must generalize over: label spellings, date styles, header
layouts (stacked, two per row, label and value in separate table cells), code layouts (one
per line, grid, comma separated), legacy PLT reports with an applicant ID, reports without a
score, two-page reports, and the bad inputs of the error contract.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zlib
from dataclasses import dataclass, field, replace
from typing import Any

from fpdf import FPDF

from tests.engine.generator.spec import end_of_month

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


DATE_STYLES = ("us", "us_short", "dmy", "dmy_title", "long", "long_short", "abbr", "iso")


def format_date(d: dt.date, style: str) -> str:
    if style == "us":
        return d.strftime("%m/%d/%Y")
    if style == "us_short":
        return f"{d.month}/{d.day}/{d.year}"
    if style == "dmy":
        return d.strftime("%d-%b-%Y").upper()
    if style == "dmy_title":
        return d.strftime("%d-%b-%Y")
    if style == "long":
        return d.strftime("%B %d, %Y")
    if style == "long_short":
        return f"{d.strftime('%B')} {d.day}, {d.year}"
    if style == "abbr":
        return d.strftime("%b %d, %Y")
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
    font: str = "Helvetica"  # Helvetica | Times | Courier
    font_size: float = 10
    heading: str = "Airman Knowledge Test Report"
    expiration_style: str = "us"
    grid_columns: int = 3
    comma_per_line: int = 6
    no_codes_text: str = "No deficient areas"  # printed when there are no codes ("" prints nothing)
    print_score: bool = True  # False: the report has no score row at all
    colon: bool = True  # labels printed with a colon
    codes_split: int | None = None  # rows of the code block from this one on continue on page 2

    def label(self, key: str) -> str:
        return {**DEFAULT_LABELS, **self.labels}[key]

    @property
    def expiration(self) -> dt.date:
        return end_of_month(self.exam_date, self.validity_months)

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
            "score": self.score if self.score_text is None and self.print_score else None,
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
        pairs = [
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
        return [p for p in pairs if self.print_score or p[0] != self.label("score")]

    def code_lines(self) -> list[list[str]]:
        """The codes block as printed: rows of cells (one cell per code, or a comma list)."""
        codes = list(self.codes)
        if self.codes_layout == "lines":
            return [[c] for c in codes]
        if self.codes_layout == "grid":
            n = self.grid_columns
            return [codes[i : i + n] for i in range(0, len(codes), n)]
        if self.codes_layout == "comma":
            n = self.comma_per_line
            return [
                [", ".join(codes[i : i + n]) + ("," if i + n < len(codes) else "")]
                for i in range(0, len(codes), n)
            ]
        raise ValueError(self.codes_layout)


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
    pdf.cell(612, 18, report.heading, align="C")
    y += 40
    size = report.font_size
    lead = round(size * 1.6)
    pdf.set_font(report.font, "", size)
    pairs = report.header_pairs()
    colon = ":" if report.colon else ""
    header = report.header
    if header == "paired":
        left_end = 60 + 2 * size + max(pdf.get_string_width(f"{a}{colon} {b}") for a, b in pairs[::2])
        widest_right = max(pdf.get_string_width(f"{a}{colon} {b}") for a, b in pairs[1::2])
        right = min(max(320, left_end), 590 - widest_right)  # both columns on the page
        if right < left_end:  # two columns do not fit this font: one column instead
            header = "stacked"
    if header == "stacked":
        for label, value in pairs:
            pdf.text(60, y, f"{label}{colon} {value}")
            y += lead
    elif header == "paired":
        for i in range(0, len(pairs), 2):
            for j, (label, value) in enumerate(pairs[i : i + 2]):
                pdf.text(right if j else 60, y, f"{label}{colon} {value}")
            y += lead
    elif header == "table":
        value_x = 60 + max(pdf.get_string_width(f"{label}{colon}") for label, _ in pairs) + 3 * size
        for label, value in pairs:
            pdf.text(60, y, f"{label}{colon}")
            pdf.text(value_x, y, value)
            y += lead
    else:
        raise ValueError(report.header)
    y += 10
    pdf.set_xy(60, y)
    standard = PARAGRAPH_ACS if report.code_kind == "acs" else PARAGRAPH_PLT
    pdf.multi_cell(492, size * 1.1, report.paragraph or standard)
    y = pdf.get_y() + 16
    lines = report.code_lines()
    if not lines and report.no_codes_text:
        pdf.text(60, y, report.no_codes_text)
        y += lead
    column = (492 / max(report.grid_columns, 1)) if report.codes_layout == "grid" else 0
    for i, cells in enumerate(lines):
        if i and i == report.codes_split:
            pdf.add_page()
            y = 60.0
        for j, cell in enumerate(cells):
            pdf.text(60 + column * j, y, cell)
        y += round(size * 1.4)
    y += 12
    expiration = format_date(report.expiration, report.expiration_style)
    pdf.text(60, y, f"{report.label('expiration')}{colon} {expiration}")
    y += 24
    pdf.set_font(report.font, "B", size)
    pdf.text(60, y, "DO NOT LOSE THIS REPORT")
    pdf.set_font(report.font, "", 8)
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


# --------------------------------------------------------------------------- random variants

LABEL_SPELLINGS: dict[str, tuple[str, ...]] = {
    "name": ("NAME", "APPLICANT NAME", "APPLICANT"),
    "ftn": ("FTN", "FAA TRACKING NUMBER", "FAA TRACKING NUMBER (FTN)"),
    "applicant_id": ("APPLICANT ID", "APPLICANT ID NUMBER", "STUDENT ID"),
    "exam_id": ("EXAM ID", "TEST ID", "EXAM ID NUMBER"),
    "exam": ("EXAM", "TEST", "EXAM TITLE", "TEST NAME"),
    "exam_date": ("EXAM DATE", "TEST DATE", "DATE TAKEN", "DATE"),
    "exam_site": ("EXAM SITE", "TEST SITE", "TESTING CENTER", "SITE ID"),
    "score": ("SCORE", "TEST SCORE", "EXAM SCORE"),
    "grade": ("GRADE", "RESULT", "TEST RESULT"),
    "take": ("TAKE", "ATTEMPT", "TAKE NUMBER"),
    "expiration": ("EXPIRATION DATE", "EXPIRES", "VALID UNTIL"),
}
# Test codes with titles as a report prints them; the ones of the engine's own table plus
# tests whose reports the samples do not show (their titles here are only plausible prints).
ACS_EXAMS: dict[str, str] = {
    "PAR": "Private Pilot Airplane",
    "CAX": "Commercial Pilot Airplane",
    "IRA": "Instrument Rating Airplane",
    "ATM": "Airline Transport Pilot Multiengine Airplane",
    "ATS": "Airline Transport Pilot Single Engine Airplane",
    "FOI": "Fundamentals of Instructing",
    "FIA": "Flight Instructor Airplane",
    "AFA": "Flight Instructor Airplane - Added Rating",
    "FIP": "Flight Instructor Powered-Lift",
    "IPA": "Flight Instructor Instrument Powered-Lift",
    "FRH": "Flight Instructor Rotorcraft/Helicopter",
    "HFA": "Flight Instructor Helicopter - Added Rating",
    "PRH": "Private Pilot Helicopter",
    "CRH": "Commercial Pilot Rotorcraft/Helicopter",
    "IRH": "Instrument Rating Helicopter",
    "UAG": "Unmanned Aircraft General - Small",
    "AMA": "Aviation Mechanic Airframe",
    "AMG": "Aviation Mechanic General",
    "AMP": "Aviation Mechanic Powerplant",
    "PPL": "Private Pilot Powered-Lift",
    "CPL": "Commercial Pilot Powered-Lift",
    "IPL": "Instrument Rating Powered-Lift",
    "APL": "Airline Transport Pilot Powered-Lift",
    "MCN": "Military Competency Non-Instructor",
}
PLT_EXAMS: dict[str, str] = {
    "PAR": "Private Pilot Airplane",
    "IRA": "Instrument Rating Airplane",
    "CAX": "Commercial Pilot Airplane",
    "ATM": "Airline Transport Pilot Multiengine Airplane",
    "ADX": "Aircraft Dispatcher",
    "FEX": "Flight Engineer Basic",
    "FIH": "Flight Instructor Helicopter",
    "PRH": "Private Pilot Helicopter",
}
# Test code -> (ACS prefix, share of the codes) for tests whose reports mix prefixes.
MIXED_PREFIXES: dict[str, tuple[str, ...]] = {
    "FIA": ("AI", "AI", "FI"),
    "AFA": ("AI", "FI"),
    "FIP": ("IL", "FI"),
    "IPA": ("IL", "FI"),
    "FRH": ("HI", "FI"),
    "HFA": ("HI", "FI"),
}
SURNAMES = (
    "KOWALSKI", "NGUYEN", "O'BRIEN", "SMITH-JONES", "MCALLISTER", "DE LA CRUZ", "VAN DER BERG",
    "D'ANGELO", "LINDQVIST", "OKAFOR", "TANAKA", "ST. JAMES", "LI", "MULLER", "HERNANDEZ-LOPEZ",
    "O'NEIL", "DUBOIS", "NG",
)  # fmt: skip
GIVEN = ("PRIYA", "JAMES", "MARY ANN", "JEAN-LUC", "WEI", "ZOE", "AISHA", "ROBERT", "LIAM", "JO")
SUFFIXES = ("", "", "", "", " JR", " SR", " III", " II")
FTN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"  # FTNs use neither I, O nor Q
SITE_LETTERS = "ABCDEFGHJK"


def random_report(seed: int, codes_by_prefix: dict[str, list[str]]) -> Report:
    """One deterministic report drawn across every dimension the family varies on.

    ``codes_by_prefix``: sorted catalogue codes per ACS prefix (the codes are drawn from it).
    """
    rng = random.Random(seed)
    legacy = rng.random() < 0.2
    exams = PLT_EXAMS if legacy else {c: t for c, t in ACS_EXAMS.items() if _prefixes_of(c, codes_by_prefix)}
    exam_code = rng.choice(sorted(exams))
    if legacy:
        start, span = dt.date(2012, 1, 1), 365 * 8
    else:
        start, span = dt.date(2020, 6, 1), 365 * 7
    exam_date = start + dt.timedelta(days=rng.randrange(span))
    if rng.random() < 0.15:  # month ends and leap days are where expiration rules slip
        exam_date = rng.choice(
            [dt.date(2024, 2, 29), dt.date(2023, 12, 31), dt.date(2025, 8, 31), dt.date(2021, 1, 31)]
        )
    n_codes = rng.choice([0, 1, 2, 3, 5, 8, 12, 15, 20]) if rng.random() < 0.9 else rng.randrange(0, 31)
    if legacy:
        codes = [f"PLT{n:03d}" for n in rng.sample(range(1, 541), n_codes)]
    else:
        prefixes = _prefixes_of(exam_code, codes_by_prefix)
        codes = sorted({rng.choice(codes_by_prefix[rng.choice(prefixes)]) for _ in range(n_codes)})
    if rng.random() < 0.3:
        rng.shuffle(codes)
    score = rng.randrange(40, 101)
    surname, given = rng.choice(SURNAMES), rng.choice(GIVEN)
    initial = rng.choice(["", "", f" {rng.choice('ABCDEFGHJKLMR')}"])
    suffix = rng.choice(SUFFIXES)
    first = f"{given}{initial}"
    name = f"{surname}{suffix}, {first}" if rng.random() < 0.5 else f"{surname}, {first}{suffix}"
    labels = {key: rng.choice(options) for key, options in LABEL_SPELLINGS.items()}
    if rng.random() < 0.5:
        labels = {}
    header = rng.choice(["stacked", "paired", "table", "table"])
    no_score = rng.random()
    lines = max(len(codes), 1)
    return Report(
        name=name,
        ftn=None if legacy else "A" + "".join(rng.choice(FTN_ALPHABET) for _ in range(7)),
        applicant_id=str(rng.randrange(10**8, 10**9)) if legacy else None,
        exam_id="".join(rng.choice("0123456789") for _ in range(18)),
        title=exams[exam_code],
        exam_code=exam_code,
        exam_date=exam_date,
        site="".join(rng.choice(SITE_LETTERS) for _ in range(2)) + str(rng.randrange(1000, 100000)),
        score=score,
        score_text=rng.choice(["N/A", "--", "n/a"]) if no_score < 0.08 else None,
        print_score=no_score >= 0.04,
        percent=rng.random() < 0.5,
        grade="PASS" if score >= 70 else "FAIL",
        take=rng.choice([1, 1, 1, 2, 2, 3, 4]),
        codes=codes,
        code_kind="plt" if legacy else "acs",
        header=header,
        codes_layout=rng.choice(["lines", "grid", "comma"]),
        date_style=rng.choice(DATE_STYLES),
        expiration_style=rng.choice(["us", "us", rng.choice(DATE_STYLES)]),
        labels=labels,
        two_pages=rng.random() < 0.3,
        validity_months=60 if exam_code == "ATM" else 24,
        font=rng.choice(["Helvetica", "Times", "Courier"]),
        font_size=rng.choice([9, 10, 10, 11]),
        heading=rng.choice(["Airman Knowledge Test Report", "AIRMAN KNOWLEDGE TEST REPORT"]),
        grid_columns=rng.choice([2, 3, 4, 5]),
        comma_per_line=rng.choice([3, 4, 6]),
        no_codes_text=rng.choice(["No deficient areas", "NONE", ""]),
        colon=header != "table" or rng.random() < 0.8,
        codes_split=rng.randrange(1, lines) if lines > 1 and rng.random() < 0.1 else None,
    )


def _prefixes_of(exam_code: str, codes_by_prefix: dict[str, list[str]]) -> tuple[str, ...]:
    from extraction.engine.data.exams import EXAM_PREFIXES

    wanted = MIXED_PREFIXES.get(exam_code) or EXAM_PREFIXES.get(exam_code, ())
    return tuple(p for p in wanted if codes_by_prefix.get(p))


def codes_by_prefix(catalog: Any) -> dict[str, list[str]]:
    """Sorted catalogue codes per ACS prefix, the pool :func:`random_report` draws from."""
    return {p: sorted(codes) for p, codes in catalog.by_prefix.items()}


def image_variant(report: Report, seed: int) -> tuple[Report, bytes]:
    """The report the way users upload a picture of it, chosen by the seed, and its truth.

    A third are clean PNG renders (150-300 dpi), a third scanned PDFs (every page as an image
    inside a PDF, 200-300 dpi, slightly tilted), a third phone photos: a quarter turn or none,
    a few degrees of skew, light falling off across the page, JPEG at quality 55-90, 120-250
    dpi. A picture shows one page, so its report keeps all codes on page 1.
    """
    import io

    import pypdfium2 as pdfium
    from PIL import Image, ImageChops, ImageFilter

    rng = random.Random(seed * 7919 + 1)
    mode = ("png", "scan", "photo")[seed % 3]
    if mode != "scan":
        report = replace(report, codes_split=None)
    low, high = {"png": (150, 300), "scan": (200, 300), "photo": (120, 250)}[mode]
    dpi = rng.randint(low, high)
    doc = pdfium.PdfDocument(build_pdf(report))
    pages = []
    try:
        for index in range(len(doc) if mode == "scan" else 1):
            page = doc[index]
            bitmap = page.render(scale=dpi / 72, grayscale=True)
            pages.append(bitmap.to_pil().convert("L"))
            bitmap.close()
            page.close()
    finally:
        doc.close()
    out = io.BytesIO()
    if mode == "png":
        pages[0].save(out, format="PNG")
        return report, out.getvalue()
    if mode == "scan":
        scan = FPDF(unit="pt", format="letter")
        scan.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        for image in pages:
            image = image.rotate(rng.uniform(-1.0, 1.0), expand=True, fillcolor=255, resample=Image.BICUBIC)
            scan.add_page()
            scan.image(image, x=0, y=0, w=612, h=792)
        return report, bytes(scan.output())
    image = pages[0]
    angle = rng.choice([0, 0, 90, 180, 270]) + rng.uniform(-4.0, 4.0)
    width, height = image.size
    # A lamp off the page's centre: a radial fall-off, cropped off-centre and stretched smooth.
    cx, cy = rng.randint(64, 192), rng.randint(64, 192)
    light = Image.radial_gradient("L").crop((cx - 64, cy - 64, cx + 64, cy + 64))
    depth = rng.uniform(0.25, 0.5)
    shade = light.resize((width, height), Image.BILINEAR).point(lambda v: 255 - int(v * depth))
    image = ImageChops.multiply(image, shade)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.0, 0.8)))
    background = rng.randint(90, 160)
    image = image.rotate(angle, expand=True, fillcolor=background, resample=Image.BICUBIC)
    image = _keystone(image, rng.uniform(0.0, 0.06), rng.choice([True, False]), background)
    image.convert("RGB").save(out, format="JPEG", quality=rng.randint(55, 90))
    return report, out.getvalue()


def _keystone(image: Any, squeeze: float, top: bool, background: int) -> Any:
    """The phone not held parallel to the page: one edge of the picture narrower by ``squeeze``."""
    import numpy as np
    from PIL import Image

    w, h = image.size
    inset = squeeze * w / 2
    # Where each corner of the output comes from in the input (the narrow edge spreads out).
    near, far = (inset, 0.0) if top else (0.0, inset)
    source = [(-near, 0), (w + near, 0), (w + far, h), (-far, h)]
    target = [(0, 0), (w, 0), (w, h), (0, h)]
    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    flat = np.array([c for corner in source for c in corner], dtype=float)
    coeffs = np.linalg.solve(np.array(rows, dtype=float), flat)
    return image.transform(
        (w, h), Image.PERSPECTIVE, tuple(coeffs), resample=Image.BICUBIC, fillcolor=background
    )


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
