"""``manage.py evaluate_extraction DIR``: exactness, code P/R/F1, fields, times, reliability, review."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from extraction.engine import ExtractionResult
from extraction.engine.catalog import Catalog
from extraction.evaluation.cases import Case, Outcome
from extraction.evaluation.reliability import calibration_error, reliability, render_reliability
from extraction.evaluation.scores import percentile, summarize
from extraction.management.commands import evaluate_extraction
from tests.engine.generator.documents import aktr, aktr_pdf, plt_aktr
from tests.engine.generator.spec import DocumentSpec


def write_case(
    directory: Path, stem: str, report: DocumentSpec, truth_override: dict[str, object] | None = None
) -> None:
    (directory / f"{stem}.pdf").write_bytes(aktr_pdf(report))
    truth = {**report.expected(), "file": f"{stem}.pdf", "format": "text", **(truth_override or {})}
    (directory / f"{stem}.json").write_text(json.dumps(truth))


def test_figures_per_format(tmp_path: Path) -> None:
    write_case(tmp_path, "a", aktr(codes=["PA.I.C.K2a", "PA.III.B.R1"]))
    write_case(tmp_path, "b", plt_aktr())
    # A truth file that disagrees: one code the engine (rightly) does not find, a wrong score.
    write_case(
        tmp_path, "c", aktr(codes=["PA.I.C.K2a"]), {"codes": ["PA.I.C.K2a", "PA.IX.A.K3"], "score": 99}
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
    write_case(tmp_path, "a", aktr(), {"take": 2})
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


def _outcome(confidence: float | None, *, right: bool, review: bool = False, fmt: str = "scan") -> Outcome:
    """A synthetic outcome: ``None`` confidence is a refusal; a wrong one differs in the score."""
    truth = {"format": fmt, "score": 80, "codes": ["PA.I.C.K2a"]}
    if confidence is None:
        return Outcome(Case(Path("x.png"), truth), None, "corrupt_file", 1.0)
    predicted: dict[str, Any] = {**truth, "score": 80 if right else 81, "confidence": confidence}
    predicted |= {"review": review, "review_reasons": ["low_confidence"] if review else []}
    predicted.pop("format")
    return Outcome(Case(Path("x.png"), truth), predicted, None, 1.0)


def test_reliability_bins_and_calibration_error() -> None:
    outcomes = [
        _outcome(0.2, right=False),
        _outcome(0.5, right=True),  # a bin's lower edge belongs to it
        _outcome(0.85, right=True),
        _outcome(0.85, right=False),
        _outcome(0.9, right=True),
        _outcome(0.95, right=True),
        _outcome(1.0, right=True),  # the last bin includes 1.0
        _outcome(None, right=False),  # refused: no confidence, not in any bin
    ]
    bins = reliability(outcomes)
    assert [(b.low, b.high) for b in bins] == [(0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.0)]
    assert [b.documents for b in bins] == [1, 1, 2, 1, 2]
    assert [b.as_dict()["exact_rate"] for b in bins] == [0.0, 1.0, 0.5, 1.0, 1.0]
    assert [b.as_dict()["mean_confidence"] for b in bins] == [0.2, 0.5, 0.85, 0.9, 0.975]
    # |0.2-0| + |0.5-1| + 2|0.85-0.5| + |0.9-1| + 2|0.975-1|, over 7 documents
    assert calibration_error(bins) == pytest.approx((0.2 + 0.5 + 0.7 + 0.1 + 0.05) / 7)
    empty = reliability([])
    assert calibration_error(empty) is None and empty[0].as_dict()["exact_rate"] is None


def test_review_recall_and_false_alarms_per_format() -> None:
    outcomes = [
        *(_outcome(0.5, right=False, review=True) for _ in range(9)),
        _outcome(0.9, right=False, review=False),  # a wrong document review missed
        *(_outcome(0.99, right=True) for _ in range(9)),
        _outcome(0.6, right=True, review=True),  # a right document flagged for nothing
        _outcome(None, right=False),  # refusals count in neither
        _outcome(0.4, right=False, review=True, fmt="photo"),
        _outcome(0.7, right=True, review=True, fmt="photo"),
    ]
    scan, photo, total = summarize(outcomes)
    assert scan.review_dict() == {
        "wrong_documents": 10,
        "wrong_flagged": 9,
        "recall": 0.9,
        "right_documents": 10,
        "right_flagged": 1,
        "false_alarm_rate": 0.1,
        "meets_bars": True,
    }
    assert (photo.review_recall, photo.false_alarm_rate, photo.review_dict()["meets_bars"]) == (
        1.0,
        1.0,
        False,
    )
    assert (total.wrong_read, total.wrong_flagged, total.right_read, total.right_flagged) == (11, 10, 11, 2)
    assert total.as_dict()["review"]["meets_bars"] is False
    text = render_reliability(reliability(outcomes), [scan, photo, total])
    assert "scan   wrong flagged 9/10 (90.0%)  right flagged 1/10 (10.0%)  meets bars" in text
    assert "photo  wrong flagged 1/1 (100.0%)  right flagged 1/1 (100.0%)  MISSES BARS" in text


def _engine_with(confidences: dict[int, float], flagged: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrap the engine: set each result's confidence by its number of codes, flag one count."""
    real = evaluate_extraction.extract_document

    def engine(data: bytes, catalog: Catalog) -> ExtractionResult:
        result = real(data, catalog)
        result.confidence = confidences[len(result.codes)]
        result.review = len(result.codes) == flagged
        result.review_reasons = ["field_missing:score"] if result.review else []
        return result

    monkeypatch.setattr(evaluate_extraction, "extract_document", engine)


