"""Header field parsing: labels, dates, numbers, titles."""

from __future__ import annotations

import pytest

from extraction.engine import fields as F
from extraction.engine import header as H
from extraction.engine import titles as T
from extraction.engine.code_tokens import plt_of, tokens_of_row
from extraction.engine.layout import Row, Segment, group_rows, rows_from_text


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("04/03/2026", "2026-04-03"),
        ("4/3/2026", "2026-04-03"),
        ("03-APR-2026", "2026-04-03"),
        ("03-Apr-2026", "2026-04-03"),
        ("April 03, 2026", "2026-04-03"),
        ("April 3 2026", "2026-04-03"),
        ("Sept 30, 2026", "2026-09-30"),
        ("2026-04-03", "2026-04-03"),
        ("04/03/26", "2026-04-03"),
        ("O4/O3/2O26", "2026-04-03"),  # OCR letters for digits
        ("03-APR-2O26", "2026-04-03"),
        ("Aprll 03, 2026", "2026-04-03"),  # month name one letter off
        ("20-Ju1-2021", "2021-07-20"),  # l of Jul read as 1
        ("Ju1y 4, 2026", "2026-07-04"),
        ("Feb, 2, 2024", "2024-02-02"),  # the abbreviation's full stop read as a comma
        ("02/30/2026", None),
        ("", None),
        ("N/A", None),
    ],
)
def test_dates(raw: str, iso: str | None) -> None:
    assert F.parse_date(raw) == iso


def test_labels_with_colons_several_per_row() -> None:
    rows = rows_from_text("NAME: DOE, JANE Q FTN: A1B2C3D4\nEXAM ID: 123 EXAM: Private Pilot Airplane (PAR)")
    hits = {h.field: h.value for h in H.find_labels(rows)}
    assert hits == {
        "applicant_name": "DOE, JANE Q",
        "ftn": "A1B2C3D4",
        "exam_id": "123",
        "exam_title": "Private Pilot Airplane (PAR)",
    }


def test_label_variants() -> None:
    text = "\n".join(
        [
            "APPLICANT NAME: DOE, JANE",
            "FAA TRACKING NUMBER: A1B2C3D4",
            "TEST ID: 99",
            "TEST DATE: 04/03/2026",
            "TEST SITE: AB123",
            "TEST SCORE: 80",
            "RESULT: PASS",
            "ATTEMPT: 2",
            "Applicant ID: 555",
        ]
    )
    fields = [h.field for h in H.find_labels(rows_from_text(text))]
    assert fields == ["applicant_name", "ftn", "exam_id", "exam_date", "exam_site", "score", "grade", "take",
                      "applicant_id"]  # fmt: skip


def test_bare_labels_only_at_segment_starts() -> None:
    rows = rows_from_text("NAME   DOE, JANE\nLast name   First name\ncompetent to pass the test")
    hits = H.find_labels(rows)
    assert [(h.field, h.value) for h in hits] == [("applicant_name", "DOE, JANE")]


@pytest.mark.parametrize(
    ("raw", "score"),
    [
        ("94%", 94),
        ("94", 94),
        ("9O %", 90),
        ("438", 43),  # 43% with the percent sign read as 8
        ("924", 92),  # ... or as 4, 6 or 9, which OCR also makes of it
        ("976", 97),
        ("1008", 100),
        ("781", 78),  # ... or as its stroke alone
        ("437", None),
        ("N/A", None),
        ("--", None),
        ("PASS", None),
        ("", None),
    ],
)
def test_score(raw: str, score: int | None) -> None:
    assert F.parse_score(raw)[0] == score


def test_a_glyph_after_the_percent_sign_is_noise_on_ocr() -> None:
    assert F.parse_score("98%6") == (98, 0.8)
    assert F.parse_score("98t") == (98, 0.7)  # the sign itself read as a letter
    assert F.parse_score("98t", ocr=False)[0] is None
    assert F.parse_score("98%6", ocr=False)[0] is None


def test_a_date_run_into_its_time() -> None:
    assert F.parse_date("2024/02/2911:23:09") == "2024-02-29"
    assert F.parse_date("2024/02/291") is None


def test_a_zero_for_the_o_of_october() -> None:
    assert F.parse_date("05-0ct-2025") == "2025-10-05"
    assert F.parse_date("0ct 5, 2025") == "2025-10-05"


