"""AKTRs a test names by hand: the generator's :class:`DocumentSpec` on the classic page, with
only the fields the test cares about changed.

``aktr(**changes)`` starts from :data:`STANDARD` (a Private Pilot report with three codes), or
from another base such as :data:`UPLOAD`; ``plt_aktr`` from a legacy learning-statement report.
Besides any spec field, a change may say ``percent`` (the score printed with a % sign),
``print_score=False`` (no score row at all), ``colon=False`` (labels without their colon) and
``labels`` (plain label words for some keys).
A printed score, grade, take and the label of the identity row follow the truth unless the
change gives them. ``aktr_pdf`` renders with the generator's own renderer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from . import wording as w
from .render import render_pdf
from .spec import DocumentSpec

LABEL_WORDS = {
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
ALT_LABEL_WORDS = {
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
PARAGRAPH_ACS = w.PARAGRAPHS_ACS[0]
PARAGRAPH_PLT = w.PARAGRAPHS_PLT[0]
HEADER_ORDER = ("name", "ident", "exam_id", "exam", "exam_date", "exam_site", "score", "grade", "take")

STANDARD = DocumentSpec(
    seed=0,
    family="classic",
    holdout=False,
    single_page=False,
    name="KOWALSKI, PRIYA A",
    ftn="AWCPYA1S",
    applicant_id=None,
    exam_id="466317578555813058",
    exam_code="PAR",
    title="Private Pilot Airplane",
    exam_date=dt.date(2024, 5, 22),
    exam_time=None,
    site="CG38270",
    score=84,
    score_text="84",
    grade="PASS",
    grade_text="PASS",
    take=1,
    take_text="1",
    validity_months=24,
    code_kind="acs",
    codes=["PA.I.C.K2a", "PA.III.B.R1", "PA.IX.A.K3"],
    labels={key: f"{word}:" for key, word in LABEL_WORDS.items()},
    heading="Airman Knowledge Test Report",
    agency=w.AGENCY_LINES[0],
    vendor=(),
    paragraph=PARAGRAPH_ACS,
    preface=None,
    code_heading=None,
    no_codes_text="No deficient areas",
    end_marker=w.END_MARKERS[0],
    statement=w.STATEMENTS[0],
    date_style="mdY",
    time_style=None,
    time_joiner=" ",
    expiration_style="mdY",
    header_layout="stacked",
    per_row=2,
    font="Helvetica",
    font_size=10,
    margin=60,
    band=False,
    title_as_heading=False,
    expiration_in_header=False,
    field_order=["name", "ftn", "exam_id", "exam", "exam_date", "exam_site", "score", "grade", "take"],
    code_layout="lines",
    code_columns=3,
    separator=", ",
    numbering="{n}.",
    bullet="-",
    split_at=None,
)

PLT = replace(
    STANDARD,
    name="NGUYEN, MARIA",
    ftn=None,
    applicant_id="367233708",
    title="Flight Engineer Basic",
    exam_code="FEX",
    exam_date=dt.date(2018, 5, 12),
    codes=["PLT087", "PLT161", "PLT315"],
    code_kind="plt",
    paragraph=PARAGRAPH_PLT,
    code_layout="separated",
    codes_per_line=6,
)

# The report the API tests upload: a 2026 Private Pilot report, dates printed 14-MAR-2026, its
# content uncompressed, so every byte of the file's opening is printable text.
UPLOAD = replace(
    STANDARD,
    name="DOE, JANE Q",
    ftn="A1B2C3D4",
    exam_date=dt.date(2026, 3, 14),
    date_style="dbY",
    score=82,
    score_text="82%",
    codes=["PA.I.A.K1", "PA.I.B.K2"],
    compressed=False,
)


def aktr(base: DocumentSpec = STANDARD, **changes: Any) -> DocumentSpec:
    """``base`` with ``changes`` (see the module docstring); the printed values follow the truth."""
    percent = changes.pop("percent", None)
    colon = changes.pop("colon", None)
    print_score = changes.pop("print_score", True)
    words = changes.pop("labels", None)
    spec = replace(base, **changes)
    spec.codes = list(spec.codes)
    if "code_kind" in changes and "paragraph" not in changes:
        spec.paragraph = PARAGRAPH_PLT if spec.code_kind == "plt" else PARAGRAPH_ACS
    if changes.get("score_text") is not None:
        spec.score = None  # "N/A", "--": printed, but no number to read
    elif "score" in changes or percent:
        spec.score_text = None if spec.score is None else f"{spec.score}{'%' if percent else ''}"
    if not print_score:
        spec.score, spec.score_text = None, None
    if "grade" in changes and "grade_text" not in changes:
        spec.grade_text = spec.grade
    if "take" in changes and "take_text" not in changes:
        spec.take_text = str(spec.take)
    if words is not None or colon is not None:
        mark = ":" if colon is not False else ""
        spec.labels = {key: f"{word}{mark}" for key, word in {**LABEL_WORDS, **(words or {})}.items()}
    ident = "ftn" if spec.ftn else "applicant_id"
    spec.field_order = [
        ident if key == "ident" else key
        for key in HEADER_ORDER
        if key != "score" or spec.score_text is not None
    ]
    return spec


def plt_aktr(**changes: Any) -> DocumentSpec:
    """A legacy report: learning statement codes, an applicant ID instead of an FTN."""
    return aktr(PLT, **changes)


def aktr_pdf(spec: DocumentSpec | None = None, **changes: Any) -> bytes:
    """The text PDF of ``spec`` (or of ``aktr(**changes)``)."""
    return render_pdf(spec if spec is not None else aktr(**changes))