def _three_cases(directory: Path) -> None:
    """Two exactly right documents (two codes, no code) and a wrong one (its truth has two codes)."""
    write_case(directory, "a", aktr(codes=["PA.I.C.K2a", "PA.III.B.R1"]))
    write_case(directory, "b", aktr(codes=[]))
    write_case(directory, "c", aktr(codes=["PA.I.C.K2a"]), {"codes": ["PA.I.C.K2a", "PA.IX.A.K3"]})


def test_json_carries_reliability_and_review_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _three_cases(tmp_path)
    _engine_with({2: 0.97, 0: 0.6, 1: 0.85}, flagged=1, monkeypatch=monkeypatch)
    out = StringIO()
    call_command("evaluate_extraction", str(tmp_path), "--json", stdout=out, stderr=StringIO())
    payload = json.loads(out.getvalue())
    assert [(b["documents"], b["exact_rate"]) for b in payload["reliability"]] == [
        (0, None),
        (1, 1.0),
        (1, 0.0),
        (0, None),
        (1, 1.0),
    ]
    assert payload["reliability"][4]["mean_confidence"] == 0.97
    assert payload["calibration_error"] == pytest.approx((0.4 + 0.85 + 0.03) / 3, abs=1e-4)
    review = {**payload["review"]}
    assert review == payload["formats"][-1]["review"]
    assert (review["wrong_documents"], review["wrong_flagged"], review["recall"]) == (1, 1, 1.0)
    assert (review["right_documents"], review["right_flagged"], review["false_alarm_rate"]) == (2, 0, 0.0)
    assert review["meets_bars"] is True


def test_text_output_has_the_reliability_table_and_lists_false_alarms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_cases(tmp_path)
    _engine_with({2: 0.97, 0: 0.6, 1: 0.85}, flagged=0, monkeypatch=monkeypatch)
    out, err = StringIO(), StringIO()
    call_command("evaluate_extraction", str(tmp_path), "--failures", stdout=out, stderr=err)
    text = out.getvalue()
    assert "reliability (read documents; refusals excluded)" in text
    assert "[0.95, 1.00]  " in text and "calibration error: " in text
    assert "all   wrong flagged 0/1 (0.0%)  right flagged 1/2 (50.0%)  MISSES BARS" in text
    assert "c.pdf (text):\n  review: NOT flagged\n  codes: got" in text
    assert "b.pdf (text): exactly right but flagged field_missing:score" in text
    assert "b.pdf (text)" in err.getvalue() and "review:field_missing:score" in err.getvalue()