def test_percent_sign_read_as_a_digit_other_than_8_only_on_ocr() -> None:
    assert F.parse_score("924", ocr=False)[0] is None
    assert F.parse_score("924")[1] < 1.0  # repaired, not read: its confidence says so


def test_grade_take_ids() -> None:
    assert F.parse_grade("PASS") == "PASS"
    assert F.parse_grade("FAlL") == "FAIL"
    assert F.parse_grade("maybe") is None
    assert F.parse_take("2") == 2
    assert F.parse_take("l") == 1
    assert F.parse_take("") is None
    assert F.clean_ftn("AO1I8Q2Z") == "A011802Z"
    assert F.clean_ftn("23K6G68E") == "Z3K6G68E"  # an FTN opens with a letter
    assert F.clean_ftn("1ABC2345") == "1ABC2345"  # no letter FTNs use is drawn like a 1
    assert F.clean_ftn("20240229") == "20240229"  # a number, not an FTN
    assert F.clean_digits("46631757855581305B", min_len=6) == "466317578555813058"
    assert F.clean_site("KD6O122") == "KD60122"
    assert F.clean_site("K060122") == "KO60122"


def test_titles() -> None:
    assert T.clean_title("Private Pilot Airplane (PAR)") == ("Private Pilot Airplane (PAR)", "PAR", 1.0)
    title, code, conf = T.clean_title("Prlvate Pilot Airpiane (PAR)")
    assert (title, code) == ("Private Pilot Airplane (PAR)", "PAR") and conf < 1
    title, code, _ = T.clean_title("Private Pilot Airplane (PAB)")
    assert (title, code) == ("Private Pilot Airplane (PAR)", "PAR")
    # A known title without its code: the text layer printed it so; OCR lost the parentheses.
    assert T.clean_title("Private Pilot Airplane", ocr=False)[:2] == ("Private Pilot Airplane", "PAR")
    assert T.clean_title("Private Pilot Airplane")[:2] == ("Private Pilot Airplane (PAR)", "PAR")
    # A code read whole vouches for a title with more OCR slips than a title alone may have.
    assert (
        T.clean_title("IInmannod Airoraft General- Small (UAG)")[0]
        == "Unmanned Aircraft General - Small (UAG)"
    )
    assert (
        T.clean_title("Private Pilot Rotorcraft/Helicopter (PRH)")[0]
        == "Private Pilot Rotorcraft/Helicopter (PRH)"
    )
    assert T.clean_title("Glider Pilot (GLX)")[:2] == ("Glider Pilot (GLX)", "GLX")


def test_title_in_another_known_wording_snaps_to_that_wording() -> None:
    assert (
        T.clean_title("Prlvate Pilot Rotorcraft/Helicopter (PRH)")[0]
        == "Private Pilot Rotorcraft/Helicopter (PRH)"
    )
    assert T.clean_title("Prlvate Pilot Helicopter (PRH)")[0] == "Private Pilot Helicopter (PRH)"


def test_a_shorter_known_wording_is_not_a_title_cut_short() -> None:
    assert not T.title_cut_short("Private Pilot Helicopter (PRH)", "PRH")
    assert not T.title_cut_short("Private Pilot Rotorcraft/Helicopter (PRH)", "PRH")
    assert T.title_cut_short("Pilot Helicopter (PRH)", "PRH")


def test_title_of_an_unknown_code_has_its_misread_words_put_right() -> None:
    assert T.clean_title("Private Plot Gider (PRG)")[0] == "Private Pilot Glider (PRG)"
    assert T.clean_title("Private Plot Gider (PRG)", ocr=False)[0] == "Private Plot Gider (PRG)"
    assert not T.title_words_unknown("Private Pilot Glider (PRG)")
    assert T.title_words_unknown("Auiation Moahanio Canomal (AMG)")  # left for a person


def test_title_whose_start_ocr_lost_is_the_known_title_of_its_code() -> None:
    title, code, conf = T.clean_title("nced (AGI)")
    assert (title, code) == ("Ground Instructor Advanced (AGI)", "AGI") and conf < 1.0
    assert T.clean_title("nced (AGI)", ocr=False)[0] == "nced (AGI)"  # the text layer is as printed
    assert T.clean_title("xyz (AGI)")[0] == "xyz (AGI)"  # not the end of the known title
    assert T.known_title_end("nced (AGI)", "AGI") and not T.known_title_end("xyz (AGI)", "AGI")


