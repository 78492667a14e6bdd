"""Header values read by their shape when a scan or photo lost the labels above them."""

from __future__ import annotations

import pytest

from extraction.engine import Catalog, extract_document
from extraction.engine.layout import Row, Segment
from extraction.engine.shapes import by_shape
from tests.engine.test_ocr_path import FOOTER, HEADER, FakePage, fake_ocr, page_of, png_bytes

__all__ = ["fake_ocr"]  # the fixture, imported for the tests below

_TITLE = "PRIVATE PILOT AIRPLANE (PAR)"


def _row(y: float, *cells: str) -> Row:
    segments = [Segment(t, 100.0 + 400 * k, y, 300.0 + 400 * k, y + 20, 0.95) for k, t in enumerate(cells)]
    return Row("   ".join(cells), 0, y, y + 20, 0.95, segments)


def _faded_form(*value_rows: tuple[str, ...]) -> list[str]:
    """A boxed form whose grey captions came out as noise above each row of values."""
    lines = ["Examination Score Report", _TITLE]
    for values in value_rows:
        lines.append("   ".join(["TE.T IM:", "AT TA", "LH HT"][: len(values)]))
        lines.append("   ".join(values))
    lines += [
        "Knowledge areas missed are listed by ACS code. Review each area with an authorized",
        "instructor before the practical test.",
        "Deficiencies:   1. PA.I.A.K5",
        "2. PA.V.B.S7",
    ]
    return lines


def test_every_value_of_a_form_with_faded_labels_is_read_and_sent_to_review(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    lines = _faded_form(
        ("90", "Satisfactory", "01"),
        ("O'Brien, Robert", "ACPZV4P1", "106923934486464573"),
        ("Feb. 4, 2024", "DH85884", "Feb. 28, 2026"),
    )
    fake_ocr.append(page_of([*lines, *FOOTER[1:]]))
    result = extract_document(png_bytes(), catalog)
    assert result.applicant_name == "O'Brien, Robert"
    assert result.ftn == "ACPZV4P1", (result.applicant_id, result.review_reasons)
    assert result.exam_id == "106923934486464573"
    assert (result.exam_date, result.expiration_date) == ("2024-02-04", "2026-02-28")
    assert (result.exam_site, result.score, result.grade, result.take) == ("DH85884", 90, "PASS", 1)
    assert result.codes == ["PA.I.A.K5", "PA.V.B.S7"]
    assert result.review
    for name in ("applicant_name", "ftn", "exam_site", "score", "take"):
        assert f"field_inferred:{name}" in result.review_reasons
    # Two dates that agree as the validity rule says confirm each other.
    assert not {"field_inferred:exam_date", "field_inferred:expiration_date"} & set(result.review_reasons)


def test_an_unlabelled_date_the_validity_rule_does_not_confirm_is_doubted(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    lines = _faded_form(("O'Brien, Robert", "ACPZV4P1", "106923934486464573"), ("Feb. 4, 2024", "DH85884"))
    fake_ocr.append(page_of([*lines, "EXPIRATION DATE: 01/31/2027", *FOOTER[1:]]))
    result = extract_document(png_bytes(), catalog)
    assert result.exam_date == "2024-02-04"
    assert "field_inferred:exam_date" in result.review_reasons


def test_two_cells_of_one_shape_leave_the_field_unread() -> None:
    rows = [_row(0, "DH85884", "KX22019"), _row(40, "SMITH, JO", "DOE, JANE")]
    found = by_shape(rows, {"exam_site", "applicant_name"}, [], {})
    assert found == {}


def test_a_value_a_label_claimed_is_not_read_again() -> None:
    rows = [_row(0, "Feb. 4, 2024", "Feb. 28, 2026")]
    found = by_shape(rows, {"exam_date", "expiration_date"}, ["Feb. 4, 2024"], {"exam_date": "2024-02-04"})
    assert set(found) == {"expiration_date"}
    assert found["expiration_date"].text == "Feb. 28, 2026"


@pytest.mark.parametrize(
    ("cells", "score", "take"),
    [
        (("90", "01"), "90", "01"),
        (("3", "78%"), "78%", "3"),
        (("100",), "100", None),
        (("7",), None, "7"),
    ],
)
def test_score_and_take_are_told_apart_by_size(
    cells: tuple[str, ...], score: str | None, take: str | None
) -> None:
    found = by_shape([_row(0, *cells)], {"score", "take"}, [], {})
    assert (found["score"].text if "score" in found else None) == score
    assert (found["take"].text if "take" in found else None) == take


def test_a_date_after_the_known_expiration_is_no_exam_date() -> None:
    found = by_shape([_row(0, "Mar. 3, 2027")], {"exam_date"}, [], {"expiration_date": "2026-02-28"})
    assert found == {}


def test_running_text_and_the_codes_give_no_values() -> None:
    rows = [
        _row(0, "Review each area with an authorized instructor, please 2024"),
        _row(40, "PA.I.A.K5"),
        _row(80, "DH85884"),
    ]
    assert by_shape(rows, {"exam_site"}, [], {}) == {}


def test_a_labelled_report_gets_no_inferred_reason(fake_ocr: list[FakePage], catalog: Catalog) -> None:

    fake_ocr.append(page_of([*HEADER, "PA.I.A.K5", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert not any(r.startswith("field_inferred") for r in result.review_reasons)
