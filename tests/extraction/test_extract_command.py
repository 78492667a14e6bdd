"""``manage.py extract``: one JSON object per path, in order; errors never stop the run."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from extraction.adapter.extract import get_catalog, reset_catalog, run_extraction
from extraction.engine.serialize import FIELDS
from tests.engine.bad_files import bad_inputs
from tests.engine.generator.documents import aktr, aktr_pdf, plt_aktr
from tests.factories import acs_element


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("extract", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_array_in_path_order(tmp_path: Path) -> None:
    good, legacy = aktr(codes=["PA.I.C.K2a", "PA.III.B.R1"]), plt_aktr()
    paths = [tmp_path / "a.pdf", tmp_path / "b.gif", tmp_path / "c.pdf", tmp_path / "missing.pdf"]
    paths[0].write_bytes(aktr_pdf(good))
    paths[1].write_bytes(bad_inputs()["gif"][0])
    paths[2].write_bytes(aktr_pdf(legacy))
    out, err = run(*map(str, paths))
    entries = json.loads(out)
    assert [e["file"] for e in entries] == list(map(str, paths))
    assert [e["status"] for e in entries] == ["ok", "error", "ok", "error"]

    first = entries[0]
    assert first["error"] is None
    assert {f: first[f] for f in FIELDS} == good.expected()
    assert {f: entries[2][f] for f in FIELDS} == legacy.expected()
    detail = first["codes_detail"][0]
    assert set(detail) == {"code", "description", "area", "task", "element_type", "confidence", "raw"}
    assert detail["code"] == "PA.I.C.K2a" and detail["description"]
    assert first["unresolved"] == []
    assert 0 < first["confidence"] <= 1 and first["elapsed_ms"] > 0
    assert first["review"] is False and first["review_reasons"] == []

    gif = entries[1]
    assert gif["error"]["code"] == "unsupported_type" and gif["error"]["message"]
    assert all(gif[f] is None for f in FIELDS if f != "codes") and gif["codes"] == []
    assert gif["review"] is False and gif["review_reasons"] == []
    assert entries[3]["error"]["code"] == "corrupt_file"
    assert "[4/4]" in err  # progress goes to stderr, not into the JSON


def test_a_doubtful_result_says_why(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(aktr_pdf(codes=["PA.I.C.K2a", "PA.I.C.K99"]))
    entry = json.loads(run(str(path))[0])[0]
    assert entry["codes"] == ["PA.I.C.K2a"]
    assert entry["review"] is True
    assert "code_unresolved" in entry["review_reasons"]


def test_progress_on_stderr(tmp_path: Path) -> None:
    paths = []
    for i in range(3):
        p = tmp_path / f"r{i}.pdf"
        p.write_bytes(aktr_pdf())
        paths.append(str(p))
    out, err = run(*paths)
    assert len(json.loads(out)) == 3
    assert "[3/3]" in err


def test_summary_table(tmp_path: Path) -> None:
    p = tmp_path / "r.pdf"
    p.write_bytes(aktr_pdf())
    e = tmp_path / "empty.pdf"
    e.write_bytes(b"")
    out, _ = run("--summary", str(p), str(e))
    assert "PAR" in out and "empty_file" in out and "1 of 2 extracted" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_catalogue_comes_from_the_table_when_it_has_rows() -> None:
    acs_element(
        "PA.I.C.K2a",
        area_title="Preflight Preparation",
        task_title="Airworthiness Requirements",
        description="From the table.",
        exam_codes=["PAR"],
    )
    reset_catalog()
    assert len(get_catalog()) == 1
    result = run_extraction(aktr_pdf(codes=["PA.I.C.K2a"]))
    assert result.codes == ["PA.I.C.K2a"]
    assert result.codes_detail[0].description == "From the table."
    assert result.codes_detail[0].area == "Preflight Preparation"


def test_shipped_catalogue_when_the_table_is_empty() -> None:
    assert len(get_catalog()) > 15000
