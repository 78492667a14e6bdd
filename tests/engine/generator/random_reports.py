"""The first family of generated reports: one seed, one report drawn across what the first
samples vary on, on the classic page (:mod:`.documents`), and pictures of it.

:func:`random_report` keeps its draws from before the generator's wide family existed, so a seed
names the same content (fields and codes) as it always did; ``python -m
tests.engine.variant_sweep`` measures the engine on them and ``test_variants.py`` keeps 150 seeds
exact. Its labels, dates and layouts are the first samples' ones, mapped onto the generator's.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any

from fpdf import FPDF

from .documents import aktr
from .images import rasterize
from .render import render_pdf
from .spec import DocumentSpec

# The first family's style names -> the generator's.
DATE_STYLES = {
    "us": "mdY",
    "us_short": "mdY_nopad",
    "dmy": "dbY",
    "dmy_title": "dbY_title",
    "long": "BdY",
    "long_short": "Bd_Y",
    "abbr": "bdY_pad",
    "iso": "iso",
}
FIRST_DATE_STYLES = tuple(DATE_STYLES)  # drawn in this order
HEADER_LAYOUTS = {"stacked": "stacked", "paired": "pairs", "table": "columns"}
CODE_LAYOUTS = {"lines": "lines", "grid": "grid_rows", "comma": "separated"}

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


def random_report(seed: int, codes_by_prefix: dict[str, list[str]]) -> DocumentSpec:
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
    printed: dict[str, Any] = {
        "name": name,
        "ftn": None if legacy else "A" + "".join(rng.choice(FTN_ALPHABET) for _ in range(7)),
        "applicant_id": str(rng.randrange(10**8, 10**9)) if legacy else None,
        "exam_id": "".join(rng.choice("0123456789") for _ in range(18)),
        "title": exams[exam_code],
        "exam_code": exam_code,
        "exam_date": exam_date,
        "site": "".join(rng.choice(SITE_LETTERS) for _ in range(2)) + str(rng.randrange(1000, 100000)),
        "score": score,
        "score_text": rng.choice(["N/A", "--", "n/a"]) if no_score < 0.08 else None,
        "print_score": no_score >= 0.04,
        "percent": rng.random() < 0.5,
        "grade": "PASS" if score >= 70 else "FAIL",
        "take": rng.choice([1, 1, 1, 2, 2, 3, 4]),
        "codes": codes,
        "code_kind": "plt" if legacy else "acs",
        "header_layout": HEADER_LAYOUTS[header],
        "code_layout": CODE_LAYOUTS[rng.choice(["lines", "grid", "comma"])],
        "date_style": DATE_STYLES[rng.choice(FIRST_DATE_STYLES)],
        "expiration_style": DATE_STYLES[rng.choice(["us", "us", rng.choice(FIRST_DATE_STYLES)])],
        "labels": labels,
        "break_before_statement": rng.random() < 0.3,
        "validity_months": 60 if exam_code == "ATM" else 24,
        "font": rng.choice(["Helvetica", "Times", "Courier"]),
        "font_size": rng.choice([9, 10, 10, 11]),
        "heading": rng.choice(["Airman Knowledge Test Report", "AIRMAN KNOWLEDGE TEST REPORT"]),
        "code_columns": rng.choice([2, 3, 4, 5]),
        "codes_per_line": rng.choice([3, 4, 6]),
        "no_codes_text": rng.choice(["No deficient areas", "NONE", ""]),
        "colon": header != "table" or rng.random() < 0.8,
        "split_at": rng.randrange(1, lines) if lines > 1 and rng.random() < 0.1 else None,
    }
    if printed["score_text"] is None:
        del printed["score_text"]  # the number itself is printed
    return aktr(**printed)


def _prefixes_of(exam_code: str, codes_by_prefix: dict[str, list[str]]) -> tuple[str, ...]:
    from extraction.engine.data.exams import EXAM_PREFIXES

    wanted = MIXED_PREFIXES.get(exam_code) or EXAM_PREFIXES.get(exam_code, ())
    return tuple(p for p in wanted if codes_by_prefix.get(p))


def codes_by_prefix(catalog: Any) -> dict[str, list[str]]:
    """Sorted catalogue codes per ACS prefix, the pool :func:`random_report` draws from."""
    return {p: sorted(codes) for p, codes in catalog.by_prefix.items()}


def image_variant(report: DocumentSpec, seed: int) -> tuple[DocumentSpec, bytes]:
    """The report the way users upload a picture of it, chosen by the seed, and its truth.

    A third are clean PNG renders (150-300 dpi), a third scanned PDFs (every page as an image
    inside a PDF, 200-300 dpi, slightly tilted), a third phone photos: a quarter turn or none,
    a few degrees of skew, light falling off across the page, JPEG at quality 55-90, 120-250
    dpi. A picture shows one page, so its report keeps all codes on page 1.
    """
    import io

    from PIL import Image, ImageChops, ImageFilter

    rng = random.Random(seed * 7919 + 1)
    mode = ("png", "scan", "photo")[seed % 3]
    if mode != "scan":
        report = replace(report, split_at=None)
    low, high = {"png": (150, 300), "scan": (200, 300), "photo": (120, 250)}[mode]
    dpi = rng.randint(low, high)
    pages = rasterize(render_pdf(report), dpi, pages=None if mode == "scan" else 1)
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
