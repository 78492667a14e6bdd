"""Code-line voting and the look under a label whose value the page's detection lost.

The voting tests call the OCR module's vote directly on readings of the kind blurred photos
give. The look-below tests use a stand-in recognizer (no models): the page returns a row of
labels whose row of values is one cell short, and the enlarged crop under the label returns
the label and its value, in crop coordinates.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from extraction.engine import Catalog, extract_document
from extraction.engine import ocr as ocr_module
from extraction.engine.ocr import CODE_LIKE, vote_readings
from tests.engine.ocr_stand_in import FakeLine, FakePage


def test_a_reading_that_kept_every_dot_wins_over_a_majority_that_lost_one() -> None:
    readings = [("-FLIB.K2", 0.89), ("- FI.I.B.K2", 0.86), ("-FLIB.K2", 0.87)]
    assert vote_readings(readings)[0] == "- FI.I.B.K2"


def test_the_majority_still_decides_between_well_formed_readings() -> None:
    readings = [("PL.II.B.R4", 0.99), ("PL.III.B.R4", 0.92), ("PL.III.B.R4", 0.90)]
    assert vote_readings(readings)[0] == "PL.III.B.R4"
    # Readings without a well-formed code keep the plain token-wise majority.
    assert vote_readings([("PH.V.LR1", 0.9), ("PH.V.R1", 0.95), ("PH.V.LR1", 0.8)])[0] == "PH.V.LR1"


@pytest.mark.parametrize("text", ["PHILB.K2", "(2) AIXIA.R2", "-FLLC.K5f", "PA.I.C.K2a", "PLT 123"])
def test_code_readings_that_lost_a_dot_are_still_voted_on(text: str) -> None:
    assert CODE_LIKE.search(text)


@pytest.mark.parametrize("text", ["EXAM ID: 998208281696977968", "TRACKING ID: AD9RF45H", "GRADE: PASS"])
def test_header_lines_are_not_taken_for_codes(text: str) -> None:
    assert not CODE_LIKE.search(text)


LINE_H = 40.0


def _at(i: int, text: str, x0: float = 100.0, x1: float = 1500.0) -> FakeLine:
    return FakeLine(text, 0.98, (x0, 50.0 * i, x1, 50.0 * i + LINE_H))


def _page(labels_row: FakeLine, values_row: FakeLine) -> FakePage:
    lines = [
        _at(0, "AIRMAN KNOWLEDGE TEST REPORT"),
        _at(1, "NAME:   OKAFOR, WEI"),
        _at(2, "EXAM:   Private Pilot Airplane (PAR)"),
        _at(3, "EXAM DATE:   02/17/2022"),
        labels_row,
        values_row,
        _at(6, "The ACS codes listed below identify the knowledge areas in which you answered at least one"),
        _at(7, "question incorrectly. A single code may represent more than one incorrect response."),
        _at(8, "PA.I.C.K2a"),
        _at(9, "EXPIRATION DATE: 02/29/2024"),
        _at(10, "DO NOT LOSE THIS REPORT"),
    ]
    return FakePage(lines, image=np.full((700, 1700, 3), 235, dtype=np.uint8))


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[FakePage], list[tuple[int, int]]]]:
    """Pages the stand-in recognizer returns in order, and the size of every image it was given."""
    pages: list[FakePage] = []
    sizes: list[tuple[int, int]] = []

    def recognize(image: Image.Image) -> FakePage:
        sizes.append(image.size)
        return pages[len(sizes) - 1] if len(sizes) <= len(pages) else FakePage()

    monkeypatch.setattr(ocr_module, "recognize_image", recognize)
    yield pages, sizes


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("L", (850, 1100), 255).save(buf, format="PNG")
    return buf.getvalue()


def _row_of_labels() -> FakeLine:
    # "SCORE" at x 100-300, "GRADE" at 700-900, "TAKE" at 1300-1420, as one OCR line.
    line = _at(4, "SCORE   GRADE   TAKE", 100.0, 1420.0)
    line.box = (100.0, 200.0, 1420.0, 240.0)
    return line


def test_value_lost_under_its_label_is_read_from_an_enlarged_crop(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog
) -> None:
    pages, sizes = looks
    values = FakeLine("83 %   PASS", 0.97, (100.0, 245.0, 880.0, 285.0))
    pages.append(_page(_row_of_labels(), values))
    # The crop under TAKE, twice as large with a border: the label, then its value below it.
    label = FakeLine("TAKE", 0.99, (90, 40, 220, 110))
    pages.append(FakePage([label, FakeLine("3", 0.97, (95, 125, 125, 185))]))
    result = extract_document(_png(), catalog)
    assert result.take == 3
    assert result.score == 83 and result.grade == "PASS"
    # Detection had every chance to box a 3: a value only a look read, other than a lone 1, is doubted.
    assert "field_looked:take" in result.review_reasons
    assert len(sizes) == 2
    # The crop stands in the TAKE column, not across the whole row.
    assert sizes[1][0] < 2 * 600


def test_nothing_valid_under_the_label_leaves_the_field_missing(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog
) -> None:
    pages, sizes = looks
    values = FakeLine("83 %   PASS", 0.97, (100.0, 245.0, 880.0, 285.0))
    pages.append(_page(_row_of_labels(), values))
    label = FakeLine("TAKE", 0.99, (90, 40, 220, 110))
    pages.append(FakePage([label, FakeLine("~~~~", 0.6, (95, 125, 180, 185))]))
    result = extract_document(_png(), catalog)
    assert result.take is None
    assert result.score == 83
    assert len(sizes) == 2


def test_no_look_when_every_label_has_its_value(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog
) -> None:
    pages, sizes = looks
    values = FakeLine("83 %   PASS   2", 0.97, (100.0, 245.0, 1330.0, 285.0))
    pages.append(_page(_row_of_labels(), values))
    result = extract_document(_png(), catalog)
    assert result.take == 2
    assert len(sizes) == 1


def _read_line_gives(monkeypatch: pytest.MonkeyPatch, text: str) -> list[tuple[int, int]]:
    """Stand in for the detection-free line reader: it reads ``text``; the sizes it was given
    are returned, in order."""
    read: list[tuple[int, int]] = []

    def read_line(image: Image.Image) -> tuple[str, float]:
        read.append(image.size)
        return text, 0.9

    monkeypatch.setattr(ocr_module, "read_line", read_line)
    return read


def _glyph_right_of_label(label: FakeLine, below: FakeLine) -> FakePage:
    """The page with ``label`` on row 4 and ``below`` under it, and a lone ``1`` inked right of
    the label, at x 480, where no detector box holds it."""
    page = _page(label, below)
    assert page.image is not None
    page.image[205:238, 480:492] = 30
    return page


def test_a_glyph_no_detector_boxes_is_read_alone_without_the_boxes_rules(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages, _ = looks
    values = FakeLine("83 %   PASS", 0.97, (100.0, 245.0, 880.0, 285.0))
    page = _page(_row_of_labels(), values)
    assert page.image is not None
    page.image[250:285, 1310:1324] = 30  # the lone ``1`` under TAKE
    page.image[296:299, :] = 60  # the box's bottom rule
    page.image[240:300, 1288:1291] = 60  # and its left one
    pages.append(page)
    pages.append(FakePage())  # the enlarged column: the detector still finds nothing
    read = _read_line_gives(monkeypatch, "1")
    result = extract_document(_png(), catalog)
    assert result.take == 1 and result.score == 83
    assert "field_looked:take" not in result.review_reasons  # the narrow glyph looks are for
    # Only the glyph and a margin were read: no rule, no neighbouring column.
    ((width, height),) = read
    assert width < 14 + 2 * 17 and height < 35 + 2 * 17


def test_a_glyph_right_of_a_label_above_the_codes_is_read_alone(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Attempt No.   1`` over a row of codes: the row below is no value of the label, the band
    and the strip give the detector nothing, and the ink right of the label is read alone."""
    pages, _ = looks
    label = _at(4, "TAKE NO.", 100.0, 300.0)
    codes = _at(5, "Missed elements:   PA.I.A.K1   PA.I.B.K2", 100.0, 1200.0)
    pages.append(_glyph_right_of_label(label, codes))
    read = _read_line_gives(monkeypatch, "1")
    result = extract_document(_png(), catalog)
    assert result.take == 1
    assert result.codes == ["PA.I.A.K1", "PA.I.B.K2", "PA.I.C.K2a"]
    ((width, _),) = read
    assert width < 12 + 2 * 17  # the glyph and a margin, not the whole strip


