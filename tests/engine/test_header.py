"""Header labels and values: wordings, layouts and separators the engine was not written for."""

from __future__ import annotations

import pytest

from extraction.engine import Catalog, ExtractionError, labels
from extraction.engine import header as H
from extraction.engine.layout import Row, Segment, rows_from_text
from extraction.engine.parse import parse_rows

FIELD_OF_LABEL = [
    ("Examinee Name", "applicant_name"),
    ("App.'s Name", "applicant_name"),
    ("NAME (LAST, FIRST MI)", "applicant_name"),
    ("Tracking #", "ftn"),
    ("IACRA FTN", "ftn"),
    ("Candidate Nbr", "applicant_id"),
    ("Score Report ID", "exam_id"),
    ("Examination Score Report", labels.IGNORED),  # the report's title, no score's label
    ("Knowledge Test Results Report", labels.IGNORED),
    ("Test Sequence No.", "exam_id"),
    ("Exam Description", "exam_title"),
    ("Test Dt./Time", "exam_date"),
    ("Exam Taken On", "exam_date"),
    ("Center Code", "exam_site"),
    ("Grade (%)", "score"),
    ("Pct Correct", "score"),
    ("Disposition", "grade"),
    ("Pass / Fail", "grade"),
    ("No. of Attempts", "take"),
    ("Expiration Date of Report", "expiration_date"),
    ("EXAN DATE", "exam_date"),  # an OCR slip in a known wording
    ("TESTDATE", "exam_date"),  # the blank lost
    ("Date of Birth", labels.IGNORED),
    ("Passing Score", labels.IGNORED),
]


@pytest.mark.parametrize(("label", "field"), FIELD_OF_LABEL)
def test_label_wordings(label: str, field: str) -> None:
    found = labels.vocabulary().classify(label)
    assert found is not None and found[0] == field


@pytest.mark.parametrize(
    "text",
    [
        "Test Results Summary",
        "Private Pilot Airplane",
        "PASS",
        "KOWALSKI, PRIYA A",
        "Deficiency Codes",
        "SCORE 91",
    ],
)
def test_headings_and_values_are_no_labels(text: str) -> None:
    assert labels.vocabulary().classify(text) is None


def values(text: str) -> dict[str, str]:
    rows = rows_from_text(text)
    found, _ = H.read_header(rows, H.find_labels(rows))
    return {name: f.text for name, f in found.items()}


def test_separators_colon_dash_full_stop_and_times_in_values() -> None:
    got = values(
        "Exam Date/Time: 04/03/2026 10:42 AM   Score (%): 88\n"
        "RESULT - Pass\n"
        "APPLICANT. BROOKS, MOHAMMED\n"
        "Knowledge Test - Score Report"
    )
    assert got == {
        "exam_date": "04/03/2026 10:42 AM",
        "score": "88",
        "grade": "Pass",
        "applicant_name": "BROOKS, MOHAMMED",
    }


def test_a_unit_set_apart_from_its_label_stays_out_of_the_value() -> None:
    assert values("SCORE   (PCT):73%\nRESULT:   SAT") == {"score": "73%", "grade": "SAT"}


def test_label_above_its_value_in_columns() -> None:
    def row(y: float, *cells: tuple[str, float]) -> Row:
        segments = [Segment(text, x, y, x + 6.0 * len(text), y + 10) for text, x in cells]
        return Row("   ".join(t for t, _ in cells), 0, y, y + 10, 1.0, segments)

    rows = [
        row(0, ("NAME", 50), ("CANDIDATE NBR", 300)),
        row(12, ("St. James, Fatima Noah", 50), ("795438892", 300)),
        row(30, ("PERCENT", 50), ("GRADE STATUS", 200), ("SITTING", 400)),
        row(42, ("93%", 50), ("SAT", 200), ("1", 400)),
    ]
    found, used = H.read_header(rows, H.find_labels(rows))
    assert {k: v.text for k, v in found.items()} == {
        "applicant_name": "St. James, Fatima Noah",
        "applicant_id": "795438892",
        "score": "93%",
        "grade": "SAT",
        "take": "1",
    }
    assert used == {0, 1, 2, 3}


def test_a_value_below_cut_into_pieces_is_read_whole() -> None:
    def row(y: float, *cells: tuple[str, float]) -> Row:
        segments = [Segment(text, x, y, x + 6.0 * len(text), y + 10) for text, x in cells]
        return Row("   ".join(t for t, _ in cells), 0, y, y + 10, 1.0, segments)

    rows = [
        row(0, ("EXAMINATION ID", 140), ("DT. OF EXAM", 836)),
        row(12, ("11057634754798359", 142), ("17 August", 847), ("2020", 976), ("17:18:14", 1066)),
    ]
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert found["exam_date"].text == "17 August 2020 17:18:14"
    assert found["exam_id"].text == "11057634754798359"