def test_expiration_rule() -> None:
    assert F.expiration_for("2022-02-26", "UAG") == "2024-02-29"
    assert F.expiration_for("2026-01-04", "ATM") == "2031-01-31"
    assert F.expiration_for("2025-11-13", None) == "2027-11-30"


def test_code_tokens() -> None:
    assert tokens_of_row("PA.I.C.K2a, PA.III.B.R1,PA.IX.A.K3") == ["PA.I.C.K2a", "PA.III.B.R1", "PA.IX.A.K3"]
    assert tokens_of_row("PA. I. C. K2a   PA,III.B.R1;PA.I.B.K1") == [
        "PA.I.C.K2a",
        "PA,III.B.R1",
        "PA.I.B.K1",
    ]
    assert tokens_of_row("PLT 087, PLT161") == ["PLT087", "PLT161"]
    assert plt_of("PLTl6I") == "PLT161"
    assert plt_of("PLT16") is None


def test_rows_group_cells_by_height() -> None:
    segs = [
        Segment("NAME:", 60, 100, 90, 110),
        Segment("DOE, JANE", 200, 101, 260, 111),
        Segment("FTN:", 60, 120, 80, 130),
        Segment("A1B2C3D4", 200, 120, 250, 130),
    ]
    rows = group_rows(segs, 0)
    assert [r.text for r in rows] == ["NAME:   DOE, JANE", "FTN:   A1B2C3D4"]
    assert isinstance(rows[0], Row)


@pytest.mark.parametrize(
    "raw",
    [
        "Unmanned Aircraft General - Small UAG)",  # opening parenthesis lost
        "Unmanned Aircraft General - Small (UAG",  # closing parenthesis lost
        "Unmanned Aircraft General - Small [UAG]",
        "Unmanned Aircraft General - Small {UAG)",
        "Unmanned Aircraft General - Small UAG",  # both lost, the code is a known one
    ],
)
def test_title_code_survives_misread_parentheses(raw: str) -> None:
    title, code, conf = T.clean_title(raw)
    assert (title, code) == ("Unmanned Aircraft General - Small (UAG)", "UAG")
    assert conf < 1.0


def test_unknown_bare_word_is_not_a_test_code() -> None:
    assert T.clean_title("Glider Pilot ABC")[:2] == ("Glider Pilot ABC", None)


def test_code_tokens_glued_or_split_by_ocr() -> None:
    assert tokens_of_row("AA.I.E.K2AA.I.F.K1b") == ["AA.I.E.K2", "AA.I.F.K1b"]
    assert tokens_of_row("PA.I.C.K2aPA.III.B.R1,PA.IX.A.K3") == ["PA.I.C.K2a", "PA.III.B.R1", "PA.IX.A.K3"]
    assert tokens_of_row("PLT087PLT161") == ["PLT087", "PLT161"]
    assert tokens_of_row("PA.I.C.K 2a   PA.III.B.R 1") == ["PA.I.C.K2a", "PA.III.B.R1"]
    assert tokens_of_row("UA.I.B.K21a   AM.II.E.S20") == ["UA.I.B.K21a", "AM.II.E.S20"]


def test_code_tokens_joined_by_a_dot_where_a_separator_stood() -> None:
    assert tokens_of_row("AI.VII.E.R2. AI.VII.I.S5AI.X.D.S2") == ["AI.VII.E.R2", "AI.VII.I.S5", "AI.X.D.S2"]
    assert tokens_of_row("FI.I.A.K2b.FI.I.C.K12.FI.I.B.R3") == ["FI.I.A.K2b", "FI.I.C.K12", "FI.I.B.R3"]
    assert tokens_of_row("FI.I.C.K5a:FI.I.D.K6a:FI.I.E.K5") == ["FI.I.C.K5a", "FI.I.D.K6a", "FI.I.E.K5"]
    # A misread area or task keeps its dots: only an element's end is a place to split.
    assert tokens_of_row("PA.1.C.K2   PA.I.CA.K2") == ["PA.1.C.K2", "PA.I.CA.K2"]


