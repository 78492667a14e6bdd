"""OCR slips that the catalogue alone cannot catch, repaired from what else the report says.

Found by running generated image variants (``variant_sweep.py``) through the real OCR; here
the recognizer is a stand-in that returns the slip, so the repair is tested without models.
"""

from __future__ import annotations

import pytest

from extraction.engine import Catalog, ExtractionError, extract_document
from tests.engine.test_ocr_path import FOOTER, HEADER, FakePage, fake_ocr, header_titled, page_of, png_bytes

__all__ = ["fake_ocr"]  # the fixture, imported for the tests below

SORTED_AM = ["AM.II.L.S7", "AM.II.M.R1", "AM.III.A.K7", "AM.III.F.K9", "AM.III.I.K4", "AM.III.K.R2"]


def test_valid_code_read_out_of_print_order_is_repaired(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    # AM.III.I.K4 read as AM.II.I.K4: also a catalogue code, but out of place in the sorted list.
    seen = [c.replace("AM.III.I.K4", "AM.II.I.K4") for c in SORTED_AM]
    fake_ocr.append(page_of([*header_titled("Aviation Mechanic Airframe (AMA)"), *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == sorted(SORTED_AM)
    detail = {d.code: d for d in result.codes_detail}
    assert detail["AM.III.I.K4"].raw == "AM.II.I.K4"
    assert detail["AM.III.I.K4"].confidence < detail["AM.III.K.R2"].confidence
    assert result.unresolved == []


def test_grid_rows_are_read_in_print_order(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    seen = ["AM.II.L.S7   AM.II.M.R1   AM.III.A.K7", "AM.III.F.K9   AM.II.I.K4   AM.III.K.R2"]
    fake_ocr.append(page_of([*header_titled("Aviation Mechanic Airframe (AMA)"), *seen, *FOOTER]))
    assert extract_document(png_bytes(), catalog).codes == sorted(SORTED_AM)


def test_ambiguous_reading_is_settled_by_its_neighbours(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    # "K2?" alone could be K2a, K2b, K2c ...; between K2a and K2c only K2b fits.
    codes = ["PA.I.B.K1", "PA.I.C.K2a", "PA.I.C.K2%", "PA.I.C.K2c", "PA.III.B.R1"]
    fake_ocr.append(page_of([*HEADER, *codes, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.I.C.K2a", "PA.I.C.K2b", "PA.I.C.K2c", "PA.III.B.R1"]
    assert result.unresolved == []


def test_codes_printed_in_no_order_are_taken_as_read(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    codes = ["PA.IX.A.K3", "PA.II.A.K1", "PA.I.C.K2a", "PA.IV.A.K1", "PA.II.B.R1", "PA.I.A.K1"]
    fake_ocr.append(page_of([*HEADER, *codes, *FOOTER]))
    assert extract_document(png_bytes(), catalog).codes == sorted(codes)


def test_text_layer_codes_are_never_reordered(catalog: Catalog) -> None:
    from tests.engine.generator.documents import aktr, aktr_pdf

    codes = ["AM.II.L.S7", "AM.II.M.R1", "AM.III.A.K7", "AM.III.F.K9", "AM.II.I.K4", "AM.III.K.R2"]
    report = aktr(title="Aviation Mechanic Airframe", exam_code="AMA", codes=codes)
    result = extract_document(aktr_pdf(report), catalog)
    assert result.codes == sorted(codes)


def test_page_read_upside_down_is_read_again_turned(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    # An orientation vote gone wrong turns an upright page into glyph soup, reversed.
    soup = ["Suure", "DO E   OR", "X//0 :029", "GRAE ADS", "Airn  rn Rort", "U.SPPI DI DIDION"]
    fake_ocr.append(page_of(soup, confidence=0.65))
    fake_ocr.append(page_of([*HEADER, "PA.I.C.K2a", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.C.K2a"]
    assert result.applicant_name == "OKAFOR, WEI"


def test_a_page_that_is_no_report_either_way_is_refused(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    from extraction.engine import ExtractionError

    fake_ocr.append(page_of(["Quarterly maintenance invoice", "Fuel: 340 gallons"]))
    fake_ocr.append(page_of(["eciovni ecnanetniam ylretrauQ"]))
    with pytest.raises(ExtractionError) as err:
        extract_document(png_bytes(), catalog)
    assert err.value.code == "not_an_aktr"


@pytest.mark.parametrize(
    "wording",
    [
        "The codes below refer to the FAA Leaming Statement Reference Guide.",  # rn read as m
        "Airman Computer Testing - Results",
    ],
)
def test_a_report_with_three_core_labels_is_known_by_its_wording(
    fake_ocr: list[FakePage], catalog: Catalog, wording: str
) -> None:
    lines = [
        "Military Competency Instructor (MCI)",
        "NAME:   ST. JAMES, CHRISTOPHER",
        "EXAM ID:   29227105099735904265",
        "GRADE:   FAIL",
        wording,
        "PLT132   PLT319",
    ]
    fake_ocr.append(page_of(lines))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PLT132", "PLT319"]
    fake_ocr.append(page_of([line for line in lines if line != wording]))
    fake_ocr.append(page_of([]))
    with pytest.raises(ExtractionError) as err:
        extract_document(png_bytes(), catalog)
    assert err.value.code == "not_an_aktr"


def test_unread_title_leaves_every_prefix_of_the_codes_in_play(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    # The title line is lost; the codes mix AI and FI (an FIA report) and one FI code is misread.
    header = [line for line in HEADER if not line.startswith("EXAM:")]
    codes = ["AI.II.A.K1", "AI.IX.F.R2", "AI.X.E.R7", "FI.I.A.K2b", "Fl.I.A.Rl"]
    fake_ocr.append(page_of([*header, *codes, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.exam_code is None
    assert result.codes == ["AI.II.A.K1", "AI.IX.F.R2", "AI.X.E.R7", "FI.I.A.K2b", "FI.I.A.R1"]
    assert all(c in catalog for c in result.codes)


@pytest.mark.parametrize(
    ("exam", "prefixes"),
    [
        ("PAR", {"PA"}), ("CAX", {"CA"}), ("IRA", {"IR"}), ("ATM", {"AA"}), ("ATS", {"AA"}),
        ("FOI", {"FI"}), ("FIA", {"AI", "FI"}), ("AFA", {"AI", "FI"}), ("PRH", {"PH"}),
        ("CRH", {"CH"}), ("IRH", {"IH"}), ("UAG", {"UA"}), ("AMA", {"AM"}), ("AMG", {"AM"}),
        ("AMP", {"AM"}), ("FRH", {"HI", "FI"}), ("FIH", {"HI", "FI"}), ("PPL", {"PL"}),
        ("CPL", {"CP"}), ("IPL", {"IP"}), ("APL", {"AP"}), ("MCN", {"MC"}),
    ],
)  # fmt: skip
def test_every_test_code_maps_to_its_acs_prefixes(exam: str, prefixes: set[str], catalog: Catalog) -> None:
    from extraction.engine.code_block import prefixes_of_exam
    from extraction.engine.types import ExtractionResult

    got = prefixes_of_exam(ExtractionResult(exam_code=exam), catalog)
    assert prefixes <= got  # the catalogue may add (FOI also appears in the AI and HI standards)


def test_reading_at_an_end_of_the_run_is_left_alone(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    # A grid cell the OCR put first (its row split by skew): out of order, but at the run's end
    # only one side bounds it, so AM.III.A.K7 is not turned into AM.II.A.K7.
    codes = ["AM.III.A.K7", "AM.II.L.S7", "AM.II.M.R1", "AM.III.F.K9", "AM.III.I.K4", "AM.III.K.R2"]
    fake_ocr.append(page_of([*header_titled("Aviation Mechanic Airframe (AMA)"), *codes, *FOOTER]))
    assert extract_document(png_bytes(), catalog).codes == sorted(codes)


def test_closing_codes_read_out_of_place_are_repaired(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    # The last two codes lost a stroke each (AM.III.M.* read as AM.II.M.*): after the run's
    # last code, the lower bound alone frames them.
    codes = ["AM.I.C.R3", "AM.I.D.S3", "AM.II.C.K3", "AM.II.J.S6", "AM.III.A.K6", "AM.III.B.K3"]
    codes += ["AM.III.H.S3", "AM.III.L.S2", "AM.III.M.S2"]
    seen = [*codes[:-1], "AM.II.M.S2, AM.II.M.S9"]
    fake_ocr.append(page_of([*header_titled("Aviation Mechanic Airframe (AMA)"), *seen, *FOOTER]))
    assert extract_document(png_bytes(), catalog).codes == sorted([*codes, "AM.III.M.S9"])


@pytest.mark.parametrize("label", ["FN", "ETN", "FTM", "FIN:"])
def test_ftn_under_a_misread_label_is_found(fake_ocr: list[FakePage], catalog: Catalog, label: str) -> None:
    header = [line.replace("FTN:", label) for line in HEADER]
    fake_ocr.append(page_of([*header, "PA.I.B.K1", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.ftn == "A7G4U8O9".replace("O", "0")
    assert result.codes == ["PA.I.B.K1"]


def test_misread_label_needs_an_ftn_shaped_value(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    header = [line.replace("FTN:   A7G4U8O9", "FN   7G4U8") for line in HEADER]
    fake_ocr.append(page_of([*header, "PA.I.B.K1", *FOOTER]))
    assert extract_document(png_bytes(), catalog).ftn is None


def test_capital_i_sub_letter_is_not_lowered_unseen(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    # "K3I": the glyph of K3l as much as a case slip of K3i; after K3i only K3l fits.
    codes = ["PA.I.B.K1", "PA.I.C.K3i", "PA.I.C.K3I", "PA.I.C.K4", "PA.III.B.R1"]
    fake_ocr.append(page_of([*HEADER, *codes, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.I.C.K3i", "PA.I.C.K3l", "PA.I.C.K4", "PA.III.B.R1"]
    assert result.unresolved == []


def test_capital_i_sub_letter_both_neighbours_allow_is_unresolved(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    codes = ["PA.I.B.K1", "PA.I.C.K3h", "PA.I.C.K3I", "PA.I.C.K4", "PA.III.B.R1"]
    fake_ocr.append(page_of([*HEADER, *codes, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.I.C.K3h", "PA.I.C.K4", "PA.III.B.R1"]
    assert [u.raw for u in result.unresolved] == ["PA.I.C.K3I"]
    assert {"PA.I.C.K3i", "PA.I.C.K3l"} <= set(result.unresolved[0].candidates)


def test_code_that_lost_its_inner_dots_is_read_beside_other_codes(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    seen = ["AM.II.L.S7   AMIIM.R1   AM.III.A.K7", "AM.III.F.K9   AM.III.I.K4   AM.III.K.R2"]
    fake_ocr.append(page_of([*header_titled("Aviation Mechanic Airframe (AMA)"), *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == sorted(SORTED_AM)
    assert {d.code: d.raw for d in result.codes_detail}["AM.II.M.R1"] == "AMIIM.R1"


def test_dotless_token_alone_is_no_code() -> None:
    from extraction.engine.code_block import code_row_tokens

    assert code_row_tokens("AM.II.L.S7   AMIIM.R1") == ["AM.II.L.S7", "AMIIM.R1"]
    assert code_row_tokens("AMIIM.R1") == []
    assert code_row_tokens("Form ref: FAAH8083.S1 applies here and there") == []


def test_a_code_alone_on_its_line_that_lost_its_dots_is_read_inside_the_list(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    seen = ["PA.I.B.K1", "PAIC.K4", "PA.III.B.R1"]
    fake_ocr.append(page_of([*HEADER, *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.I.C.K4", "PA.III.B.R1"]


def test_a_garbled_line_inside_the_list_is_unresolved_never_dropped(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    seen = ["PA.I.B.K1", "PAQZXW.Q7", "PA.III.B.R1"]
    fake_ocr.append(page_of([*HEADER, *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.III.B.R1"]
    assert [u.raw for u in result.unresolved] == ["PAQZXW.Q7"]
    assert result.review and "code_unresolved" in result.review_reasons


def test_a_squashed_line_away_from_the_codes_is_no_code(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    lines = [*HEADER[:3], "REF8083.K25", *HEADER[3:], "PA.I.B.K1", *FOOTER]
    fake_ocr.append(page_of(lines))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1"]
    assert not result.unresolved


def test_a_learning_statement_code_the_list_did_not_give_is_sent_to_review(catalog: Catalog) -> None:
    from extraction.engine.layout import rows_from_text
    from extraction.engine.parse import parse_rows

    lines = [
        *HEADER[:-3],
        "The learning statement codes listed below",
        "PLT052 PLT063 PLT140x",
        *FOOTER,
    ]
    result = parse_rows(rows_from_text("\n".join(lines)), catalog, path="ocr")
    assert result.codes == ["PLT052", "PLT063"]
    assert "code_unread" in result.review_reasons


def test_a_line_of_the_list_whose_dots_were_read_as_blanks_is_read_inside_the_list(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    seen = ["PA.I.B.K1", "PA I C.K4", "PA.III.B.R1"]
    fake_ocr.append(page_of([*HEADER, *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.I.C.K4", "PA.III.B.R1"]


def test_codes_glued_past_splitting_are_sent_to_review(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    fake_ocr.append(page_of([*HEADER, "PA.I.B.K1   PA.III.B.R1XYPA.VI.A.K2Q", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert "PA.I.B.K1" in result.codes
    assert result.review and "code_unread" in result.review_reasons


def test_a_numbered_line_that_lost_its_dots_is_kept_inside_the_list(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    seen = ["1) PAIC.K4", "2) PA.I.D.K2", "3) PA.III.B.R1"]
    fake_ocr.append(page_of([*HEADER, *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.C.K4", "PA.I.D.K2", "PA.III.B.R1"]


def test_a_line_lost_between_two_code_lines_is_a_layout_gap(catalog: Catalog) -> None:
    from extraction.engine.layout import Row, Segment
    from extraction.engine.parse import parse_rows

    def row(text: str, y: float) -> Row:
        return Row(text, 0, y, y + 40, 0.97, [Segment(text, 100, y, 900, y + 40, 0.97)])

    header = [row(t, 50.0 * i) for i, t in enumerate(HEADER)]
    y = 50.0 * len(HEADER)
    kept = parse_rows(
        [*header, row("PA.I.B.K1", y), row("PA.III.B.R1", y + 50), row(FOOTER[1], y + 100)],
        catalog,
        path="ocr",
    )
    assert "code_layout_gap" not in kept.review_reasons
    lost = parse_rows(
        [*header, row("PA.I.B.K1", y), row("PA.III.B.R1", y + 130), row(FOOTER[1], y + 180)],
        catalog,
        path="ocr",
    )
    assert "code_layout_gap" in lost.review_reasons


def test_a_list_of_three_codes_is_held_to_its_print_order_too(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    # AM.III.I.R4 read as AM.II.I.R4 between AM.II.K.K1 and AM.III.K.R1.
    seen = ["1 - AM.II.K.K1   2 - AM.II.I.R4", "3 - AM.III.K.R1"]
    fake_ocr.append(page_of([*header_titled("Aviation Mechanic General (AMG)"), *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["AM.II.K.K1", "AM.III.I.R4", "AM.III.K.R1"]
    assert {d.code: d.raw for d in result.codes_detail}["AM.III.I.R4"] == "AM.II.I.R4"


def test_two_codes_are_too_few_for_an_order(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    fake_ocr.append(
        page_of([*header_titled("Aviation Mechanic General (AMG)"), "AM.II.K.K1   AM.II.I.R4", *FOOTER])
    )
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["AM.II.I.R4", "AM.II.K.K1"]


def test_a_confusion_two_codes_of_the_report_show_settles_a_third(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    # One font under one blur reads every I of the area as L: twice readable, the third time
    # with its dots lost too far for the usual price of that slip.
    seen = ["PA.L.B.K1", "PA.L.C.K4", "PALIIB.R1"]
    fake_ocr.append(page_of([*HEADER, *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.I.C.K4", "PA.III.B.R1"]
    assert result.unresolved == []


def test_a_confusion_one_code_shows_is_not_learned(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    seen = ["PA.L.B.K1", "PA.I.C.K4", "PALIIB.R1"]
    fake_ocr.append(page_of([*HEADER, *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.I.C.K4"]
    assert [u.raw for u in result.unresolved] == ["PALIIB.R1"]


def test_the_slips_of_a_reading_are_the_swaps_of_its_cheapest_alignment() -> None:
    from extraction.engine.codes import LEARNED_COST, document_confusions, substitutions

    assert substitutions("PA.L.B.K1", "PA.I.B.K1") == [("L", "I")]
    assert substitutions("HL.IIl.C.K3", "HI.III.C.K3") == [("L", "I"), ("l", "I")]
    assert substitutions("FI.I.D.K1", "FI.I.D.K1") == []
    assert substitutions("FLLB.K6", "FI.I.B.K6") == [("L", "I"), ("L", "I")]  # two merged I.
    pairs = [("PA.L.B.K1", "PA.I.B.K1"), ("PA.L.C.K4", "PA.I.C.K4"), ("PA.I.B.KIa", "PA.I.B.K1a")]
    # L for I twice: learned; I for 1 once, and cheap already: not.
    assert document_confusions(pairs) == {("L", "I"): LEARNED_COST}
    assert document_confusions(pairs[:1]) == {}


@pytest.mark.parametrize(
    ("seen", "prefix", "code"),
    [
        ("FLLA.S2b", "FI", "FI.I.A.S2b"),  # each I with the dot at its foot read as an L
        ("FLLB.K15", "FI", "FI.I.B.K15"),
        ("IR.VLA.R3", "IR", "IR.VI.A.R3"),  # not IR.V.A.R3: the L is a stroke and a dot
        ("FLI.F.S1", "FI", "FI.I.F.S1"),
    ],
)
def test_a_stroke_and_the_dot_at_its_foot_read_as_an_l(
    seen: str, prefix: str, code: str, catalog: Catalog
) -> None:
    from extraction.engine.codes import resolver_for

    assert resolver_for(catalog).resolve(seen, frozenset({prefix})).code == code


def test_an_l_that_is_no_merged_stroke_and_dot_stays_unresolved(catalog: Catalog) -> None:
    from extraction.engine.codes import resolver_for

    res = resolver_for(catalog).resolve("PLLE.RI", frozenset({"FI"}))
    assert res.code is None and res.candidates == ["FI.I.E.R1"]


def test_a_described_code_that_lost_its_dots_is_read_beside_described_codes(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    seen = [
        "PA.I.B.K1   Certification requirements, recency, and record keeping.",
        "PAIC.K4   Privileges and limitations of the pilot certificate.",
        "PA.III.B.R1   Failure to plan for the weather along the route.",
    ]
    fake_ocr.append(page_of([*HEADER, *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.I.C.K4", "PA.III.B.R1"]


def test_a_row_of_blurred_code_cells_is_read_as_codes(fake_ocr: list[FakePage], catalog: Catalog) -> None:
    seen = ["PA.I.B.K1   PA.I.C.K4", "PALF.R2   PAII B.R2", "PA.III.B.R1"]
    fake_ocr.append(page_of([*HEADER, *seen, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert {"PA.I.F.R2", "PA.II.B.R2"} <= set(result.codes)


def test_a_code_read_whole_that_a_slip_the_page_shows_could_have_made_is_unsure(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    # PA.L.B.K1 shows this page reads an I as L: PA.IV.L.K1 may be PA.IV.I.K1, also a code.
    fake_ocr.append(page_of([*HEADER, "PA.L.B.K1", "PA.IV.L.K1", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.IV.L.K1"]
    assert "code_unsure" in result.review_reasons
    fake_ocr.append(page_of([*HEADER, "PA.I.B.K1", "PA.IV.L.K1", *FOOTER]))
    assert "code_unsure" not in extract_document(png_bytes(), catalog).review_reasons


def test_a_word_of_a_description_is_no_squashed_code() -> None:
    from extraction.engine.code_block import code_row_tokens

    assert code_row_tokens("UA.I.A.K8   Previously manufactured sUAS.") == ["UA.I.A.K8"]


def test_a_cell_garbled_past_a_codes_shape_beside_codes_of_its_prefix_is_unresolved(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    fake_ocr.append(page_of([*HEADER, "PA.I.B.K1   PALFKT", "PA.III.B.R1   WEATHER", *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PA.I.B.K1", "PA.III.B.R1"]
    assert [u.raw for u in result.unresolved] == ["PALFKT"]  # never dropped; WEATHER is no code


def test_learning_statement_codes_whose_plt_was_misread_are_read_beside_whole_ones(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    rows = ["The learning statement codes below", "PLT052   FLT068   PLT077", "FT324   PL7196   PLTS22"]
    fake_ocr.append(page_of([*HEADER[:-3], *rows, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PLT052", "PLT068", "PLT077", "PLT196", "PLT324", "PLT522"]
    detail = {d.code: d for d in result.codes_detail}
    assert detail["PLT068"].confidence < detail["PLT077"].confidence


def test_a_plt_shaped_token_alone_is_no_code() -> None:
    from extraction.engine.code_block import code_row_tokens
    from extraction.engine.code_tokens import plt_slipped

    assert code_row_tokens("FLT068   FT324") == []
    assert plt_slipped("PA123") is None and plt_slipped("CAX") is None and plt_slipped("FLT0") is None


def test_a_token_of_a_learning_statement_list_that_is_no_such_code_is_unresolved(
    fake_ocr: list[FakePage], catalog: Catalog
) -> None:
    rows = ["The learning statement codes listed below", "PLT052   PLT077   PL.I.A.K1"]
    fake_ocr.append(page_of([*HEADER[:-3], *rows, *FOOTER]))
    result = extract_document(png_bytes(), catalog)
    assert result.codes == ["PLT052", "PLT077"]
    assert [u.raw for u in result.unresolved] == ["PL.I.A.K1"]
    assert "code_unresolved" in result.review_reasons