def test_a_speck_beside_a_colon_label_does_not_hide_the_value_below() -> None:
    got = values("EXAM:   L\nFundamentals of Instructing (FOI)\nEXAM TAKEN ON:\n2019-06-02")
    assert got == {"exam_title": "Fundamentals of Instructing (FOI)", "exam_date": "2019-06-02"}
    # A value worded otherwise than the field expects is kept as read, not traded for the row below.
    assert values("EXAM: Private Pilot\nSomething (ABC)")["exam_title"] == "Private Pilot"


def test_columns_hold_when_a_row_has_text_no_detector_box_has() -> None:
    def row(y: float, *cells: tuple[str, float], extra: str = "") -> Row:
        segments = [Segment(text, x, y, x + 6.0 * len(text), y + 10) for text, x in cells]
        text = "   ".join([*(t for t, _ in cells), *([extra] if extra else [])])
        return Row(text, 0, y, y + 10, 1.0, segments)

    rows = [
        row(0, ("Subject:", 50), ("Session Date:", 450), ("Testing Center:", 850), extra="o.:"),
        row(12, ("PRIVATE PILOT AIRPLANE (PAR)", 50), ("03/04/22 - 2:56 pm", 450), ("DG87739", 850)),
    ]
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert found["exam_date"].text == "03/04/22 - 2:56 pm"
    assert found["exam_site"].text == "DG87739"


def test_a_heading_above_a_line_is_not_a_label_with_a_value() -> None:
    got = values("Candidate Score Report\nCANDIDATE COPY\nSCORE: 84%")
    assert got == {"score": "84%"}


REPORT = """AIRMAN KNOWLEDGE TEST REPORT
Examinee: DOE, JANE Q
Tracking #: A1B2C3D4
Test Registration #: 123456789012345678
Test Taken: Private Pilot Airplane (PAR)
Tested On: March 14, 2026 at 09:15
Center Code: AB12345
Pct Correct: {score}
Disposition: {grade}
Try: 2
Knowledge areas to review:
{codes}
Report Valid Thru: {expires}
Keep this report"""


def report(
    *,
    score: str = "84%",
    grade: str = "PASS",
    codes: str = "1. PA.I.C.K2a\n2. PA.III.B.R1",
    expires: str = "03/31/2028",
) -> list[Row]:
    return rows_from_text(REPORT.format(score=score, grade=grade, codes=codes, expires=expires))


def test_a_report_in_other_words_is_read_whole(catalog: Catalog) -> None:
    result = parse_rows(report(), catalog)
    assert (result.applicant_name, result.ftn, result.exam_id) == (
        "DOE, JANE Q",
        "A1B2C3D4",
        "123456789012345678",
    )
    assert (result.exam_code, result.exam_title) == ("PAR", "Private Pilot Airplane (PAR)")
    assert (result.exam_date, result.exam_site, result.score, result.grade, result.take) == (
        "2026-03-14",
        "AB12345",
        84,
        "PASS",
        2,
    )
    assert result.expiration_date == "2028-03-31"
    assert result.codes == ["PA.I.C.K2a", "PA.III.B.R1"]
    assert result.review is False and result.review_reasons == []


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"score": "84%", "grade": "FAIL"}, "score_grade_mismatch"),
        ({"expires": "03/31/2030"}, "expiration_mismatch"),
        ({"codes": "PA.I.C.K2a   PA.XQ.Z.K77"}, "code_unresolved"),
        ({"score": "100%"}, "codes_unexpected"),
        ({"codes": "1. PA.I.C.K2a\nMissed#2.PA.III.B.R1"}, "code_unread"),
        ({"grade": "see reverse"}, "field_missing:grade"),
    ],
)
def test_each_doubt_is_named(catalog: Catalog, kwargs: dict[str, str], reason: str) -> None:
    result = parse_rows(report(**kwargs), catalog)
    assert reason in result.review_reasons
    assert result.review is True


def test_a_code_outside_the_catalogue_is_never_reported(catalog: Catalog) -> None:
    result = parse_rows(report(codes="PA.I.C.K2a   PA.I.C.K99"), catalog)
    assert result.codes == ["PA.I.C.K2a"]
    assert [u.raw for u in result.unresolved] == ["PA.I.C.K99"]
    assert "code_unresolved" in result.review_reasons


