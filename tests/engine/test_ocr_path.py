"""The OCR path with a stand-in recognizer: the parser against the OCR module's contract.

``recognize_image`` returns lines (text, confidence, box) in reading order, a row's segments
joined by three spaces. These tests feed typical misreadings and check what the engine makes
of them, without running the OCR models.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fpdf import FPDF
from PIL import Image

from extraction.engine import Catalog, ExtractionError, extract_document
from extraction.engine import ocr as ocr_module
from extraction.engine.review import calibration
from tests.engine.ocr_stand_in import FakeLine, FakePage

HEADER = [
    "U.S. DEPARTMENT OF TRANSPORTATION",
    "FEDERAL AVIATION ADMINISTRATION",
    "AIRMAN KNOWLEDGE TEST REPORT",
    "NAME:   OKAFOR, WEI",
    "FTN:   A7G4U8O9",
    "EXAM ID:   382979085847321363",
    "EXAM:   Private Pilot Airplane (PAR)",
    "EXAM DATE:   02/17/2022",
    "EXAM SITE:   KD60122",
    "SCORE:   90%",
    "GRADE:   PASS",
    "TAKE:   1",
    "The Airman Certification Standards (ACs) codes listed below identify the knowledge areas or",
    "elements in which you answered at least one question incorrectly. A single code may represent",
    "more than one incorrect response. Refer to the ACS publication for the code's meaning.",
]
FOOTER = [
    "EXPIRATION DATE: 02/29/2024",
    "DO NOT LOSE THIS REPORT",
    "AUTHORIZED INSTRUCTOR'S STATEMENT: (if applicable)",
    "On   (date) I gave the above named applicant   hours of additional instruction,",
    "Last name   First name   MI   Cert. No.   Type of Instructor Cert.",
]


def header_titled(title: str) -> list[str]:
    """The stand-in header with another exam's title."""
    return [line.replace("Private Pilot Airplane (PAR)", title) for line in HEADER]


def page_of(lines: list[str], confidence: float = 0.97) -> FakePage:
    return FakePage(
        [FakeLine(t, confidence, (100.0, 50.0 * i, 1500.0, 50.0 * i + 40)) for i, t in enumerate(lines)]
    )


@pytest.fixture
def fake_ocr(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[FakePage]]:
    """Pages the stand-in recognizer returns, one per call, in order."""
    pages: list[FakePage] = []
    calls = iter(range(100))

    def recognize(image: Image.Image) -> FakePage:
        return pages[next(calls)]

    monkeypatch.setattr(ocr_module, "recognize_image", recognize)
    yield pages


def png_bytes(size: tuple[int, int] = (850, 1100)) -> bytes:
    buf = io.BytesIO()
    Image.new("L", size, 255).save(buf, format="PNG")
    return buf.getvalue()


def jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (850, 1100), (250, 250, 250)).save(buf, format="JPEG")
    return buf.getvalue()


def scan_pdf(pages: int = 1) -> bytes:
    pdf = FPDF(unit="pt", format="letter")
    img = Image.new("L", (850, 1100), 255)
    for _ in range(pages):
        pdf.add_page()
        pdf.image(img, x=0, y=0, w=612, h=792)
    return bytes(pdf.output())


