"""Code lines OCR blurred past a code's shape: read where the exam's prefix and the catalogue
vouch for them, and sent to review either way, never dropped unseen."""

from __future__ import annotations

import pytest

from extraction.engine import Catalog, ExtractionResult, extract_document
from tests.engine.test_ocr_path import FOOTER, HEADER, FakePage, fake_ocr, header_titled, page_of, png_bytes

__all__ = ["fake_ocr"]  # the fixture, imported for the tests below


def _read(fake_ocr: list[FakePage], catalog: Catalog, title: str, *lines: str) -> ExtractionResult:
    """The report of the test ``title`` whose code block OCR read as ``lines``."""
    fake_ocr.append(page_of([*header_titled(title), *lines, *FOOTER]))
    return extract_document(png_bytes(), catalog)


def test_a_grid_row_of_cells_all_garbled_past_a_codes_shape_is_read_never_dropped(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    seen = ["UAIBKS   UAIB.Ko   UAIEK14", "PASSED   PASSED   PASSED"]
    result = _read(fake_ocr, catalog, "Unmanned Aircraft General - Small (UAG)", *seen)
    # The two cells that lost every dot spell one catalogue code each; the third keeps a dot
    # and is too far from any: for a person, with candidates.
    assert {d.raw: d.code for d in result.codes_detail} == {"UAIBKS": "UA.I.B.K5", "UAIEK14": "UA.I.E.K14"}
    assert [u.raw for u in result.unresolved] == ["UAIB.Ko"]
    assert {"code_unresolved", "code_blurred"} <= set(result.review_reasons)


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("PAIFR2", "PA.I.F.R2"),
        ("PAXBSIf", "PA.X.B.S1f"),
        ("PAIVMR9", "PA.IV.M.R9"),
    ],
)
def test_a_code_that_lost_every_dot_is_the_one_its_letters_spell(
    fake_ocr: list[FakePage], catalog: Catalog, token: str, code: str
) -> None:
    fake_ocr.append(page_of([*HEADER, f"PA.I.A.K1   {token}", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == sorted(["PA.I.A.K1", code]) and result.unresolved == []
    assert "code_blurred" in result.review_reasons


def test_a_token_that_lost_its_dots_and_a_glyph_more_is_left_unresolved(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    # PAIBK: the element's number lost with the dots; K1, K2 ... are all as near.
    fake_ocr.append(page_of([*HEADER, "PA.I.A.K1   PAIBK", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.A.K1"]
    assert [u.raw for u in result.unresolved] == ["PAIBK"]


def test_a_lone_code_garbled_past_reading_under_the_paragraph_is_sent_to_review(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    result = _read(fake_ocr, catalog, "Commercial Pilot Airplane (CAX)", "CA.1XZ4")
    assert result.codes == [] and "code_unread" in result.review_reasons


@pytest.mark.parametrize(
    ("title", "line", "code"),
    [
        # the dot after a stroke read into an L, the other dot lost, 1 read as l
        ("Fundamentals of Instructing (FOI)", "FLIA.Kld", "FI.I.A.K1d"),
        ("Commercial Pilot Airplane (CAX)", "CA.1IS4", "CA.I.I.S4"),
    ],
)
def test_a_lone_blurred_code_line_the_catalogue_resolves_is_read_and_sent_to_review(
    fake_ocr: list[FakePage], catalog: Catalog, title: str, line: str, code: str
) -> None:
    result = _read(fake_ocr, catalog, title, line)
    assert result.codes == [code]
    assert "code_blurred" in result.review_reasons and result.review


def test_a_row_of_codes_that_all_lost_their_dots_is_read_never_dropped(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    line = "CAIFR2 - CAIVB.S? - CAVLCK2"
    result = _read(fake_ocr, catalog, "Commercial Pilot Airplane (CAX)", line)
    assert result.codes == ["CA.I.F.R2", "CA.VI.C.K2"]
    assert [u.raw for u in result.unresolved] == ["CAIVB.S?"]  # an unread glyph: for a person
    assert {"code_unresolved", "code_blurred"} <= set(result.review_reasons)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("PAIFR2 - PAIVB.S?", "code_unread"),  # codes of another test's prefix: not taken, counted
        ("FAA Form 8080-2", None),  # a form number opens with no ACS prefix
        ("PA 12345", None),  # a prefix and a number: no code's shape
    ],
)
def test_a_blurred_line_the_exam_does_not_vouch_for_is_only_counted(
    fake_ocr: list[FakePage], catalog: Catalog, line: str, reason: str | None
) -> None:
    result = _read(fake_ocr, catalog, "Commercial Pilot Airplane (CAX)", line)
    assert result.codes == [] and result.unresolved == []
    assert (reason in result.review_reasons) if reason else not result.review


@pytest.mark.parametrize(
    ("title", "kind"),
    [("Military Competency Instructor (MCI)", "plt"), ("Commercial Pilot Airplane (CAX)", "acs")],
)
def test_with_no_code_printed_a_known_test_says_which_kind_its_codes_are(
    fake_ocr: list[FakePage], catalog: Catalog, title: str, kind: str
) -> None:
    # A heading that names ACS codes over an empty list does not make a test without an ACS one.
    lines = [line.replace("SCORE:   90%", "SCORE:   100%") for line in header_titled(title)[:12]]
    fake_ocr.append(page_of([*lines, "ACS CODES", "No deficiencies", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == [] and result.code_kind == kind


def test_a_label_row_next_to_the_codes_gives_no_code(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    # ``CENTER ID   VW65839`` has two cells of a squashed code's shape, but a label read it.
    lines = [line for line in HEADER[:12] if not line.startswith("EXAM SITE")]
    lines = [line.replace("FTN:   A7G4U8O9", "AIRMAN ID:   P10925525") for line in lines]
    fake_ocr.append(page_of([*lines, "CENTER ID   VW65839", "LSC: 1) PLT265", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.exam_site == "VW65839"
    assert (result.code_kind, result.codes, result.unresolved) == ("plt", ["PLT265"], [])


def test_garbled_codes_beside_their_descriptions_are_read_or_sent_to_review(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    """A list that prints each code with its element's description, the dots of some lost: a
    sub-element's description of one word after its letter (``a. Crosswind``) is one too."""
    result = _read(
        fake_ocr,
        catalog,
        "Flight Instructor Rotorcraft/Helicopter (FRH)",
        "HLIIJ.K14   Use of an electronic flight bag (EFB), if used.",
        "HILVIILA.R2a   a. Crosswind",
        "HI.VIII.B.K3   Landing surface, obstructions, and selection of...",
    )
    read = {d.raw for d in result.codes_detail} | {u.raw for u in result.unresolved}
    assert read == {"HLIIJ.K14", "HILVIILA.R2a", "HI.VIII.B.K3"}
    assert {"HI.II.J.K14", "HI.VIII.B.K3"} <= set(result.codes) and result.review


def test_a_garbled_code_beside_its_description_that_no_code_row_took_is_counted(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    result = _read(
        fake_ocr,
        catalog,
        "Flight Instructor Rotorcraft/Helicopter (FRH)",
        "HLILE.R2   Uncoordinated flight.",
        "Each code is listed once even when several questions map to it.",
        "HI.VIII.B.K3   Landing surface, obstructions, and selection of...",
    )
    assert "HI.VIII.B.K3" in result.codes and "code_unread" in result.review_reasons