def test_no_code_is_no_doubt_where_a_paragraph_names_the_kind(catalog: Catalog) -> None:
    rows = report(codes="No deficient areas")
    rows.insert(-3, rows_from_text("Codes refer to the Airman Certification Standards (ACS).")[0])
    result = parse_rows(rows, catalog)
    assert result.codes == [] and result.review is False


def test_a_stated_absence_of_score_is_no_doubt(catalog: Catalog) -> None:
    result = parse_rows(report(score="Not reported"), catalog)
    assert result.score is None
    assert not any(r.startswith("field_missing") for r in result.review_reasons)


def test_an_exam_id_under_an_unreadable_label_is_the_one_long_number(catalog: Catalog) -> None:
    rows = report()
    rows[3] = rows_from_text("EXAM E: 123456789012345678")[0]  # the label misread past knowing
    result = parse_rows(rows, catalog)
    assert result.exam_id == "123456789012345678"
    # Two long numbers and no label to tell them apart: neither is taken.
    rows.insert(4, rows_from_text("XQZ: 998877665544332211")[0])
    assert parse_rows(rows, catalog).exam_id is None


def test_a_percentage_asked_by_a_grade_label_is_the_score() -> None:
    assert labels.vocabulary().classify("Result (8)") == ("score", 0.95)  # OCR read the % sign as 8
    assert values("RESULT: 90\nSTATUS: PASS") == {"score": "90", "grade": "PASS"}
    assert values("RESULT: PASS\nSCORE: 88") == {"score": "88", "grade": "PASS"}


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("SCORE ACHTEVRD", "score"),  # two slips in the long word, none in the short one
        ("Pet Correct", "score"),  # a short word one slip from PCT (and from PLT: both say score)
        ("FIN NUMBER", "ftn"),
        ("correct", "score"),  # the % sign of ``% correct`` lost
        ("Number correct", labels.IGNORED),  # a count, not a percentage
    ],
)
def test_labels_read_with_slips(label: str, field: str) -> None:
    found = labels.vocabulary().classify(label)
    assert found is not None and found[0] == field


def test_a_short_word_slips_only_beside_words_read_exactly() -> None:
    vocabulary = labels.vocabulary()
    assert vocabulary.classify("PLT codes") is None  # no PCT: PLT is a word of its own
    assert vocabulary.classify("Fin") is None  # alone, a short word is never guessed


def test_a_word_garbled_past_knowing_is_forgiven_only_before_a_colon() -> None:
    vocabulary = labels.vocabulary()
    assert vocabulary.classify("Attempt munber", colon=True) == ("take", 0.65)
    assert vocabulary.classify("Attempt munber") is None
    assert vocabulary.classify("Attempt munber zorbax", colon=True) is None  # one word at most
    assert values("Attempt munber:\n2") == {"take": "2"}


def _row(y: float, *cells: tuple[str, float]) -> Row:
    segments = [Segment(text, x, y, x + 6.0 * len(text), y + 10) for text, x in cells]
    return Row("   ".join(t for t, _ in cells), 0, y, y + 10, 1.0, segments)


def test_a_label_garbled_beside_a_colon_label_leaves_the_value_below() -> None:
    # ``SCORE ACHIEVED:   PASS / FAIL`` with both values below, the second label misread.
    rows = [
        _row(0, ("SCORE ACHIEVED:", 200), ("PASS / PAILS", 680)),
        _row(24, ("95", 200), ("SATISFACTORY", 690)),
    ]
    found, used = H.read_header(rows, H.find_labels(rows))
    assert found["score"].text == "95" and found["score"].placement == "below"
    assert used == {0, 1}


def test_a_title_in_a_cell_and_a_grade_word_alone_need_no_label(catalog: Catalog) -> None:
    rows = report()
    # Both labels misread past knowing; the values still say what they are.
    rows[4] = rows_from_text("XM TAKEN: 1131932293931251   Aviation Mechanic General (AMG)")[0]
    rows[8] = rows_from_text("PASS / PAILS:   SATISFACTORY")[0]
    result = parse_rows(rows, catalog)
    assert (result.exam_code, result.exam_title) == ("AMG", "Aviation Mechanic General (AMG)")
    assert result.grade == "PASS"


def test_two_grade_words_alone_leave_the_grade_unknown(catalog: Catalog) -> None:
    rows = report()
    rows[8] = rows_from_text("PASS / PAILS:   SATISFACTORY   FAIL")[0]
    assert parse_rows(rows, catalog).grade is None