@pytest.mark.parametrize(
    ("raw", "ocr", "name"),
    [
        ("Li II, ZOE", True, "LI II, ZOE"),
        ("KOWALSKi, PRIYA A", True, "KOWALSKI, PRIYA A"),
        ("Li II, ZOE", False, "Li II, ZOE"),  # a text layer's case is what was printed
        ("McAllister, Carlos", True, "McAllister, Carlos"),  # printed in mixed case
        ("NGUYEn, MARIA", True, "NGUYEn, MARIA"),  # n and N differ: not a case slip
        ("OKAFOR, WEl C", True, "OKAFOR, WEI C"),  # an l is drawn like the capital I
        ("Okafor, Wel C", True, "Okafor, Wel C"),
    ],
)
def test_lone_lower_case_slip_in_a_capitals_name(raw: str, ocr: bool, name: str) -> None:
    assert F.clean_name(raw, ocr=ocr) == name


@pytest.mark.parametrize(
    ("row", "tokens"),
    [
        ("1. PA.I.A.K1", ["PA.I.A.K1"]),
        ("2) CA.IV.M.K3   3) CA.V.A.K1", ["CA.IV.M.K3", "CA.V.A.K1"]),
        ("(4) PA.I.B.R2", ["PA.I.B.R2"]),
        ("#1 PA.I.A.K1", ["PA.I.A.K1"]),
        ("[1] PA.I.A.K1", ["PA.I.A.K1"]),
        ("\u2022 PA.I.A.K1 \u2022 PA.II.B.K2", ["PA.I.A.K1", "PA.II.B.K2"]),
        ("- PA.I.A.K1", ["PA.I.A.K1"]),
        ("PA.I.A.K1 | PA.II.B.K2 | PA.III.A.S1", ["PA.I.A.K1", "PA.II.B.K2", "PA.III.A.S1"]),
        ("PA.I.A.K1/PA.II.B.K2", ["PA.I.A.K1", "PA.II.B.K2"]),
        ("PA.I.A.K1\tPA.II.B.K2", ["PA.I.A.K1", "PA.II.B.K2"]),
        ("1.CA.IV.M.K3", ["CA.IV.M.K3"]),
        ("PA.|.A.K1", ["PA.|.A.K1"]),  # a pipe inside a code is a misread I, not a separator
    ],
)
def test_list_marks_and_separators_are_not_codes(row: str, tokens: list[str]) -> None:
    assert tokens_of_row(row) == tokens


def test_a_blurred_title_with_its_code_read_whole_keeps_its_shape_and_is_snapped() -> None:
    assert T.clean_title("Auiation Moahanio Canomal (AMG)")[:2] == ("Aviation Mechanic General (AMG)", "AMG")
    # Another test's real title printed with a code: words of other lengths, kept and doubted.
    title, code, confidence = T.clean_title("Commercial Pilot Airplane (PAR)")
    assert (title, code) == ("Commercial Pilot Airplane (PAR)", "PAR") and confidence <= 0.8


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("November13,2022", "2022-11-13"),
        ("Nov13, 2022", "2022-11-13"),
        ("Apri1 3, 2024", "2024-04-03"),
        ("November 3, 2022", "2022-11-03"),
    ],
)
def test_a_day_run_into_the_month_is_no_slip_of_its_last_letter(text: str, iso: str) -> None:
    assert F.parse_date(text) == iso


@pytest.mark.parametrize(
    ("row", "tokens"),
    [
        ("PLT085 /PLT099 /PLT135 / PLT195", ["PLT085", "PLT099", "PLT135", "PLT195"]),
        ("PA.I.A.K1/ PA.I.B.K2 \\PA.I.C.K3", ["PA.I.A.K1", "PA.I.B.K2", "PA.I.C.K3"]),
    ],
)
def test_a_slash_glued_to_one_side_of_a_code_is_a_separator(row: str, tokens: list[str]) -> None:
    assert tokens_of_row(row) == tokens


def test_a_take_is_digits_or_a_lone_glyph_never_a_word() -> None:
    from extraction.engine.validators import VALIDATORS

    assert VALIDATORS["take"]("2") and VALIDATORS["take"]("l") and VALIDATORS["take"]("0l")
    assert not VALIDATORS["take"]("Try") and not VALIDATORS["take"]("TO")