def test_ink_right_of_a_label_that_is_no_value_of_it_is_left(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages, _ = looks
    page = _page(_at(4, "TAKE NO.", 100.0, 300.0), _at(5, "Missed elements:   PA.I.A.K1", 100.0, 900.0))
    assert page.image is not None
    page.image[205:238, 480:560] = 30
    pages.append(page)
    _read_line_gives(monkeypatch, "Try")
    result = extract_document(_png(), catalog)
    assert result.take is None and "field_missing:take" in result.review_reasons


def test_a_glyph_that_turns_the_enlarged_column_is_read_alone(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The orientation vote turns a crop holding one tall glyph: its boxes cannot be placed, so
    the ink under the label is read without detection."""
    pages, _ = looks
    values = FakeLine("83 %   PASS", 0.97, (100.0, 245.0, 880.0, 285.0))
    page = _page(_row_of_labels(), values)
    assert page.image is not None
    page.image[250:285, 1310:1324] = 30  # the lone ``1`` under TAKE
    pages.append(page)
    pages.append(FakePage([FakeLine("1", 0.9, (10.0, 10.0, 30.0, 60.0))], rotation=90))
    _read_line_gives(monkeypatch, "1")
    result = extract_document(_png(), catalog)
    assert result.take == 1 and result.score == 83


def test_a_value_under_a_label_whose_tilted_row_is_taller_than_the_label_is_read(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog
) -> None:
    """A tilted photo's row of label cells spans two lines' height: the value is found under
    the label as the crop reads it again, not under the row's box."""
    pages, _ = looks
    labels = _row_of_labels()
    labels.box = (100.0, 200.0, 1420.0, 280.0)
    pages.append(_page(labels, FakeLine("83 %   PASS", 0.97, (100.0, 285.0, 880.0, 325.0))))
    pages.append(
        FakePage([FakeLine("TAKE", 0.99, (90, 40, 220, 110)), FakeLine("3", 0.97, (95, 125, 125, 185))])
    )
    assert extract_document(_png(), catalog).take == 3


def test_a_heading_under_a_lone_label_is_no_value_of_it(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages, _ = looks
    pages.append(_glyph_right_of_label(_at(4, "ATTEMPT #", 100.0, 300.0), _at(5, "ACS CODES", 100.0, 300.0)))
    _read_line_gives(monkeypatch, "1")
    assert extract_document(_png(), catalog).take == 1


def test_a_label_closing_a_row_of_cells_without_its_value_gets_a_second_look(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages, _ = looks
    row = _at(4, "SCORE   83 %   TAKE NO.", 100.0, 300.0)
    row.pieces = (
        ("SCORE", 100.0, 180.0, 0.98),
        ("83 %", 220.0, 260.0, 0.98),
        ("TAKE NO.", 300.0, 420.0, 0.98),
    )
    pages.append(_glyph_right_of_label(row, _at(5, "Missed elements:   PA.I.A.K1", 100.0, 900.0)))
    _read_line_gives(monkeypatch, "1")
    result = extract_document(_png(), catalog)
    assert result.take == 1 and result.score == 83


def test_a_value_other_than_a_lone_one_read_right_of_a_label_is_doubted(
    looks: tuple[list[FakePage], list[tuple[int, int]]], catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages, _ = looks
    pages.append(_glyph_right_of_label(_at(4, "TAKE NO.", 100.0, 300.0), _at(5, "PA.I.A.K1", 100.0, 400.0)))
    _read_line_gives(monkeypatch, "8")
    result = extract_document(_png(), catalog)
    assert result.take == 8 and "field_looked:take" in result.review_reasons