def test_a_code_ambiguous_between_two_sub_letters_is_settled_by_its_printed_description(
    catalog: Catalog,
) -> None:
    rows = report().copy()
    at = next(i for i, r in enumerate(rows) if r.text.startswith("1. PA.I.C.K2a"))
    # ``K3I``: the glyph of both ``K3i`` and ``K3l``; the description says which.
    rows[at : at + 2] = [
        _row(400, ("PA.I.C.K3I", 100), ("Obstructions to visibility (e.g., smoke, haze..", 260)),
        _row(420, ("PA.III.B.R1", 100), ("Collision hazards", 260)),
    ]
    assert "PA.I.C.K3l" in parse_rows(rows, catalog, path="ocr").codes
    rows[at] = _row(400, ("PA.I.C.K3I", 100), ("Something else entirely, not a description", 260))
    result = parse_rows(rows, catalog, path="ocr")
    assert not {"PA.I.C.K3l", "PA.I.C.K3i"} & set(result.codes)
    assert "code_unresolved" in result.review_reasons


def test_a_full_stop_or_a_dash_run_into_a_number_ends_a_label() -> None:
    assert values("Take number.5") == {"take": "5"}
    assert values("TAKE-1") == {"take": "1"}
    assert values("TAKE#-1") == {"take": "1"}
    assert values("App. ID.611400248") == {"applicant_id": "611400248"}  # past an abbreviation's stop
    assert values("Test No.123456789012") == {"exam_id": "123456789012"}