def test_clean_ocr_of_a_png(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    fake_ocr.append(page_of([*HEADER, "PA.I.C.K2a   PA.III.B.R1   PA.IX.A.K3", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.path == "ocr"
    assert result.source_format == "image"
    assert result.applicant_name == "OKAFOR, WEI"
    assert result.ftn == "A7G4U809"  # FTNs have no letter O
    assert result.exam_code == "PAR"
    assert result.exam_title == "Private Pilot Airplane (PAR)"
    assert result.exam_date == "2022-02-17"
    assert result.expiration_date == "2024-02-29"
    assert (result.score, result.grade, result.take) == (90, "PASS", 1)
    assert result.codes == ["PA.I.C.K2a", "PA.III.B.R1", "PA.IX.A.K3"]
    assert result.code_kind == "acs"
    assert 0.5 < result.confidence < 1.0


@pytest.mark.parametrize(
    ("seen", "code"),
    [
        ("PA.1.C.K2a", "PA.I.C.K2a"),  # roman numeral read as a digit
        ("PA.l.C.K2a", "PA.I.C.K2a"),
        ("PA.|.C.K2a", "PA.I.C.K2a"),
        ("PA.II1I.B.R1", "PA.III.B.R1"),  # stroke doubled
        ("PA.IIIB.R1", "PA.III.B.R1"),  # lost dot
        ("PA..III.B.R1", "PA.III.B.R1"),  # doubled dot
        ("PA,III.B.R1", "PA.III.B.R1"),  # comma for a dot
        ("PA.III.B.R1,", "PA.III.B.R1"),  # comma glued to the code
        ("PA.I.B.KIa", "PA.I.B.K1a"),  # K1 read as KI
        ("PA.I.B.Kla", "PA.I.B.K1a"),
        ("PA.XI.A.K1", "PA.XI.A.K1"),
        ("PA.I.D.KS", "PA.I.D.K5"),  # S for 5
        ("PA.VI.A.SS", "PA.VI.A.S5"),
        ("PA.VI.A.81", "PA.VI.A.S1"),  # a blurred S closed into an 8
        ("PA.I.G.K11", "PA.I.G.K1l"),  # sub-letter l read as a one
        ("PA. I. C. K2a", "PA.I.C.K2a"),  # spaces after dots
        ("PA.I.C.K2A", "PA.I.C.K2a"),  # capital sub-letter
    ],
)
def test_confusions_are_corrected_against_the_catalogue(
    seen: str, code: str, fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    assert code in catalog
    fake_ocr.append(page_of([*HEADER, seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == [code]
    assert result.unresolved == []
    assert result.codes_detail[0].raw.replace(" ", "") in {seen.replace(" ", "").rstrip(","), seen}


def test_unreadable_token_is_kept_raw_not_guessed(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    fake_ocr.append(page_of([*HEADER, "PA.I.C.K2a   PA.Q.Z.K77", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.C.K2a"]
    assert [u.raw for u in result.unresolved] == ["PA.Q.Z.K77"]
    # The doubt shows: the result goes to review, and its confidence is under the review line.
    assert result.review and "code_unresolved" in result.review_reasons
    assert result.confidence < calibration().review_below
    assert result.field_confidence["codes"] <= 0.4


def test_ambiguous_token_goes_to_unresolved_with_candidates(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    # "PA.I.C.K2?" : a lost sub-letter cannot be told apart from its siblings.
    fake_ocr.append(page_of([*HEADER, "PA.I.C.K2%", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == []
    assert len(result.unresolved) == 1
    assert len(result.unresolved[0].candidates) >= 2
    assert all(c in catalog for c in result.unresolved[0].candidates)


def test_ocr_codes_are_always_catalogue_codes(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    # Grammatical but absent from the catalogue: never emitted as a code on the OCR path.
    fake_ocr.append(page_of([*HEADER, "PA.XIV.Z.K99   PA.I.C.K2a", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.C.K2a"]
    assert all(c in catalog for c in result.codes)
    assert [u.raw for u in result.unresolved] == ["PA.XIV.Z.K99"]


def test_colons_lost_and_full_width_punctuation(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    header = [
        line.replace(":", "") if line.startswith(("NAME", "EXAM ID", "GRADE")) else line for line in HEADER
    ]
    header[3] = "NAME   OKAFOR\uff0cWEI   FTN\uff1aA7G4U809"  # full-width comma and colon
    del header[4]
    fake_ocr.append(page_of([*header, "PA.I.C.K2a", *FOOTER]))
    result = extract_document(jpeg_bytes(), catalog)
    assert result.applicant_name == "OKAFOR, WEI"
    assert result.ftn == "A7G4U809"
    assert result.exam_id == "382979085847321363"
    assert result.grade == "PASS"


def test_digit_slips_in_numbers_and_dates(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    header = list(HEADER)
    header[5] = "EXAM ID:   3829790858473213G3"
    header[7] = "EXAM DATE:   O2/l7/2022"
    header[9] = "SCORE:   9O%"
    fake_ocr.append(page_of([*header, "PA.I.C.K2a", "EXPIRATION DATE: 02/28/2024", *FOOTER[1:]]))
    result = extract_document(png_bytes(), catalog)
    assert result.exam_id == "382979085847321363"
    assert result.exam_date == "2022-02-17"
    assert result.score == 90
    # The expiration day is always the month's last: a misread day is repaired.
    assert result.expiration_date == "2024-02-29"


def test_title_snaps_to_a_known_title(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    header = list(HEADER)
    header[6] = "EXAM:   Prlvate Pilot Airpiane (PAR)"
    fake_ocr.append(page_of([*header, "PA.I.C.K2a", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.exam_title == "Private Pilot Airplane (PAR)"


def test_plt_codes_with_confusions(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    header = [h.replace("FTN:   A7G4U8O9", "APPLICANT ID:   367233708") for h in HEADER[:12]]
    paragraph = "The learning statement codes listed below identify subject areas in which questions were"
    fake_ocr.append(page_of([*header, paragraph, "PLT087, PLTl61, PLT3I5", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.code_kind == "plt"
    assert result.applicant_id == "367233708"
    assert result.ftn is None
    assert result.codes == ["PLT087", "PLT161", "PLT315"]


def test_scan_pdf_pages_go_through_ocr(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    fake_ocr.append(page_of([*HEADER, "PA.I.C.K2a"]))
    fake_ocr.append(page_of(["PA.III.B.R1", *FOOTER]))
    result = extract_document(scan_pdf(pages=2), catalog)
    assert result.source_format == "pdf_scan"
    assert result.path == "ocr"
    assert result.pages == 2
    assert result.codes == ["PA.I.C.K2a", "PA.III.B.R1"]


def test_trailing_scan_page_after_the_report_end_is_not_read(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    fake_ocr.append(page_of([*HEADER, "PA.I.C.K2a", *FOOTER]))
    result = extract_document(scan_pdf(pages=2), catalog)  # a second OCR call would fail: no page queued
    assert result.codes == ["PA.I.C.K2a"]
    assert result.pages == 2


def test_image_without_text_is_not_an_aktr(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    fake_ocr.append(FakePage())
    with pytest.raises(ExtractionError) as err:
        extract_document(png_bytes(), catalog)
    assert err.value.code == "not_an_aktr"


def test_stacked_label_above_value(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    lines = ["AIRMAN KNOWLEDGE TEST REPORT", "APPLICANT NAME", "DOE, JANE Q", "TEST DATE", "April 03, 2026"]
    lines += ["EXAM:   Private Pilot Airplane (PAR)", "EXAM ID:   123456789012345678", "GRADE:   FAIL"]
    fake_ocr.append(page_of([*lines, "PA.I.C.K2a", *FOOTER[1:]]))
    result = extract_document(png_bytes(), catalog)
    assert result.applicant_name == "DOE, JANE Q"
    assert result.exam_date == "2026-04-03"
    assert result.codes == ["PA.I.C.K2a"]


def test_second_look_recovers_a_value_the_page_ocr_dropped(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    page = page_of([*HEADER, "PA.I.C.K2a", *FOOTER])
    take = next(i for i, line in enumerate(page.lines) if line.text.startswith("TAKE"))
    page.lines[take] = FakeLine("TAKE:", 0.99, (100.0, 50.0 * take, 200.0, 50.0 * take + 40))
    fake_ocr.append(page)
    # The band of the label and the row above, read again: the label tells which line holds it.
    band = [FakeLine("GRADE:   PASS", 0.99, (40.0, 40.0, 500.0, 90.0))]
    band.append(FakeLine("TAKE:   2", 0.98, (40.0, 130.0, 480.0, 170.0)))
    fake_ocr.append(FakePage(band))
    result = extract_document(png_bytes(), catalog)
    assert result.take == 2
    assert result.field_confidence["take"] < 0.95


def test_second_look_falls_back_to_the_strip_right_of_the_label(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    page = page_of([*HEADER, "PA.I.C.K2a", *FOOTER])
    take = next(i for i, line in enumerate(page.lines) if line.text.startswith("TAKE"))
    page.lines[take] = FakeLine("TAKE:", 0.99, (100.0, 50.0 * take, 200.0, 50.0 * take + 40))
    fake_ocr.append(page)
    fake_ocr.append(FakePage([FakeLine("GRADE:   PASS", 0.99, (40.0, 40.0, 500.0, 90.0))]))  # band: no value
    fake_ocr.append(FakePage([FakeLine("2", 0.98, (10.0, 180.0, 40.0, 220.0))]))  # the enlarged strip
    result = extract_document(png_bytes(), catalog)
    assert result.take == 2


def test_label_above_its_value_needs_no_second_look(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    lines = ["AIRMAN KNOWLEDGE TEST REPORT", "APPLICANT NAME", "DOE, JANE Q", "EXAM DATE:   04/03/2026"]
    lines += ["EXAM:   Private Pilot Airplane (PAR)", "EXAM ID:   123456789012345678", "GRADE:   FAIL"]
    page = page_of([*lines, "PA.I.C.K2a", *FOOTER[1:]])
    page.lines[1] = FakeLine("APPLICANT NAME", 0.99, (100.0, 50.0, 300.0, 90.0))
    fake_ocr.append(page)  # no second look: the row below the label holds its value
    result = extract_document(png_bytes(), catalog)
    assert result.applicant_name == "DOE, JANE Q"


def test_boxes_the_detector_cut_from_one_phrase_are_joined() -> None:
    from extraction.engine.pipeline import joined_pieces

    pieces = (("EXPIR.", 141.0, 271.0, 1.0), ("DT", 265.0, 332.0, 0.98), ("11-30-2026", 360.0, 566.0, 1.0))
    assert joined_pieces(pieces, 36.0) == (
        ("EXPIR. DT", 141.0, 332.0, 0.98),
        ("11-30-2026", 360.0, 566.0, 1.0),
    )
    # Columns stand apart: nothing joined.
    columns = (("SCORE", 100.0, 300.0, 1.0), ("GRADE", 700.0, 900.0, 1.0))
    assert joined_pieces(columns, 36.0) == columns


def test_lines_keep_the_order_the_ocr_read_them_in_on_a_tilted_page(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    # On a page tilted down to the right, the wide row of values under SCORE spans lower
    # boxes than the short label printed after it: its upright box's centre is the lower.
    lines = [
        "AIRMAN KNOWLEDGE TEST REPORT",
        "EXAM:   Private Pilot Airplane (PAR)",
        "EXAM DATE:   04/03/2026",
    ]
    page = page_of([*lines, "SCORE:   GRADE:", "82   PASS", "TAKE:", "3", "PA.I.C.K2a", *FOOTER[1:]])
    page.lines[4].box = (100.0, 190.0, 1500.0, 300.0)  # "82   PASS", tilted: 245 at its centre
    page.lines[5].box = (100.0, 230.0, 400.0, 250.0)  # "TAKE:", short: 240 at its centre
    fake_ocr.append(page)
    result = extract_document(png_bytes(), catalog)
    assert (result.score, result.grade, result.take) == (82, "PASS", 3)
