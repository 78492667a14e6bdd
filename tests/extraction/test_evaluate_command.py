"""``manage.py evaluate_extraction DIR``: per-format exactness, code P/R/F1, fields, times."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from extraction.evaluation import percentile
from tests.engine.aktr_fixtures import Report, build_pdf, plt_report


def write_case(
    directory: Path, stem: str, report: Report, truth_override: dict[str, object] | None = None
) -> None:
    (directory / f"{stem}.pdf").write_bytes(build_pdf(report))
    truth = {**report.expected(), "file": f"{stem}.pdf", "format": "text", **(truth_override or {})}
    (directory / f"{stem}.json").write_text(json.dumps(truth))


def test_figures_per_format(tmp_path: Path) -> None:
    write_case(tmp_path, "a", Report(codes=["PA.I.C.K2a", "PA.III.B.R1"]))
    write_case(tmp_path, "b", plt_report())
    # A truth file that disagrees: one code the engine (rightly) does not find, a wrong score.
    write_case(
        tmp_path, "c", Report(codes=["PA.I.C.K2a"]), {"codes": ["PA.I.C.K2a", "PA.IX.A.K3"], "score": 99}
    )
    (tmp_path / "notes.json").write_text("[1, 2]")  # ignored: not a truth object

    out = StringIO()
    call_command("evaluate_extraction", str(tmp_path), "--json", stdout=out, stderr=StringIO())
    payload = json.loads(out.getvalue())
    assert payload["documents"] == 3
    text, total = payload["formats"]
    assert text["format"] == "text" and total["format"] == "all"
    assert text["documents"] == 3 and text["exact"] == 2
    assert text["code_precision"] == 1.0
    assert text["code_recall"] == pytest.approx(6 / 7, abs=1e-4)
    assert text["field_accuracy"]["score"] == pytest.approx(2 / 3, abs=1e-4)
    assert text["field_accuracy"]["applicant_name"] == 1.0
    assert text["codes_outside_catalogue"] == 0
    assert text["p95_ms"] >= text["p50_ms"] > 0


def test_table_and_failures(tmp_path: Path) -> None:
    write_case(tmp_path, "a", Report(), {"take": 2})
    out = StringIO()
    call_command("evaluate_extraction", str(tmp_path), "--failures", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "code F1" in text and "field accuracy" in text
    assert "take: got 1, expected 2" in text


def test_refused_documents_count_as_errors(tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4 garbage")
    (tmp_path / "x.json").write_text(json.dumps({"file": "x.pdf", "format": "scan", "codes": ["PA.I.C.K2a"]}))
    out = StringIO()
    call_command("evaluate_extraction", str(tmp_path), "--json", stdout=out, stderr=StringIO())
    scan = json.loads(out.getvalue())["formats"][0]
    assert scan["format"] == "scan" and scan["errors"] == 1 and scan["code_recall"] == 0.0


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("evaluate_extraction", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError):
        call_command("evaluate_extraction", str(tmp_path / "nope"), stdout=StringIO(), stderr=StringIO())


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 95) == 0.0
    assert percentile([5.0], 95) == 5.0
    assert percentile([float(i) for i in range(1, 21)], 95) == 19.0
    assert percentile([float(i) for i in range(1, 21)], 50) == 10.0