def test_a_report_whose_labels_are_garbled_past_reading_is_read_for_review(catalog: Catalog) -> None:
    page = [
        "Official Score Report",
        "Instrument Rating Airplane (IRA)",
        "FIA THACKING",
        "DUNN, CHRISTOPHER   AZJVDDHY",
        "RCAMCNATION 2D   .OF KXAN",
        "11057634754798359   17 August 2020",
        "Deficiencies are reported by Airman Certification Standards code.",
        "DO NOT LOSE THIS REPORT",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert (result.exam_code, result.exam_id) == ("IRA", "11057634754798359")
    # The name keeps the shape of one (``LAST, FIRST``) where its label was lost: read, and checked.
    assert result.applicant_name == "DUNN, CHRISTOPHER"
    assert result.review is True and "field_inferred:applicant_name" in result.review_reasons
    # Without a known test's title, the report's wording alone is not enough.
    with pytest.raises(ExtractionError) as err:
        parse_rows(rows_from_text("\n".join(p for p in page if "(IRA)" not in p)), catalog, path="ocr")
    assert err.value.code == "not_an_aktr"


def test_a_known_title_and_four_labelled_fields_are_a_report_without_its_wording(catalog: Catalog) -> None:
    # A blurred photo of a template that prints no report wording: the heading is no marker, the
    # exam and date labels are garbled past reading, the codes lost their dots.
    page = [
        "Test Results Summary",
        "Exam.   Cammercial Pilat Airplume (CAX)",
        "Duetime.   09-07-2N9",
        "Testing center   XU232649",
        "Examinee.   OBRIEN, ALEXANDRA",
        "Test score (%):   90",
        "Sitting.   2",
        "CAIV.BK3",
        "** END OF REPORT **",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert (result.exam_code, result.score, result.take, result.exam_site) == ("CAX", 90, 2, "XU232649")
    assert result.review is True and "field_missing:exam_date" in result.review_reasons
    # Three labelled fields (the exam's among them), or four without a known test's title, are
    # no report.
    for kept in (
        [line for line in page if not line.startswith(("Sitting", "Testing"))],
        [line for line in page if "(CAX)" not in line],
    ):
        with pytest.raises(ExtractionError) as err:
            parse_rows(rows_from_text("\n".join(kept)), catalog, path="ocr")
        assert err.value.code == "not_an_aktr"


def test_a_name_parted_at_its_comma_below_its_label_is_read_whole() -> None:
    rows = [
        _row(0, ("APP.'S NAME", 140), ("FAA TRACKING NO.", 836)),
        _row(24, ("LINDQVIST,", 142), ("EMILY K", 330), ("AW31N5PX", 838)),
    ]
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert found["applicant_name"].text == "LINDQVIST, EMILY K"
    assert found["ftn"].text == "AW31N5PX"


def test_two_labels_of_one_field_with_different_values_are_a_doubt(catalog: Catalog) -> None:
    rows = report()
    # ``EXPIR. DT`` read with the abbreviation lost: a date label beside another date.
    rows.insert(6, rows_from_text("DT   11/30/2026")[0])
    result = parse_rows(rows, catalog, path="ocr")
    assert "field_conflict:exam_date" in result.review_reasons and result.review
    # The same date printed twice, in two spellings, is no conflict.
    rows[6] = rows_from_text("Exam Date: 2026-03-14")[0]
    assert not any(r.startswith("field_conflict") for r in parse_rows(rows, catalog).review_reasons)


def test_a_colon_label_whose_text_runs_into_the_next_labels_takes_the_value_below() -> None:
    # ``Candidate:   Examinee ID`` read as ``Candida: e   Examiner 13``: the names stand below.
    rows = [
        _row(0, ("Candida: e", 100), ("Examiner 13", 600)),
        _row(24, ("HERNANDEZ-LOPEZ, KENJI P", 100), ("T10909489", 600)),
    ]
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert found["applicant_name"].text == "HERNANDEZ-LOPEZ, KENJI P"
    assert not H.VALIDATORS["applicant_name"]("Examiner 13")  # a number alone is no part of a name


def test_a_heading_title_whose_code_has_a_lower_case_l_for_an_i_is_the_title(catalog: Catalog) -> None:
    rows = [r for r in report() if not r.text.startswith("Test Taken")]
    rows.insert(1, rows_from_text("Ground Instructor Basic (BGl)")[0])
    result = parse_rows(rows, catalog, path="ocr")
    assert (result.exam_code, result.exam_title) == ("BGI", "Ground Instructor Basic (BGI)")


def test_running_text_beside_a_word_that_names_a_field_is_no_value() -> None:
    assert "exam_title" not in values("test.   w are the ACS codes associated with the questions yo")
    assert values("EXAM: Private Pilot")["exam_title"] == "Private Pilot"  # a colon still vouches


def test_a_lone_letter_closing_a_colon_label_is_a_misread_mark() -> None:
    # ``TAKE #:`` with its mark read as a letter, the value below it.
    assert values("TAKE S:\n3") == {"take": "3"}


def test_a_value_beside_its_label_before_another_label_is_not_traded_for_text_below() -> None:
    got = values(
        "TEST SITE ID.   JAN54080   VALID UNTIL.   2027/01/31\nPA.V.A.K2b   PA.X.C.S3\n*** END OF REPORT ***"
    )
    assert got["exam_site"].split()[0] == "JAN54080"


def test_codes_joined_by_a_dash_are_split_and_a_join_no_split_finds_is_a_doubt(catalog: Catalog) -> None:
    result = parse_rows(report(codes="PA.I.C.K2a-PA.III.B.R1"), catalog, path="ocr")
    assert result.codes == ["PA.I.C.K2a", "PA.III.B.R1"]
    # Joined by a mark no rule splits at, the codes are not lost silently: review says so.
    result = parse_rows(report(codes="PA.I.C.K2a   PA.I.C.K3l~PA.III.B.R1"), catalog, path="ocr")
    assert "code_unread" in result.review_reasons and result.review


def test_a_label_cell_beside_its_value_after_a_paragraph_line_is_a_label(catalog: Catalog) -> None:
    # A tilted photo sorts the row between two lines of the paragraph above the codes.
    rows = report()
    rows[9:10] = rows_from_text(
        "The Airman Certification Standards (ACS) codes listed below identify the knowledge areas\nTRY   1"
    )
    assert parse_rows(rows, catalog, path="ocr").take == 1


def test_a_label_cells_neighbour_made_of_label_words_is_a_label_and_the_values_stand_below() -> None:
    # ``APPL.'S NAME   TRACKING NO.`` with the second label misread past knowing.
    rows = [
        _row(0, ("APPL.'S NAME", 100), ("TRACKING sO.", 600)),
        _row(24, ("WU, DMITRI HANNAH", 100), ("AHLC6Y6M", 600)),
    ]
    found, _ = H.read_header(rows, H.find_labels(rows))
    assert found["applicant_name"].text == "WU, DMITRI HANNAH"
    assert labels.vocabulary().labelish("TRACKING sO.") and not labels.vocabulary().labelish("WU, DMITRI")


@pytest.mark.parametrize("row", ["SCORE (PERCENT).92", "SCORE(PERCENT). 92", "SCORE (%)-92"])
def test_a_full_stop_or_dash_after_a_labels_unit_ends_the_label(row: str) -> None:
    assert values(row) == {"score": "92"}


def test_a_percent_sign_closing_a_label_read_as_8_still_closes_it() -> None:
    assert values("Score 8. 798\nResult Status. PASS") == {"score": "798", "grade": "PASS"}
    assert values("Section 8. 798") == {}  # no label for all that


def test_a_number_sign_run_into_its_number_closes_the_label() -> None:
    assert values("TAKE#2\nSTATUS UNSAT") == {"take": "2", "grade": "UNSAT"}