def test_a_test_site_has_digits() -> None:
    from extraction.engine.validators import VALIDATORS

    assert VALIDATORS["exam_site"]("DH85884") and VALIDATORS["exam_site"]("Center #4471")
    assert not VALIDATORS["exam_site"]("TALH HT")


def test_learning_statement_codes_closed_by_full_stops_are_parted() -> None:
    assert tokens_of_row("PLT052. PLT063.PLT140.PLT164. PLT186.") == [
        "PLT052",
        "PLT063",
        "PLT140",
        "PLT164",
        "PLT186",
    ]
    assert tokens_of_row("PA.I.A.K1. PA.I.B.K2") == ["PA.I.A.K1", "PA.I.B.K2"]


@pytest.mark.parametrize(
    ("text", "iso"),
    [("07.02 2020", "2020-07-02"), ("07 02.2020 10:30", "2020-07-02"), ("07 02 2020", "2020-07-02")],
)
def test_a_date_that_lost_one_of_its_slashes_is_read(text: str, iso: str) -> None:
    assert F.parse_date(text) == iso


def test_numbers_that_are_no_date_stay_unread() -> None:
    assert F.parse_date("12 34 5678 9999") is None and F.parse_date("1 2 3 2020") is None


@pytest.mark.parametrize(
    ("read", "name"),
    [
        ("KOWALSKI II. EMILY D", "KOWALSKI II, EMILY D"),
        ("DOE III. JANE", "DOE III, JANE"),
        ("SMITH JR. JOHN", "SMITH JR. JOHN"),  # Jr. is printed with its full stop: left as read
        ("WU.JO", "WU, JO"),  # the blank after the comma lost too
        ("SMITH-JONES JR.. OLIVIA", "SMITH-JONES JR., OLIVIA"),  # after the suffix's own stop
        ("ST. JAMES. KENJI V", "ST. JAMES, KENJI V"),  # past a saint's own stop
        ("ST.JAMES KENJI", "ST.JAMES KENJI"),  # a saint's full stop is no comma
    ],
)
def test_a_comma_read_as_a_full_stop_after_a_roman_suffix_is_mended(read: str, name: str) -> None:
    assert F.clean_name(read, ocr=True) == name


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("Pased", "PASS"),
        ("Faled", "FAIL"),
        ("Satisfactry", "PASS"),
        ("Unsatisfactry", "FAIL"),
        ("Based", None),
    ],
)
def test_a_grade_word_misspelt_by_a_letter_is_read(text: str, grade: str | None) -> None:
    assert F.parse_grade(text) == grade


@pytest.mark.parametrize(("text", "iso"), [("2024 02-29", "2024-02-29"), ("2024 02 29 10:30", "2024-02-29")])
def test_a_year_first_date_that_lost_a_separator_is_read(text: str, iso: str) -> None:
    assert F.parse_date(text) == iso


def test_a_code_glued_to_the_next_less_its_first_letter_is_parted() -> None:
    assert tokens_of_row("FI.I.E.S1   IL.VIII.A.S14L.XII.D.K1") == [
        "FI.I.E.S1",
        "IL.VIII.A.S14",
        "L.XII.D.K1",
    ]


def test_codes_joined_by_a_full_stop_part_even_with_a_prefix_read_in_mixed_case() -> None:
    assert tokens_of_row("pA.IV.g.S7. pA.IV.N.S3. Pa.VII.B.K2") == ["pA.IV.g.S7", "pA.IV.N.S3", "Pa.VII.B.K2"]


@pytest.mark.parametrize(
    ("read", "name"),
    [
        ("Oyelaran Ill, Luis Devon", "Oyelaran III, Luis Devon"),
        ("SMITH Il, JOHN", "SMITH II, JOHN"),
        ("Fitzgerald, Grace Elizabeth Il", "Fitzgerald, Grace Elizabeth II"),
    ],
)
def test_a_roman_suffix_read_with_l_for_its_strokes_is_mended(read: str, name: str) -> None:
    assert F.clean_name(read, ocr=True) == name
    assert F.clean_name(read, ocr=False) == read  # the text layer is taken as printed


def test_a_title_whose_first_words_were_garbled_is_snapped_by_its_code_and_last_word() -> None:
    assert T.clean_title("patin~ Daored-Lift (IPL)")[:2] == ("Instrument Rating Powered-Lift (IPL)", "IPL")
    # Another test's words before the last one are printed words, not a garbled start.
    assert T.clean_title("Commercial Pilot Airplane (PAR)")[0] == "Commercial Pilot Airplane (PAR)"


