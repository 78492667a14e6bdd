"""Code lines the OCR read past a code's shape, cut, or glued to their heading: read where
their shape allows, sent to review where it does not, never dropped unseen."""

from __future__ import annotations

import dataclasses

import pytest

from extraction.engine import Catalog, ExtractionResult, extract_document
from extraction.engine.code_block import code_row_tokens
from extraction.engine.code_tokens import tokens_of_row
from tests.engine.test_ocr_path import FOOTER, FakePage, fake_ocr, header_titled, page_of, png_bytes

__all__ = ["fake_ocr"]  # the fixture, imported for the tests below


def _read(fake_ocr: list[FakePage], catalog: Catalog, title: str, *lines: str) -> ExtractionResult:
    """A page of a report of the titled test with these lines where its codes stand, read."""
    fake_ocr.append(page_of([*header_titled(title), *lines, *FOOTER]))
    return extract_document(png_bytes(), catalog)


@pytest.mark.parametrize("cell", ["UA II.A K1e", "UA II.A.K1e", "UA.II.A K1e"])
def test_a_code_whose_dots_were_read_as_blanks_is_read(
    fake_ocr: list[FakePage], catalog: Catalog, cell: str
) -> None:
    result = _read(
        fake_ocr, catalog, "Unmanned Aircraft General - Small (UAG)", f"UA.I.B.K27   {cell}   UA.II.B.K1"
    )
    assert result.codes == ["UA.I.B.K27", "UA.II.A.K1e", "UA.II.B.K1"]


def test_a_cell_of_a_code_row_that_opens_like_a_code_and_gave_none_is_sent_to_review(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    result = _read(
        fake_ocr, catalog, "Unmanned Aircraft General - Small (UAG)", "UA.I.B.K27   UA II A K1e   UA.II.B.K1"
    )
    assert result.codes == ["UA.I.B.K27", "UA.II.B.K1"]
    assert "code_unread" in result.review_reasons


def test_a_description_cell_beside_a_code_is_no_code_unread(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    result = _read(
        fake_ocr, catalog, "Unmanned Aircraft General - Small (UAG)", "UA.I.B.K27   Wind and currents 2"
    )
    assert result.codes == ["UA.I.B.K27"] and "code_unread" not in result.review_reasons


@pytest.mark.parametrize(
    ("between", "unread"),
    [
        ("FLILE.RT", True),  # a code garbled past reading, no digit left
        ("AL1.E.H12   Use of positive and negative integers...", True),
        ("Wind and currents.", False),  # a description's second line
    ],
)
def test_a_line_between_code_lines_that_gave_no_code_is_sent_to_review(
    fake_ocr: list[FakePage], catalog: Catalog, between: str, unread: bool
) -> None:
    result = _read(
        fake_ocr, catalog, "Fundamentals of Instructing (FOI)", "FI.I.C.K7c", between, "FI.I.F.K5b"
    )
    assert result.codes == ["FI.I.C.K7c", "FI.I.F.K5b"]
    assert ("code_unread" in result.review_reasons) is unread


def test_a_code_cut_by_the_pages_edge_is_sent_to_review(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    result = _read(fake_ocr, catalog, "Instrument Rating Airplane (IRA)", "IR.III.B.R1   IR.V.B.K1   IR.V")
    assert result.codes == ["IR.III.B.R1", "IR.V.B.K1"] and "code_unread" in result.review_reasons


@pytest.mark.parametrize("line", ["Deficient ACS codes:1: AI.II.E.K1f", "Deficient ACS codes:1) AI.II.E.K1f"])
def test_a_heading_run_into_the_list_number_of_its_first_code_gives_that_code(
    fake_ocr: list[FakePage], catalog: Catalog, line: str
) -> None:
    result = _read(fake_ocr, catalog, "Flight Instructor Airplane (FIA)", line, "2: AI.IX.C.S8")
    assert result.codes == ["AI.II.E.K1f", "AI.IX.C.S8"]


def test_codes_that_lost_their_dots_between_pipes_are_parted_and_never_dropped(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    result = _read(
        fake_ocr,
        catalog,
        "Commercial Pilot Airplane (CAX)",
        "Deficiencies: CAILA.S3|CAIIILA.R2|CA.X.B.K3|CA.X.D.S3",
    )
    assert {"CA.II.A.S3", "CA.X.B.K3", "CA.X.D.S3"} <= set(result.codes)
    assert len(result.codes) + len(result.unresolved) == 4 and result.review


def test_a_code_row_that_runs_into_the_pages_edge_is_sent_to_review(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    # FI.I.B.K16 cut to FI.I.B.K1 by the edge is a catalogue code as read.
    lines = [*header_titled("Fundamentals of Instructing (FOI)"), "FI.I.A.S2   FI.I.B.K1"]
    page = page_of([*lines, *FOOTER])
    page.lines[-len(FOOTER) - 1] = dataclasses.replace(page.lines[-len(FOOTER) - 1], clipped=True)
    fake_ocr.append(page)
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["FI.I.A.S2", "FI.I.B.K1"] and "code_unread" in result.review_reasons


def test_codes_the_reading_cut_or_joined_at_their_separators() -> None:
    # A blank read inside the digits (a grid cell of a PNG): one code, not PLT0 and 41.
    assert tokens_of_row("PLT020   PLT0 41   PLT135") == ["PLT020", "PLT041", "PLT135"]
    assert tokens_of_row("PLT012 34") == ["PLT012", "34"]
    # A middle dot between blanks read as a full stop, after learning statement codes.
    assert tokens_of_row("PLT129 . PLT142 . PLT393") == ["PLT129", "PLT142", "PLT393"]
    # An element number the detection cut at the separator before the next code.
    assert tokens_of_row("AI.VII.I.S1   3FI.I.A.K1b") == ["AI.VII.I.S13", "FI.I.A.K1b"]
    assert tokens_of_row("AI.VII.I.S1 3FI.I.A.K1b") == ["AI.VII.I.S13", "FI.I.A.K1b"]
    assert tokens_of_row("AI.VII.I.S12   3FI.I.A.K1b") == ["AI.VII.I.S12", "3", "FI.I.A.K1b"]
    assert code_row_tokens("AI.V.A.K4   AI.VII.I.S1   3FI.I.A.K1b") == [
        "AI.V.A.K4",
        "AI.VII.I.S13",
        "FI.I.A.K1b",
    ]
