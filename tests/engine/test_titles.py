"""The exam's title as OCR garbles it: snapped to a known wording of its test code when what was
read can only be that title, kept as read (and doubted) when it could be another."""

from __future__ import annotations

import pytest

from extraction.engine import Catalog, extract_document
from extraction.engine.titles import clean_title
from tests.engine.test_ocr_path import FOOTER, HEADER, FakePage, fake_ocr, page_of, png_bytes

__all__ = ["fake_ocr"]  # the fixture, imported for the tests below


def test_one_word_of_a_known_title_read_in_the_wrong_case_is_snapped() -> None:
    assert clean_title("Private Pilot airplane (PAR)")[0] == "Private Pilot Airplane (PAR)"
    assert clean_title("Private pilot airplane (PAR)")[0] == "Private pilot airplane (PAR)"  # sentence case
    assert clean_title("Private Pilot airplane (PAR)", ocr=False)[0] == "Private Pilot airplane (PAR)"


def test_a_misread_test_code_is_given_back_by_the_nearest_wording_of_its_title() -> None:
    title, code, conf = clean_title("Military Competency Instructor (MCL)")
    assert (title, code) == ("Military Competency Instructor (MCI)", "MCI") and conf < 0.9
    assert clean_title("Military Competence Instructor (MCI)")[0] == "Military Competence Instructor (MCI)"


@pytest.mark.parametrize(
    ("read", "title"),
    [
        # the words kept and their lengths, more letters lost in words no title has
        ('Inatment natin "alicopter (IRH)', "Instrument Rating Helicopter (IRH)"),
        ("Fli~ht Fn~inoor Pasic (FEX)", "Flight Engineer Basic (FEX)"),
        # the known title's last words read whole, the words before them garbled
        ("piiah aacor Powered-Lift (FIP)", "Flight Instructor Powered-Lift (FIP)"),
        # the start of the line lost, the end misread by a letter
        ("D plane (CAX)", "Commercial Pilot Airplane (CAX)"),
        ("ulicopter (IRH)", "Instrument Rating Helicopter (IRH)"),
    ],
)
def test_a_title_garbled_beside_its_test_code_read_whole_is_snapped(read: str, title: str) -> None:
    assert clean_title(read)[0] == title


@pytest.mark.parametrize(
    "read",
    [
        "Commercial Pilot Airplane (PAR)",  # another test's words: kept, the code is doubted
        "Pilot (PAR)",  # one word that ends no known title of PAR
        'Inatment natin "alicopter (IRH',  # the code's parenthesis lost: nothing vouches
    ],
)
def test_a_title_that_may_be_another_is_kept_as_read(read: str) -> None:
    title, _, conf = clean_title(read)
    assert title is not None and title.startswith(read.split(" (")[0]) and conf <= 0.8


def test_a_heading_garbled_into_marks_is_still_the_title(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    lines = [line for line in HEADER if not line.startswith("EXAM:")]
    lines.insert(3, "Fli~ht Fn~inoor Pasic (FEX)")
    fake_ocr.append(page_of([*lines, "PLT001   PLT020", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert (result.exam_title, result.exam_code) == ("Flight Engineer Basic (FEX)", "FEX")


@pytest.mark.parametrize(
    ("read", "title"),
    [
        ("Unmanned Aircraft General   Smal1   (UAG)", "Unmanned Aircraft General - Small (UAG)"),
        ("UNMANNED AIRCRAFT GENERAL   SMALL (UAG)", "UNMANNED AIRCRAFT GENERAL - SMALL (UAG)"),
        ("Unmanned Aircraft General Small (UAG)", "Unmanned Aircraft General Small (UAG)"),  # a wording
    ],
)
def test_a_dash_lost_in_a_wide_gap_of_a_known_title_is_given_back(read: str, title: str) -> None:
    assert clean_title(read)[0] == title
    assert clean_title(read, ocr=False)[0] != "Unmanned Aircraft General - Small (UAG)"


@pytest.mark.parametrize("code", ["(A DX)", "(AD X)", "( ADX )"])
def test_a_blank_inside_the_test_code_is_taken_out(code: str) -> None:
    assert clean_title(f"Aircraft Dispatcher {code}")[:2] == ("Aircraft Dispatcher (ADX)", "ADX")


def test_a_heading_whose_test_code_was_read_with_a_blank_is_the_title(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    lines = [line for line in HEADER if not line.startswith("EXAM:")]
    lines.insert(3, "Aircraft Dispatcher (A DX)")
    fake_ocr.append(page_of([*lines, "PLT001   PLT020", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert (result.exam_title, result.exam_code) == ("Aircraft Dispatcher (ADX)", "ADX")


@pytest.mark.parametrize(
    ("heading", "doubted"), [("ne (PAR)", True), ("Private Pilot Airplane (PAR)", False)]
)
def test_a_title_with_no_word_of_its_tests_title_is_doubted(
    fake_ocr: list[FakePage], catalog: Catalog, heading: str, doubted: bool
) -> None:
    # The start of the line lost: what is left of Airplane, beside the code read whole.
    lines = [line for line in HEADER if not line.startswith("EXAM:")]
    lines.insert(3, heading)
    fake_ocr.append(page_of([*lines, "PA.I.A.K1", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.exam_code == "PAR"
    assert ("field_doubtful:exam_title" in result.review_reasons) is doubted
