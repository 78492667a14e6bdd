"""Text PDFs end to end: every layout, label and date variant gives the exact result."""

from __future__ import annotations

import datetime as dt

import pytest

from extraction.engine import Catalog, ExtractionError, extract_document
from extraction.engine.review import calibration
from extraction.engine.serialize import FIELDS
from tests.engine.bad_files import text_pdf
from tests.engine.generator.documents import ALT_LABEL_WORDS, PARAGRAPH_ACS, aktr, aktr_pdf, plt_aktr
from tests.engine.generator.spec import DocumentSpec

MANY = [
    "PA.I.C.K2a",
    "PA.III.B.R1",
    "PA.IX.A.K3",
    "PA.II.D.K6a",
    "PA.IV.A.R3a",
    "PA.VIII.D.R6",
    "PA.XI.A.K1",
    "PA.I.H.K1j",
]

VARIANTS: dict[str, DocumentSpec] = {
    "default": aktr(),
    "alternative_labels_dmy_date": aktr(labels=ALT_LABEL_WORDS, date_style="dbY"),
    "two_fields_per_row_long_date_grid": aktr(
        header_layout="pairs", date_style="BdY", code_layout="grid_rows", codes=MANY
    ),
    "table_cells_comma_codes_percent": aktr(
        header_layout="columns", code_layout="separated", codes_per_line=6, codes=MANY, percent=True
    ),
    "table_alternative_labels_grid": aktr(
        header_layout="columns", labels=ALT_LABEL_WORDS, code_layout="grid_rows", codes=MANY
    ),
    "iso_date": aktr(date_style="iso"),
    "plt_comma": plt_aktr(),
    "plt_one_per_line_table": plt_aktr(header_layout="columns", code_layout="lines"),
    "plt_grid_paired": plt_aktr(header_layout="pairs", code_layout="grid_rows", date_style="dbY"),
    "score_not_applicable": aktr(score_text="N/A", grade="FAIL"),
    "score_dashes": aktr(score_text="--"),
    "two_pages": aktr(break_before_statement=True, code_layout="grid_rows", codes=MANY),
    "no_codes": aktr(codes=[]),
    "atp_sixty_months": aktr(
        title="Airline Transport Pilot Multiengine Airplane",
        exam_code="ATM",
        codes=["AA.I.E.K2", "AA.VI.F.R3a"],
        validity_months=60,
    ),
    "foi_on_fia_report": aktr(
        title="Flight Instructor Airplane", exam_code="FIA", codes=["AI.X.I.K13", "FI.I.A.R1"]
    ),
    "duplicate_codes": aktr(codes=["PA.I.C.K2a", "PA.I.C.K2a", "PA.III.B.R1"]),
    "leap_day_expiration": aktr(exam_date=dt.date(2022, 2, 26), date_style="BdY"),
    "non_aktr_exam_code": aktr(
        title="Aircraft Dispatcher",
        exam_code="ADX",
        ftn=None,
        applicant_id="701388254",
        codes=["PLT041", "PLT447"],
        code_kind="plt",
    ),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_is_exact(name: str, catalog: Catalog) -> None:
    report = VARIANTS[name]
    result = extract_document(aktr_pdf(report), catalog)
    got = {f: getattr(result, f) for f in FIELDS}
    assert got == report.expected()
    assert result.path == "text"
    assert result.source_format == "pdf_text"
    assert result.pages == (2 if report.break_before_statement else 1)
    assert result.unresolved == []
    assert result.confidence >= 0.95
    assert result.elapsed_ms > 0


def test_code_details_come_from_the_catalogue(catalog: Catalog) -> None:
    result = extract_document(aktr_pdf(codes=["PA.I.C.K2a", "PA.III.B.R1"]), catalog)
    detail = {d.code: d for d in result.codes_detail}
    entry = catalog.get("PA.I.C.K2a")
    assert entry is not None
    assert detail["PA.I.C.K2a"].description == entry.description
    assert detail["PA.I.C.K2a"].element_type == "K"
    assert detail["PA.III.B.R1"].element_type == "R"
    assert all(d.confidence == 1.0 and d.raw == d.code for d in result.codes_detail)


def test_code_outside_the_exam_prefixes_is_kept_with_lower_confidence(catalog: Catalog) -> None:
    result = extract_document(aktr_pdf(codes=["PA.I.C.K2a", "CA.I.A.K1"]), catalog)
    assert result.codes == ["CA.I.A.K1", "PA.I.C.K2a"]
    conf = {d.code: d.confidence for d in result.codes_detail}
    assert conf["PA.I.C.K2a"] == 1.0
    assert conf["CA.I.A.K1"] < 0.9
    assert result.review and "prefix_mismatch" in result.review_reasons
    assert result.confidence < calibration().review_below


def test_paragraph_and_instructor_statement_never_give_codes(catalog: Catalog) -> None:
    paragraph = (
        PARAGRAPH_ACS + " For example, PA.II.A.K1 or PA.III.A.K2 would name an element of Area II or III."
    )
    pdf = aktr_pdf(codes=["PA.I.C.K2a"], paragraph=paragraph)
    lines = [
        "AIRMAN KNOWLEDGE TEST REPORT",
        "NAME: DOE, JANE",
        "FTN: A1B2C3D4",
        "EXAM ID: 123456789012345678",
        "EXAM: Private Pilot Airplane (PAR)",
        "EXAM DATE: 03/14/2026",
        "GRADE: PASS",
        "The ACS codes listed below identify areas, e.g. PA.II.A.K1 and PA.III.A.K2, answered incorrectly.",
        "PA.I.C.K2a",
        "EXPIRATION DATE: 03/31/2028",
        "DO NOT LOSE THIS REPORT",
        "AUTHORIZED INSTRUCTOR'S STATEMENT: (if applicable)",
        "PA.IV.A.K1",
        "Signature ______________________________",
    ]
    for data in (pdf, text_pdf(lines)):
        result = extract_document(data, catalog)
        assert result.codes == ["PA.I.C.K2a"]


def test_codes_continued_on_the_second_page(catalog: Catalog) -> None:
    lines_1 = [
        "AIRMAN KNOWLEDGE TEST REPORT",
        "NAME: DOE, JANE",
        "FTN: A1B2C3D4",
        "EXAM ID: 123456789012345678",
        "EXAM: Private Pilot Airplane (PAR)",
        "EXAM DATE: 03/14/2026",
        "SCORE: 70",
        "GRADE: PASS",
        "TAKE: 1",
        "PA.I.C.K2a",
    ]
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Helvetica", "", 11)
    pdf.add_page()
    for i, line in enumerate(lines_1):
        pdf.text(60, 80 + 16 * i, line)
    pdf.add_page()
    for i, line in enumerate(["PA.III.B.R1", "EXPIRATION DATE: 03/31/2028", "DO NOT LOSE THIS REPORT"]):
        pdf.text(60, 80 + 16 * i, line)
    result = extract_document(bytes(pdf.output()), catalog)
    assert result.codes == ["PA.I.C.K2a", "PA.III.B.R1"]
    assert result.pages == 2
    assert result.expiration_date == "2028-03-31"


def test_header_only_report_without_markers_is_still_read(catalog: Catalog) -> None:
    data = aktr_pdf(codes=["PA.I.C.K2a"], heading="Knowledge Test Results")
    result = extract_document(data, catalog)
    assert result.exam_code == "PAR"


def test_non_aktr_pdf_is_refused(catalog: Catalog) -> None:
    with pytest.raises(ExtractionError) as err:
        extract_document(text_pdf(["Invoice 42", "NAME: ACME AVIATION", "Total: 100 USD"]), catalog)
    assert err.value.code == "not_an_aktr"


def test_tight_leading_does_not_leak_glyphs_between_lines(catalog: Catalog) -> None:
    from fpdf import FPDF

    lines = [
        "AIRMAN KNOWLEDGE TEST REPORT",
        "NAME: DOE, JANE",
        "FTN: A1B2C3D4",
        "EXAM ID: 123456789012345678",
        "EXAM: Private Pilot Airplane (PAR)",
        "EXAM DATE: 03/14/2026",
        "SCORE: 80",
        "GRADE: PASS",
        "TAKE: 1",
        "The ACS codes listed below identify the knowledge areas answered incorrectly.",
        "PA.I.C.K2a",
        "PA.III.B.R1",
        "EXPIRATION DATE: 03/31/2028",
        "DO NOT LOSE THIS REPORT",
    ]
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    for i, line in enumerate(lines):
        pdf.text(60, 80 + 9 * i, line)  # 9 pt leading for a 10 pt font
    result = extract_document(bytes(pdf.output()), catalog)
    assert (result.applicant_name, result.ftn, result.take, result.score) == ("DOE, JANE", "A1B2C3D4", 1, 80)
    assert result.codes == ["PA.I.C.K2a", "PA.III.B.R1"]


@pytest.mark.parametrize(("score", "grade"), [(11, "PASS"), (88, "FAIL")])
def test_score_on_the_wrong_side_of_the_grade_is_left_out(catalog: Catalog, score: int, grade: str) -> None:
    result = extract_document(aktr_pdf(score=score, grade=grade), catalog)
    assert result.grade == grade
    assert result.score is None
    assert result.field_confidence["score"] < 0.5


@pytest.mark.parametrize(("score", "grade"), [(70, "PASS"), (69, "FAIL")])
def test_score_at_the_pass_mark_is_kept(catalog: Catalog, score: int, grade: str) -> None:
    result = extract_document(aktr_pdf(score=score, grade=grade), catalog)
    assert (result.score, result.grade) == (score, grade)
