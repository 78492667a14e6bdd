"""Which kind of code an empty list holds: what the page says, then the test and its date."""

from __future__ import annotations

import pytest

from extraction.engine import Catalog
from extraction.engine.layout import rows_from_text
from extraction.engine.parse import parse_rows

from .test_header import REPORT, report


def test_with_no_code_printed_the_explaining_paragraph_outweighs_a_heading(catalog: Catalog) -> None:
    rows = report(codes="ACS CODES\nNo areas missed")
    rows.insert(-3, rows_from_text("Deficient subject areas are listed by learning statement code (PLT).")[0])
    assert parse_rows(rows, catalog).code_kind == "plt"


def test_an_empty_list_under_no_paragraph_of_a_current_report_is_an_acs_list(catalog: Catalog) -> None:
    # Reports of 2020 and later that name an FTN print ACS codes for a test with an ACS: the
    # kind follows from the test and the date, with no doubt.
    result = parse_rows(report(codes="ACS CODES\nNo areas missed"), catalog)
    assert result.code_kind == "acs" and "code_kind_inferred" not in result.review_reasons
    # Without a date to tell an older report, the kind is the test's guess, reviewed.
    undated = [row for row in report(codes="ACS CODES\nNo areas missed") if "March 14, 2026" not in row.text]
    result = parse_rows(undated, catalog)
    assert result.exam_date is None
    assert result.code_kind == "acs" and "code_kind_inferred" in result.review_reasons
    rows = report(codes="ACS CODES\nNo areas missed")
    rows.insert(-3, rows_from_text("Deficient subject areas are listed by learning statement code (PLT).")[0])
    assert "code_kind_inferred" not in parse_rows(rows, catalog).review_reasons


def test_an_empty_list_of_an_older_report_is_inferred_learning_statement_codes(catalog: Catalog) -> None:
    # An applicant ID where current reports print an FTN marks an older report, which listed
    # learning statement codes even for a test that has an ACS now: without a date, or with
    # one before reports printed ACS codes.
    text = REPORT.format(score="100%", grade="PASS", codes="NONE", expires="04/30/2021")
    older = text.replace("Tracking #: A1B2C3D4", "Applicant ID: 966282168")
    undated = [row for row in rows_from_text(older) if "March 14, 2026" not in row.text]
    result = parse_rows(undated, catalog)
    assert result.exam_date is None
    assert result.code_kind == "plt" and "code_kind_inferred" in result.review_reasons
    result = parse_rows(rows_from_text(older.replace("March 14, 2026", "June 2, 2018")), catalog)
    assert result.code_kind == "plt" and "code_kind_inferred" in result.review_reasons
    result = parse_rows(rows_from_text(text), catalog)
    assert result.code_kind == "acs" and "code_kind_inferred" not in result.review_reasons


def test_an_applicant_id_on_a_report_of_the_acs_years_leaves_an_acs_list_doubted(catalog: Catalog) -> None:
    # Reports print ACS codes for a test with an ACS from 2020: the date outweighs the older
    # identifier, and the two disagreeing leaves the kind for a person to confirm.
    text = REPORT.format(score="100%", grade="PASS", codes="NONE", expires="04/30/2021")
    older = text.replace("Tracking #: A1B2C3D4", "Applicant ID: 966282168")
    result = parse_rows(rows_from_text(older), catalog)
    assert (result.exam_date, result.applicant_id, result.code_kind) == ("2026-03-14", "966282168", "acs")
    assert "code_kind_inferred" in result.review_reasons


def test_an_empty_list_of_a_report_with_an_ftn_dated_before_2020_is_a_doubted_acs_list(
    catalog: Catalog,
) -> None:
    # The FTN marks the current format; the date, older than the reports the domain dates ACS
    # codes from, leaves the kind in doubt.
    text = REPORT.format(score="100%", grade="PASS", codes="NONE", expires="04/30/2021")
    result = parse_rows(rows_from_text(text.replace("March 14, 2026", "April 14, 2019")), catalog)
    assert (result.exam_date, result.ftn, result.code_kind) == ("2019-04-14", "A1B2C3D4", "acs")
    assert "code_kind_inferred" in result.review_reasons
    older = text.replace("March 14, 2026", "April 14, 2019").replace(
        "Tracking #: A1B2C3D4", "Applicant ID: 966282168"
    )
    result = parse_rows(rows_from_text(older), catalog)
    assert result.code_kind == "plt" and "code_kind_inferred" in result.review_reasons


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Knowledge areas missed are listed by ACS code. Review each area", "acs"),
        ("Questions answered incorrectly are reported below by ACS element.", "acs"),
        ("Subject areas missed are reported below by PLT code.", "plt"),
    ],
)
def test_a_sentence_naming_the_kind_by_its_abbreviation_decides_an_empty_list(
    catalog: Catalog, sentence: str, kind: str
) -> None:
    text = REPORT.format(score="100%", grade="PASS", codes="NONE", expires="04/30/2021")
    older = text.replace("March 14, 2026", "April 14, 2019").replace("Knowledge areas to review:", sentence)
    result = parse_rows(rows_from_text(older), catalog)
    assert result.code_kind == kind and "code_kind_inferred" not in result.review_reasons
    # A heading or preface of two words says nothing: the test and the identity decide, with
    # review (an applicant ID marks an older report of learning statement codes).
    heading = older.replace(sentence, "ACS codes:").replace("Tracking #: A1B2C3D4", "Applicant ID: 966282168")
    result = parse_rows(rows_from_text(heading), catalog)
    assert result.code_kind == "plt" and "code_kind_inferred" in result.review_reasons