def test_a_row_of_codes_all_blurred_the_same_way_is_read_as_codes() -> None:
    from extraction.engine.code_block import code_row_tokens

    assert code_row_tokens("-FLLA.K2   -FLLA.K2d   -HLVILD.RI") == ["FLLA.K2", "FLLA.K2d", "HLVILD.RI"]
    assert code_row_tokens("FLLA.K2") == []  # one such token alone is too weak a shape


def test_an_applicant_id_opening_with_d_keeps_its_letter() -> None:
    assert F.clean_applicant_id("D79053130") == "D79053130"
    assert F.clean_applicant_id("O79053130") == "079053130"


def test_a_heading_closed_by_a_colon_and_a_bullet_leaves_its_codes() -> None:
    from extraction.engine.code_block import code_row_tokens

    assert code_row_tokens("ACS codes missed:> IL.VIII.B.S2") == ["IL.VIII.B.S2"]
    assert code_row_tokens("Missed elements:\u2022 PA.I.H.K1b") == ["PA.I.H.K1b"]


def test_a_speck_between_the_letters_of_plt_is_no_obstacle() -> None:
    assert plt_of("PL.T045") == "PLT045" and plt_of("P.LT045") == "PLT045" and plt_of("PL/T278") == "PLT278"
    assert plt_of("PLT04") is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [("Apr. 7, 2 023", "2023-04-07"), ("12 05 2 019", "2019-12-05"), ("18 January 202 1", "2021-01-18")],
)
def test_a_blank_inside_the_year_is_closed_and_no_year_has_three_digits(text: str, iso: str) -> None:
    assert F.parse_date("18-JAN-0202") is None
    assert F.parse_date(text) == iso


def test_codes_that_lost_every_dot_beside_a_code_are_taken_for_codes() -> None:
    from extraction.engine.code_block import code_row_tokens

    assert code_row_tokens("Review areas: -AM1FS2   -AMLLK6   -AM.III.B.K6") == [
        "AM1FS2",
        "AMLLK6",
        "AM.III.B.K6",
    ]
    assert code_row_tokens("AM1FS2   AMLLK6") == ["AM1FS2", "AMLLK6"]  # a row of nothing else
    assert code_row_tokens("AM1FS2") == []


@pytest.mark.parametrize(
    ("read", "name"),
    [('O"NEIL, MOHAMMED', "O'NEIL, MOHAMMED"), ("D`ANGELO, MARIA", "D'ANGELO, MARIA")],
)
def test_an_apostrophe_read_as_a_quotation_mark_is_mended(read: str, name: str) -> None:
    assert F.clean_name(read, ocr=True) == name
    assert F.clean_name(read, ocr=False) == read  # the text layer is taken as printed


@pytest.mark.parametrize(
    "read",
    ["Flight Instructor Helicopter -Added Rating (HFA)", "Flight Instructor Helicopter- Added Rating (HFA)"],
)
def test_a_title_dash_that_lost_one_of_its_blanks_is_set_between_blanks(read: str) -> None:
    assert T.clean_title(read)[0] == "Flight Instructor Helicopter - Added Rating (HFA)"
    assert T.clean_title("Instrument Rating Powered-Lift (IPL)")[0] == "Instrument Rating Powered-Lift (IPL)"


@pytest.mark.parametrize(
    ("read", "name"),
    [
        ("AI-Sayed, Luis", "Al-Sayed, Luis"),
        ("AIvarez, Maria", "Alvarez, Maria"),
        ("McIntyre, Ian", "McIntyre, Ian"),  # the capital follows a lower-case letter
        ("Smith II, John", "Smith II, John"),  # a roman numeral
        ("Okafor XI, Ada", "Okafor XI, Ada"),
        ("AL-SAYED, LUIS", "AL-SAYED, LUIS"),  # printed in capitals: an I is an I
    ],
)
def test_a_capital_i_after_a_capital_in_a_mixed_case_name_is_an_ell(read: str, name: str) -> None:
    assert F.clean_name(read, ocr=True) == name
    assert F.clean_name(read, ocr=False) == read  # the text layer is taken as printed
