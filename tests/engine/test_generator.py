"""The variant generator itself: seeded, truthful to what it prints, held-out wordings kept apart.

No accuracy of the engine is asserted here; ``tests.engine.generator.sweep`` measures that.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from extraction.engine import Catalog
from tests.engine.generator import draw_spec, render_document, render_pdf
from tests.engine.generator import wording as w
from tests.engine.generator.draw import ACS_EXAMS
from tests.engine.generator.images import ORIENTATION_TAG, upright
from tests.engine.generator.spec import end_of_month
from tests.engine.generator.sweep import main as sweep_main

TRUTH_KEYS = {
    "applicant_name", "ftn", "applicant_id", "exam_id", "exam_code", "exam_title", "exam_date",
    "exam_site", "score", "grade", "take", "expiration_date", "code_kind", "codes",
}  # fmt: skip
ACS_CODE = re.compile(r"^[A-Z]{2}\.[IVX]{1,4}\.[A-Z]\.[KRS]\d{1,2}[a-z]?$")
SEEDS = list(range(0, 60)) + list(range(100_000, 100_040))


def page_texts(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def test_same_seed_same_document(catalog: Catalog) -> None:
    first, second = draw_spec(7, catalog), draw_spec(7, catalog)
    assert first.expected() == second.expected()
    assert render_pdf(first) == render_pdf(second)
    assert draw_spec(8, catalog).expected() != first.expected()


@pytest.mark.parametrize("seed", SEEDS)
def test_truth_matches_what_is_printed(catalog: Catalog, seed: int) -> None:
    spec = draw_spec(seed, catalog)
    truth = spec.expected()
    assert set(truth) == TRUTH_KEYS
    text = "\n".join(page_texts(render_pdf(spec)))
    flat = " ".join(text.split())
    for value in (
        spec.name,
        spec.exam_id,
        spec.site,
        spec.exam_title,
        spec.date_text(),
        spec.expiration_text(),
    ):
        assert " ".join(value.split()) in flat, value
    assert (truth["ftn"] or truth["applicant_id"]) in flat
    assert not (truth["ftn"] and truth["applicant_id"])
    for code in truth["codes"]:
        assert re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", text), code
        if truth["code_kind"] == "acs":
            assert ACS_CODE.match(code) and code in catalog
        else:
            assert re.fullmatch(r"PLT\d{3}", code)
    assert truth["codes"] == sorted(set(spec.codes))
    if truth["code_kind"] == "acs":
        assert {c.split(".")[0] for c in truth["codes"]} <= set(ACS_EXAMS[truth["exam_code"]][0])
    months = 60 if truth["exam_code"] == "ATM" and truth["code_kind"] == "acs" else 24
    assert truth["expiration_date"] == end_of_month(spec.exam_date, months).isoformat()
    if truth["score"] is not None:
        assert (truth["score"] >= 70) == (truth["grade"] == "PASS")
        assert str(truth["score"]) in (spec.score_text or "")
    if not truth["codes"] and truth["score"] is not None:
        assert truth["score"] == 100  # only a perfect score has no deficient codes
    for key in spec.field_order:
        if key == "exam" and spec.title_as_heading:
            continue  # the title stands alone as a heading, without its label
        assert " ".join(spec.labels[key].split()) in flat, key


def test_expiration_rule_at_month_ends() -> None:
    assert end_of_month(dt.date(2024, 2, 29), 24) == dt.date(2026, 2, 28)
    assert end_of_month(dt.date(2023, 12, 31), 24) == dt.date(2025, 12, 31)
    assert end_of_month(dt.date(2026, 2, 9), 60) == dt.date(2031, 2, 28)


def test_single_page_documents_keep_every_field_and_code_on_page_one(catalog: Catalog) -> None:
    for seed in range(100_000, 100_060):
        spec = draw_spec(seed, catalog, single_page=True)
        first = page_texts(render_pdf(spec))[0]
        for code in spec.codes:
            assert code in first, (seed, code)
        assert spec.exam_id in first and spec.expiration_text() in " ".join(first.split())


def test_held_out_wordings_never_appear_below_the_held_out_seeds(catalog: Catalog) -> None:
    held = {f: set(w.partition(f"label:{f}", options)[1]) for f, options in w.LABELS.items()}
    assert all(held.values()) and all(w.partition(f"label:{f}", o)[0][0] == o[0] for f, o in w.LABELS.items())

    def bases(seed: int) -> set[tuple[str, str]]:
        spec = draw_spec(seed, catalog)
        found = set()
        for key, label in spec.labels.items():
            for base in held[key]:
                if label.rstrip(" :.-").lower() == base.lower():
                    found.add((key, base))
        return found

    assert not set().union(*(bases(s) for s in range(0, 150)))
    assert len(set().union(*(bases(s) for s in range(100_000, 100_150)))) > 20


def test_family_variety(catalog: Catalog) -> None:
    specs = [draw_spec(s, catalog) for s in range(100_000, 100_300)]
    assert {s.header_layout for s in specs} == {
        "stacked",
        "columns",
        "pairs",
        "above",
        "boxed",
        "boxed_above",
    }
    assert {s.code_layout for s in specs} >= {"lines", "grid_rows", "grid_cols", "separated", "numbered"}
    assert any(s.exam_time is not None for s in specs)
    assert any(s.code_kind == "plt" and s.applicant_id for s in specs)
    assert any(s.score is None for s in specs) and any(s.grade == "FAIL" for s in specs)
    assert len({s.labels["take"] for s in specs}) > 15


def test_image_formats(catalog: Catalog) -> None:
    spec = draw_spec(100_003, catalog, single_page=True)
    png, tags = render_document(spec, "png")
    image = Image.open(io.BytesIO(png))
    dpi = int(tags["dpi"])
    assert image.format == "PNG" and abs(image.size[0] - 8.5 * dpi) <= 2
    scan, tags = render_document(draw_spec(100_004, catalog), "scan")
    texts = page_texts(scan)
    assert len(texts) == int(tags["pages"]) and not "".join(texts).strip()  # pictures, no text layer


def test_photo_with_exif_orientation_is_upright_when_honoured(catalog: Catalog) -> None:
    data, tags = render_document(draw_spec(100_017, catalog, single_page=True), "photo")
    assert tags["exif"] == "True" and tags["turn"] in ("90", "270")
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG" and stored.getexif().get(ORIENTATION_TAG) in (6, 8)
    assert stored.size[0] > stored.size[1]  # pixels lie on their side
    shown = upright(data)
    assert shown.size[1] > shown.size[0]  # the page stands upright once EXIF is honoured


def test_sweep_writes_records_and_truth_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = tmp_path / "records.jsonl"
    docs = str(tmp_path / "docs")
    sweep_main(
        [
            "--formats",
            "text",
            "--count",
            "3",
            "--start",
            "100000",
            "--records",
            str(records),
            "--write-dir",
            docs,
        ]
    )
    lines = [json.loads(line) for line in records.read_text().splitlines()]
    assert [r["seed"] for r in lines] == [100_000, 100_001, 100_002]
    assert all(set(r["expected"]) == TRUTH_KEYS and r["got"] is not None for r in lines)
    truth = json.loads((tmp_path / "docs" / "gen-100000-text.json").read_text())
    assert truth["file"] == "gen-100000-text.pdf" and truth["format"] == "text"
    assert (tmp_path / "docs" / truth["file"]).read_bytes()[:5] == b"%PDF-"
    out = capsys.readouterr().out
    assert "== text:" in out and "reliability" in out
