"""The batch summary as a pure function of the batch's reports."""

from __future__ import annotations

from uuid import uuid4

from extraction.batches.selectors import CodeRow, ReportRow, batch_summarize


def _report(codes: list[str], score: int | None = 80, exam: str = "PAR") -> ReportRow:
    rows = [
        CodeRow(code, code.rsplit(".", 1)[0] if code.count(".") == 3 else None, "", "", "") for code in codes
    ]
    return ReportRow(uuid4(), "", exam, "", None, score, "PASS", 1, "ok", rows)


def test_a_task_is_weak_only_above_thirty_percent() -> None:
    reports = [_report(["PA.I.B.K1a"]) for _ in range(3)] + [_report(["PA.I.C.K2"]) for _ in range(4)]
    reports += [_report([]) for _ in range(3)]
    weak = batch_summarize(reports)["weak_areas"]
    assert [(w["task"], w["reports"], w["share"]) for w in weak] == [("PA.I.C", 4, 0.4)]


def test_codes_and_tasks_count_once_per_report() -> None:
    summary = batch_summarize([_report(["PA.I.B.K1a", "PA.I.B.K1b"]), _report(["PA.I.B.K1a"])])
    assert summary["code_frequencies"] == [
        {"code": "PA.I.B.K1a", "reports": 2, "share": 1.0},
        {"code": "PA.I.B.K1b", "reports": 1, "share": 0.5},
    ]
    assert summary["weak_areas"][0]["reports"] == 2


def test_legacy_codes_count_but_are_no_acs_task() -> None:
    summary = batch_summarize([_report(["PLT123"]), _report(["PLT123"])])
    assert summary["code_frequencies"][0]["code"] == "PLT123"
    assert summary["weak_areas"] == []


def test_scores_skip_reports_without_one_and_median_is_exact() -> None:
    reports = [_report([], 70), _report([], 90), _report([], None), _report([], 75), _report([], 88)]
    assert batch_summarize(reports)["score"] == {
        "count": 4,
        "min": 70,
        "max": 90,
        "mean": 80.75,
        "median": 81.5,
    }


def test_exam_distribution_is_ordered_by_count() -> None:
    reports = [_report([], exam="IRA"), _report([], exam="PAR"), _report([], exam="PAR")]
    assert batch_summarize(reports)["exam_distribution"] == [
        {"exam_code": "PAR", "reports": 2},
        {"exam_code": "IRA", "reports": 1},
    ]


def test_needs_review_counts_the_reports_awaiting_review() -> None:
    reports = [_report(["PA.I.B.K1a"]) for _ in range(4)]
    reports[1].status = "needs_review"
    reports[3].status = "needs_review"
    summary = batch_summarize(reports)
    assert (summary["reports"], summary["needs_review"]) == (4, 2)


def test_an_empty_batch_has_an_empty_summary() -> None:
    summary = batch_summarize([])
    assert summary["reports"] == summary["needs_review"] == 0
    assert summary["code_frequencies"] == summary["weak_areas"] == summary["exam_distribution"] == []
    assert summary["score"]["median"] is None
