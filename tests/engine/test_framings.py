"""A value another framing of its piece read otherwise is doubted (``CHECK_FRAME``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from extraction.engine import Catalog, ocr
from extraction.engine.layout import Row, framed_readings, rows_from_text
from extraction.engine.parse import parse_rows


def _page(*lines: str) -> list[str]:
    return ["AIRMAN KNOWLEDGE TEST REPORT", *lines, "EXAM:   Private Pilot Airplane (PAR)", "PA.I.A.K5"]


def _framed(rows: list[Row], line: str, *others: str) -> list[Row]:
    """The rows, with one line read otherwise by other framings."""
    return [
        Row(r.text, r.page, r.y0, r.y1, r.confidence, r.segments, (), ((line, others),))
        if r.text == line
        else r
        for r in rows
    ]


def test_the_value_is_carried_over_from_its_piece_without_the_label() -> None:
    row = Row("x", 0, 0, 1, others=(("NAME: PRIYA PATEL", ("NAME: PRIY A PATEL", "NAMF:PRIYA PATE")),))
    assert framed_readings(row, "PRIYA PATEL") == ["PRIY A PATEL", "PRIYA PATE"]


def test_a_value_no_framing_read_otherwise_has_no_rival() -> None:
    row = Row("x", 0, 0, 1, others=(("FTN: A5WNHDK0", ("FTN: A5WNHDK8",)),))
    assert framed_readings(row, "OKAFOR, WEI") == []


def test_what_another_framing_adds_at_the_values_edge_belongs_to_it() -> None:
    row = Row("x", 0, 0, 1, others=(("ST JAMES", ("ST. JAMES", "ST JAMESS")),))
    assert framed_readings(row, "ST JAMES") == ["ST. JAMES", "ST JAMESS"]


@pytest.mark.parametrize(
    ("other", "unsure"),
    [
        ("NAME: OKAFOR, KENJI", False),  # the same name
        ("NAMF: OKAFOR, KENJI", False),  # only the label read otherwise
        ("NAME: OKAFOR, KENUJI", True),
        ("NAME: OKAFOR KENJI", False),  # no comma: no name of a report
    ],
)
def test_a_name_another_framing_read_otherwise_is_unsure(catalog: Catalog, other: str, unsure: bool) -> None:
    line = "NAME: OKAFOR, KENJI"
    rows = _framed(rows_from_text("\n".join(_page(line))), line, other)
    result = parse_rows(rows, catalog, path="ocr")
    assert result.applicant_name == "OKAFOR, KENJI"
    assert ("field_unsure:applicant_name" in result.review_reasons) is unsure


@pytest.mark.parametrize(("other", "unsure"), [("FTN: A5WNHDKO", False), ("FTN: A5WNHDKD", True)])
def test_a_framing_the_fields_rules_settle_is_no_doubt(catalog: Catalog, other: str, unsure: bool) -> None:
    line = "FTN: A5WNHDK0"
    rows = _framed(rows_from_text("\n".join(_page("NAME: OKAFOR, WEI", line))), line, other)
    result = parse_rows(rows, catalog, path="ocr")
    assert result.ftn == "A5WNHDK0"
    assert ("field_unsure:ftn" in result.review_reasons) is unsure


@pytest.mark.parametrize(
    ("other", "unsure"), [("PA.I.B.K2", True), ("PA.I.B.Kl", False), ("PA.I.B.K1", False)]
)
def test_a_code_another_framing_read_as_another_catalogue_code_is_unsure(
    catalog: Catalog, other: str, unsure: bool
) -> None:
    line = "PA.I.B.K1"
    rows = rows_from_text("\n".join([*_page("NAME: OKAFOR, WEI")[:-1], line]))
    result = parse_rows(_framed(rows, line, other), catalog, path="ocr")
    assert result.codes == ["PA.I.B.K1"]
    assert ("code_unsure" in result.review_reasons) is unsure


class _Models:
    """Reads each crop as the next text of a script, whatever it shows."""

    def __init__(self, texts: list[str]) -> None:
        self.texts: Iterator[str] = iter(texts)
        self.calls = 0

    def read_line_chars(self, crop: Any, split_ratio: float, min_width: int) -> tuple[str, float, tuple[()]]:
        self.calls += 1
        return next(self.texts), 0.95, ()


_QUAD = np.array([[2.0, 2.0], [40.0, 2.0], [40.0, 12.0], [2.0, 12.0]])
_PAGE = np.full((20, 60, 3), 255, dtype=np.uint8)


def test_a_piece_of_text_is_read_from_a_second_framing_that_does_not_vote() -> None:
    models = _Models(["OKAFOR, KENJI", "OKAFOR, KENUJI"])
    (text, _, _), others = ocr._read_piece(models, _PAGE, _QUAD)  # type: ignore[arg-type]
    assert (text, others, models.calls) == ("OKAFOR, KENJI", ("OKAFOR, KENUJI",), 2)


def test_a_second_framing_that_agrees_leaves_no_other_reading() -> None:
    models = _Models(["OKAFOR, KENJI", "OKAFOR, KENJI "])
    assert ocr._read_piece(models, _PAGE, _QUAD)[1] == ()  # type: ignore[arg-type]


def test_the_code_readings_that_lost_the_vote_are_kept() -> None:
    models = _Models(["IR.III.B.R1", "IR.II.B.R1", "IR.III.B.R1"])
    (text, _, _), others = ocr._read_piece(models, _PAGE, _QUAD)  # type: ignore[arg-type]
    assert (text, others) == ("IR.III.B.R1", ("IR.II.B.R1",))


def test_no_check_frame_reads_a_piece_of_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "CHECK_FRAME", None)
    models = _Models(["OKAFOR, KENJI"])
    assert ocr._read_piece(models, _PAGE, _QUAD)[1] == ()  # type: ignore[arg-type]
    assert models.calls == 1


def test_a_line_of_prose_is_read_once() -> None:
    models = _Models(["The Airman Certification Standards (ACS) codes listed below identify"])
    assert ocr._read_piece(models, _PAGE, _QUAD)[1] == ()  # type: ignore[arg-type]
    assert models.calls == 1


def test_a_row_whose_ink_reaches_the_pages_right_edge_is_clipped() -> None:
    piece = ocr._Piece(np.array([[10.0, 0.0], [199.5, 0.0], [199.5, 10.0], [10.0, 10.0]]), "FI.I.B.K1", 0.95)
    assert ocr._line([piece], 200).clipped
    assert not ocr._line([piece], 400).clipped


@pytest.mark.parametrize(
    "text",
    ["EXAM DATE: February 29, 2024", "SCORE: 70%", "TAKE NUMBER: 2", "GRADE: PASS", "FAA TRACKING NUMBER:",
     "U.S. DEPARTMENT OF TRANSPORTATION", "Instrument Rating Airplane (IRA)", "10/7/2020"],
)  # fmt: skip
def test_a_piece_of_template_words_dates_and_short_numbers_is_read_once(text: str) -> None:
    models = _Models([text, text + "X"])
    assert ocr._read_piece(models, _PAGE, _QUAD)[1] == ()  # type: ignore[arg-type]
    assert models.calls == 1


@pytest.mark.parametrize(
    "text",
    [
        "FTN: AGSMEPYJ",
        "A5A4A3A2",
        "EXAM ID: 716479695246024733",
        "KIM, WU",
        "SITE ID: GE6091",
        "TAKE: 2 DUBOIS",
    ],
)
def test_a_piece_that_may_hold_a_copied_value_is_read_twice(text: str) -> None:
    models = _Models([text, text + "X"])
    assert ocr._read_piece(models, _PAGE, _QUAD)[1] == (text + "X",)  # type: ignore[arg-type]
    assert models.calls == 2
