"""Header fields on pages OCR garbled: labels misread, values beside or under them, titles
and names the reading bent. Rows are built by hand (no models)."""

from __future__ import annotations

import pytest

from extraction.engine import Catalog
from extraction.engine import header as H
from extraction.engine.layout import Row, Segment, rows_from_text
from extraction.engine.parse import parse_rows
from extraction.engine.types import ExtractionResult


def _row(y: float, *cells: tuple[str, float]) -> Row:
    segments = [Segment(text, x, y, x + 6.0 * len(text), y + 10) for text, x in cells]
    return Row("   ".join(t for t, _ in cells), 0, y, y + 10, 1.0, segments)


def test_a_neighbour_of_label_words_across_cells_is_no_name() -> None:
    # ``TEST TAKER NAMEI`` (a colon read as I) beside two garbled labels, the name below.
    rows = [
        _row(0, ("TEST TAKER NAMEI", 100), ("FAA PTNI", 500), ("TEST NUMI", 900)),
        _row(24, ("O'Brien, Robert", 102), ("ACPZV4P1", 502), ("106923934486464573", 902)),
    ]
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert found["applicant_name"].text == "O'Brien, Robert"


@pytest.mark.parametrize(
    "heading", ["Examination Score Report", "Official Score Report", "Test Results Report"]
)
def test_a_report_titled_score_report_is_one(catalog: Catalog, heading: str) -> None:
    page = [
        heading,
        "PRIVATE PILOT AIRPLANE (PAR)",
        "90   Satisfactory   01",
        "106923934486464573",
        "Review each area with an authorized instructor.",
        "PA.I.A.K5",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert (result.exam_code, result.exam_id, result.codes) == ("PAR", "106923934486464573", ["PA.I.A.K5"])
    assert result.review


@pytest.mark.parametrize(
    ("printed", "read", "doubted"), [("O29337149", "029337149", True), ("D29337149", "D29337149", False)]
)
def test_an_applicant_id_whose_leading_letter_may_be_a_zero_is_doubted(
    catalog: Catalog, printed: str, read: str, doubted: bool
) -> None:
    """A leading O or Q is read as the 0 it usually is, and doubted; a D is a letter."""
    page = [
        "AIRMAN KNOWLEDGE TEST REPORT",
        "NAME:   OKAFOR, WEI",
        f"APPLICANT ID:   {printed}",
        "EXAM:   Private Pilot Airplane (PAR)",
        "EXAM DATE:   02/17/2022",
        "PA.I.A.K5",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert result.applicant_id == read
    assert ("field_doubtful:applicant_id" in result.review_reasons) is doubted
    text = parse_rows(rows_from_text("\n".join(page)), catalog, path="text")
    assert text.applicant_id == printed and "field_doubtful:applicant_id" not in text.review_reasons


def test_a_name_label_beside_a_misread_label_takes_the_name_below() -> None:
    rows = [
        _row(0, ("APPLICANT'S NAME", 120), ("PTN I", 814)),
        _row(24, ("Kowalski, Ty Hannah", 122), ("A6DJ464J", 812)),
    ]
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert found["applicant_name"].text == "Kowalski, Ty Hannah"


def test_a_name_beside_its_label_stays_when_the_row_below_is_no_name() -> None:
    rows = [_row(0, ("NAME", 120), ("SMITH JOHN", 400)), _row(24, ("FTN", 120), ("A6DJ464J", 400))]
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert found["applicant_name"].text == "SMITH JOHN"


@pytest.mark.parametrize("label", ["TRACKING NM:", "TRACKING NMBR:", "TRACKING NUM:"])
def test_number_abbreviations_close_a_label(label: str) -> None:
    found, _ = H.read_header(
        rows_from_text(f"{label}   AC2G1A4G"), H.find_labels(rows_from_text(f"{label}   AC2G1A4G"))
    )
    assert found["ftn"].text == "AC2G1A4G"


def test_a_heading_title_whose_code_lost_a_capital_to_its_lower_case_is_read(catalog: Catalog) -> None:
    page = [
        "Airman Knowledge Test Results",
        "Commercial Pilot Airplane (CAx)",
        "Score %:   92%",
        "Final grade:   Pass",
        "App. full name:   MACDONALD, LIAM",
        "Test number:   328415693076095",
        "CA.I.A.K1",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert (result.exam_code, result.exam_title) == ("CAX", "Commercial Pilot Airplane (CAX)")
    # A lower-case letter unlike its capital is no test code.
    page[1] = "Commercial Pilot Airplane (Cax)"
    assert parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr").exam_code is None


@pytest.mark.parametrize(
    ("name", "doubted"),
    [
        ("O'NEIL, GRACECHRISTOPHER", True),
        ("O'NEIL, CHRISTOPHER J", False),
        ("ST, JAMES. ALEXANDRA", True),  # the comma and the full stop swapped
        ("ST. JAMES, ALEXANDRA", False),
        ("SMITH.JOHN", True),  # a comma read as a full stop, its blank lost
        ("KING JR., MARTIN", False),
        ("ONEIL, EMILY V", True),  # the apostrophe of O'NEIL lost
        ("OBRIEN, JAMES", True),
        ("OKAFOR, JAMES", False),
        ("OCHOA, MARIA", False),
        ("OLSON, ERIK", False),
        ("VAN DER BERG, ALEXANDRA R FIN A9M2S165", True),  # the next cell run into the name
    ],
)
def test_two_given_names_run_together_are_doubted(catalog: Catalog, name: str, doubted: bool) -> None:
    page = [
        "AIRMAN KNOWLEDGE TEST REPORT",
        f"NAME:   {name}",
        "EXAM:   Private Pilot Airplane (PAR)",
        "EXAM DATE:   02/17/2022",
        "PA.I.A.K5",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert ("field_doubtful:applicant_name" in result.review_reasons) is doubted
    if name == "ST, JAMES. ALEXANDRA":
        assert result.applicant_name == "ST. JAMES, ALEXANDRA"  # the marks swapped back


@pytest.mark.parametrize(
    "title",
    [
        "Airline Transport Pilot Multiengine Airplane (ATM).",
        "A irline Troncnprt Pilot Multiengine Airplane (ATM",  # the closing parenthesis lost
    ],
)
def test_a_heading_title_closed_by_a_full_stop_or_nothing_still_names_the_test(
    catalog: Catalog, title: str
) -> None:
    page = [
        "Examination Score Report",
        title,
        "191964323361939530",
        "Areas missed: AA.I.B.K2c",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert result.exam_code == "ATM" and result.codes == ["AA.I.B.K2c"]
    assert result.exam_title == "Airline Transport Pilot Multiengine Airplane (ATM)"


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [("TESTING LOCATION XAA957356", "exam_site", "XAA957356"), ("PERCENTAGE77", "score", "77")],
)
def test_digits_run_into_a_label_word_part_them_but_into_a_values_letters_do_not(
    text: str, field: str, value: str
) -> None:
    found, _ = H.read_header(rows_from_text(text), H.find_labels(rows_from_text(text)))
    assert found[field].text == value


def test_a_name_label_with_its_hint_before_a_dash_takes_the_name_alone() -> None:
    rows = rows_from_text("NAME (LAST, FIRST MI) - SMITH-JONES JR.. OLIVIA AISHA")
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert found["applicant_name"].text == "SMITH-JONES JR.. OLIVIA AISHA"  # the comma read as a stop


def test_a_name_label_opening_a_cell_takes_a_name_whose_comma_was_read_as_a_full_stop() -> None:
    rows = rows_from_text("Test site AGU416983   Test taker name ABERNATHY. TY")
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert found["exam_site"].text == "AGU416983"
    assert found["applicant_name"].text == "ABERNATHY. TY"


def test_a_heading_title_with_a_digit_for_a_letter_names_the_test(catalog: Catalog) -> None:
    page = [
        "Examination Score Report",
        "nain1 nilot Airplane (CAX)",
        "AIRMAN NAME   SMITH-JONES, JO Y",
        "EXAMINATION ID   598236882430373396",
        "CA.I.A.K1",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert (result.exam_code, result.exam_title) == ("CAX", "Commercial Pilot Airplane (CAX)")


def test_a_line_of_running_text_with_a_code_in_parentheses_is_no_title(catalog: Catalog) -> None:
    page = [
        "AIRMAN KNOWLEDGE TEST REPORT",
        "NAME:   OKAFOR, WEI",
        "EXAM ID:   382979085847321363",
        "Deficient subject areas are listed by learning statement code (PLT)",
        "PLT011   PLT066",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert result.exam_title is None and "field_missing:exam_title" in result.review_reasons


def test_a_title_under_its_label_is_its_value_though_it_reads_like_running_text() -> None:
    from extraction.engine.looks import value_below

    rows = rows_from_text("TEST DESCRIPTION:\nMilitary Competency Instructor (MCI)")
    assert value_below(rows, 0)
    prose = rows_from_text("TEST DESCRIPTION:\nThe codes below identify the areas you missed")
    assert not value_below(prose, 0)


def test_a_value_starting_at_the_edge_of_the_next_column_is_that_columns() -> None:
    # ``DISPOSITION:   TAKE NUMBER:   VALID UNTIL:`` over ``UNSATISFACTORY   1   02.28.2022``
    # on a skewed page: each value starts a little left of its own label.
    values = [
        Segment("UNSATISFACTORY", 129, 24, 330, 34),
        Segment("1", 553, 24, 578, 34),
        Segment("02.28.2022", 979, 24, 1120, 34),
    ]
    rows = [
        _row(0, ("DISPOSITION:", 131), ("TAKE NUMBER:", 556), ("VALID UNTIL:", 982)),
        Row("UNSATISFACTORY   1   02.28.2022", 0, 24, 34, 1.0, values),
    ]
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert (found["grade"].text, found["take"].text, found["expiration_date"].text) == (
        "UNSATISFACTORY",
        "1",
        "02.28.2022",
    )
    assert "score" not in found


def _read_with(rows: list[Row], line: str, weak: dict[int, tuple[float, str]]) -> list[Row]:
    """The rows, with the characters of one line at the given places read with the given
    probability and runner-up, the others surely."""
    chars = tuple(weak.get(i, (0.99, "")) for i in range(len(line)))
    return [
        Row(r.text, r.page, r.y0, r.y1, r.confidence, r.segments, ((line, chars),)) if r.text == line else r
        for r in rows
    ]


def _page(*lines: str) -> list[str]:
    return ["AIRMAN KNOWLEDGE TEST REPORT", *lines, "EXAM:   Private Pilot Airplane (PAR)", "PA.I.A.K5"]


@pytest.mark.parametrize(("weakest", "unsure"), [(0.42, True), (0.9, False)])
def test_a_copied_value_with_a_character_ocr_hesitated_on_is_unsure(
    catalog: Catalog, weakest: float, unsure: bool
) -> None:
    line = "NAME: OKAFOR, KENUJI"
    rows = _read_with(rows_from_text("\n".join(_page(line))), line, {17: (weakest, "N")})
    result = parse_rows(rows, catalog, path="ocr")
    assert result.applicant_name == "OKAFOR, KENUJI"
    assert ("field_unsure:applicant_name" in result.review_reasons) is unsure


@pytest.mark.parametrize(("rival", "unsure"), [("0", False), ("D", True)])
def test_a_hesitation_the_fields_rules_settle_is_no_doubt(catalog: Catalog, rival: str, unsure: bool) -> None:
    # The FTN's last character is a digit: an O or a 0 there makes the same FTN, a D does not.
    line = "FTN: A5WNHDKO"
    rows = _read_with(rows_from_text("\n".join(_page("NAME: OKAFOR, WEI", line))), line, {12: (0.4, rival)})
    result = parse_rows(rows, catalog, path="ocr")
    assert result.ftn == "A5WNHDK0"
    assert ("field_unsure:ftn" in result.review_reasons) is unsure


def test_a_weak_character_outside_the_value_leaves_it_sure(catalog: Catalog) -> None:
    line = "NAMF: OKAFOR, WEI"  # the label's hesitation is no doubt about the name
    rows = _read_with(rows_from_text("\n".join(_page(line))), line, {3: (0.3, "E")})
    result = parse_rows(rows, catalog, path="ocr")
    assert result.applicant_name == "OKAFOR, WEI"
    assert "field_unsure:applicant_name" not in result.review_reasons


@pytest.mark.parametrize(("rival", "unsure"), [("'", False), (" ", False), ("", False)])
def test_a_rival_that_takes_a_names_comma_away_is_no_rival(
    catalog: Catalog, rival: str, unsure: bool
) -> None:
    # Reports print LAST, FIRST: a reading without the comma is no name of that report.
    line = "NAME: KOWALSKI,AISHA"
    rows = _read_with(rows_from_text("\n".join(_page(line))), line, {14: (0.27, rival)})
    result = parse_rows(rows, catalog, path="ocr")
    assert result.applicant_name == "KOWALSKI, AISHA"
    assert ("field_unsure:applicant_name" in result.review_reasons) is unsure


def test_a_blank_slipped_into_a_name_is_unsure(catalog: Catalog) -> None:
    line = "NAME: FITZGERALD, ELI ZABETH"
    rows = _read_with(rows_from_text("\n".join(_page(line))), line, {21: (0.23, "")})
    result = parse_rows(rows, catalog, path="ocr")
    assert "field_unsure:applicant_name" in result.review_reasons


@pytest.mark.parametrize(("rival", "unsure"), [("2", True), ("l", False), ("1", False)])
def test_a_code_a_rival_glyph_makes_into_another_catalogue_code_is_unsure(
    catalog: Catalog, rival: str, unsure: bool
) -> None:
    # PA.I.B.K2 is a catalogue code as much as PA.I.B.K1; PA.I.B.Kl is no code at all.
    line = "PA.I.B.K1"
    rows = rows_from_text(
        "\n".join(["AIRMAN KNOWLEDGE TEST REPORT", "NAME: OKAFOR, WEI", *_page()[1:-1], line])
    )
    result = parse_rows(_read_with(rows, line, {8: (0.45, rival)}), catalog, path="ocr")
    assert result.codes == ["PA.I.B.K1"]
    assert ("code_unsure" in result.review_reasons) is unsure


def test_a_label_and_its_value_after_a_paragraphs_line_are_a_field(catalog: Catalog) -> None:
    # A tilted photo sorts TAKE 1 after the first line of the paragraph beside it.
    page = [
        "NAME: OKAFOR, WEI",
        "EXAM: Private Pilot Airplane (PAR)",
        "EXAM DATE: 02/17/2022",
        "SCORE: 83%   GRADE: PASS",
        "The ACS codes listed below identify the knowledge areas in which you answered one",
        "TAKE 1",
        "question incorrectly.",
        "PA.I.C.K2a",
    ]
    assert parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr").take == 1


def test_a_long_label_word_two_slips_away_is_still_read_and_a_lone_number_sign_is_none() -> None:
    hits = H.find_labels(rows_from_text("Auempt #:   1"))
    assert [(h.field, h.value) for h in hits] == [("take", "1")]
    from extraction.engine.labels import vocabulary

    # A word lost before ``#`` leaves a number sign that names no field (not the exam ID).
    assert vocabulary().classify("Qwxzyk #", colon=True) is None


@pytest.mark.parametrize(("text", "field"), [("RESUL/T(%)", "score"), ("GRA|DE", "grade")])
def test_a_stroke_read_as_a_mark_inside_a_label_word_leaves_the_label(text: str, field: str) -> None:
    """A slash or bar between two letters of a short label cuts it into words no rule holds."""
    assert [h.field for h in H.find_labels(rows_from_text(text))] == [field]


@pytest.mark.parametrize(("text", "score"), [("62 0", 62), ("62 o", 62), ("10 0", None)])
def test_a_percent_sign_read_as_a_zero_after_a_blank(text: str, score: int | None) -> None:
    from extraction.engine.fields import parse_score

    assert parse_score(text)[0] == score


@pytest.mark.parametrize("text", ["1016/2020", "10/162020"])
def test_a_date_that_lost_one_slash_between_month_and_day(text: str) -> None:
    from extraction.engine.fields import parse_date

    assert parse_date(text) == "2020-10-16"


@pytest.mark.parametrize(
    ("text", "iso"), [("Jul. 26. 2023", "2023-07-26"), ("Tuesday, l2/05/2021", "2021-12-05")]
)
def test_a_letter_read_like_a_digit_inside_a_month_opens_no_date(text: str, iso: str) -> None:
    from extraction.engine.fields import parse_date

    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("line", "at", "rival"),
    [
        ("NAME: O'NEIL, DEVON Y", 19, ""),  # a blank before the closing middle initial
        ("NAME: YAMAMOTO, NOAH Y", 15, "_"),  # no name holds an underscore
    ],
)
def test_a_rival_that_makes_no_likely_name_is_no_doubt(
    catalog: Catalog, line: str, at: int, rival: str
) -> None:
    rows = _read_with(rows_from_text("\n".join(_page(line))), line, {at: (0.2, rival)})
    result = parse_rows(rows, catalog, path="ocr")
    assert "field_unsure:applicant_name" not in result.review_reasons


@pytest.mark.parametrize(("weight", "unsure"), [(0.12, True), (0.45, False)])
def test_a_blank_before_a_last_letter_the_recogniser_hardly_saw_is_doubted(
    catalog: Catalog, weight: float, unsure: bool
) -> None:
    # A kerned YA read apart (PRIY A) looks like a middle initial; a blank given 12% is none.
    line = "NAME: YAMAMOTO, PRIY A"
    rows = _read_with(rows_from_text("\n".join(_page(line))), line, {20: (weight, "")})
    result = parse_rows(rows, catalog, path="ocr")
    assert ("field_unsure:applicant_name" in result.review_reasons) is unsure


def test_a_field_named_in_parentheses_after_words_misread_past_knowing_is_that_field() -> None:
    from extraction.engine.labels import vocabulary

    assert vocabulary().classify("FAA Tracking NIr (FTN)", colon=True) == ("ftn", 0.85)
    assert vocabulary().classify("FAA Tracking NIr (FTN)") is None  # without a colon, no label


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("PERCENTAGE77", "score", "77"),  # the blank after the label lost
        ("EXAM ATTEMPT2", "take", "2"),
        ("SCORE(%)97", "score", "97"),
        ("EXAM RECORD NO.-215314689127651580", "exam_id", "215314689127651580"),  # no O for a 0
        ("FTN NUMBER F8HT3NE4", "ftn", "F8HT3NE4"),  # a value of letters and digits is not parted
        ("TEST SITE EFN75480", "exam_site", "EFN75480"),
    ],
)
def test_a_label_run_into_its_number_closes_before_it(text: str, field: str, value: str) -> None:
    hits = H.find_labels(rows_from_text(text))
    assert [(h.field, h.value) for h in hits] == [(field, value)]


@pytest.mark.parametrize(
    ("row", "missing"), [("PERCENTAGE 1O7", True), ("PERCENTAGE 7 7", True), ("", False)]
)
def test_a_score_label_before_a_number_read_past_a_score_says_a_score_is_printed(
    catalog: Catalog, row: str, missing: bool
) -> None:
    lines = ["AIRMAN KNOWLEDGE TEST REPORT", "NAME: OKAFOR, WEI", "EXAM:   Private Pilot Airplane (PAR)"]
    rows = rows_from_text("\n".join([*lines, "GRADE: PASS", row, "PA.I.A.K5"]))
    result = parse_rows(rows, catalog, path="ocr")
    assert result.score is None
    assert ("field_missing:score" in result.review_reasons) is missing


@pytest.mark.parametrize(("rival", "unsure"), [("L", True), ("l", True), ("I", False), ("|", False)])
def test_a_glyph_the_fields_rules_had_to_change_is_no_sure_reading(
    catalog: Catalog, rival: str, unsure: bool
) -> None:
    # A 1 where a test site has letters becomes an I however sure the recogniser was of it;
    # its rival L makes another site (XL91382), its rival I the same one.
    line = "TEST SITE: X1.91382"
    rows = _read_with(rows_from_text("\n".join(_page("NAME: OKAFOR, WEI", line))), line, {12: (0.997, rival)})
    result = parse_rows(rows, catalog, path="ocr")
    assert result.exam_site == "XI91382"
    assert ("field_unsure:exam_site" in result.review_reasons) is unsure


def _code_page(code: str, weak: dict[int, tuple[float, str]], catalog: Catalog) -> ExtractionResult:
    page = ["AIRMAN KNOWLEDGE TEST REPORT", "NAME: OKAFOR, WEI", "EXAM:   Private Pilot Airplane (PAR)", code]
    return parse_rows(_read_with(rows_from_text("\n".join(page)), code, weak), catalog, path="ocr")


@pytest.mark.parametrize(("rival", "unsure"), [("L", True), (",", False)])
def test_a_dot_nearly_read_as_the_l_of_a_merged_stroke_makes_its_code_unsure(
    catalog: Catalog, rival: str, unsure: bool
) -> None:
    # PA.VI.A.K1 read PA.V.A.K1: the I and the dot at its foot were nearly one L.
    result = _code_page("PA.V.A.K1", {4: (0.47, rival)}, catalog)
    assert result.codes == ["PA.V.A.K1"]
    assert ("code_unsure" in result.review_reasons) is unsure


@pytest.mark.parametrize(("weakest", "unsure"), [(0.49, True), (0.9, False)])
def test_a_stroke_that_may_be_two_makes_its_code_unsure(
    catalog: Catalog, weakest: float, unsure: bool
) -> None:
    # PA.VII.A.K1 read PA.VI.A.K1: its I was held long enough for two (ocr_models.DOUBLED_RUN).
    result = _code_page("PA.VI.A.K1", {4: (weakest, "II")}, catalog)
    assert result.codes == ["PA.VI.A.K1"]
    assert ("code_unsure" in result.review_reasons) is unsure


@pytest.mark.parametrize(("site", "doubtful"), [("267", True), ("4C14267", True), ("AC14267", False)])
def test_a_test_site_without_its_opening_letters_is_doubtful(
    catalog: Catalog, site: str, doubtful: bool
) -> None:
    rows = rows_from_text("\n".join(_page("NAME: OKAFOR, WEI", f"TEST SITE: {site}")))
    result = parse_rows(rows, catalog, path="ocr")
    assert result.exam_site is not None
    assert ("field_doubtful:exam_site" in result.review_reasons) is doubtful


@pytest.mark.parametrize(("take", "doubted"), [("3", False), ("12", False), ("82", True)])
def test_more_attempts_than_anyone_makes_is_a_doubtful_take(
    catalog: Catalog, take: str, doubted: bool
) -> None:
    page = [
        "AIRMAN KNOWLEDGE TEST REPORT",
        "NAME:   DOE, JANE",
        "EXAM:   Private Pilot Airplane (PAR)",
        f"TAKE:   {take}",
        "PA.I.A.K5",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert result.take == int(take)
    assert ("field_doubtful:take" in result.review_reasons) is doubted
