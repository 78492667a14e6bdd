"""The national counts follow every report: stored, re-uploaded, claimed, corrected, deleted,
purged, and their owner opting out and in; a rebuild recounts the same figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.services import user_erase, user_statistics_preference_set
from extraction.models import CodeDayStatistic, ExamDayStatistic, Report
from extraction.reports.services import (
    report_claim,
    report_correct_codes,
    report_delete,
    reports_purge_expired,
)
from extraction.statistics.services import statistics_rebuild
from tests.factories import UserFactory
from tests.statistics.conftest import exam_totals, missed, store

pytestmark = pytest.mark.django_db


def assert_rebuild_finds_nothing_to_correct() -> None:
    outcome = statistics_rebuild()
    assert (outcome.code_rows_corrected, outcome.exam_rows_corrected) == (0, 0)


def test_a_stored_report_counts_its_exam_score_and_codes(student: User) -> None:
    store(student, ["PA.I.A.K1", "PA.II.B.K2"], score=82, grade="PASS")
    store(None, ["PA.I.A.K1"], score=64, grade="FAIL")
    store(student, ["PA.I.A.K1"], score=100, grade="PASS")

    assert missed() == {("PAR", "PA.I.A.K1"): 3, ("PAR", "PA.II.B.K2"): 1}
    totals = exam_totals()
    assert (totals["reports"], totals["passed"], totals["scored"], totals["score_sum"]) == (3, 2, 3, 246)
    assert (totals["score_60"], totals["score_80"], totals["score_90"]) == (1, 1, 1)
    assert sum(totals[f"score_{low}"] for low in range(0, 100, 10)) == 3
    day = ExamDayStatistic.objects.get().day
    assert day == timezone.now().astimezone(dt.UTC).date()
    assert_rebuild_finds_nothing_to_correct()


def test_the_counts_carry_nothing_that_names_a_report_or_a_person() -> None:
    columns = {f.name for f in CodeDayStatistic._meta.fields} | {
        f.name for f in ExamDayStatistic._meta.fields
    }
    assert not columns & {"report", "report_id", "owner", "owner_id", "user", "exam_id", "applicant_name"}


def test_a_report_without_an_exam_or_a_score_counts_what_it_has(student: User) -> None:
    store(student, ["PA.I.A.K1"], exam="")
    store(student, ["PA.I.A.K1"], score=None, grade="")
    assert missed() == {("PAR", "PA.I.A.K1"): 1}
    totals = exam_totals()
    assert (totals["reports"], totals["scored"], totals["passed"]) == (1, 0, 0)
    assert_rebuild_finds_nothing_to_correct()


def test_uploading_the_same_exam_again_replaces_what_it_counted(student: User) -> None:
    store(student, ["PA.I.A.K1", "PA.I.B.K2"], score=64, grade="FAIL", exam_id="SAME")
    store(student, ["PA.I.B.K2", "PA.I.C.K3"], score=88, grade="PASS", exam_id="SAME")
    assert missed() == {("PAR", "PA.I.B.K2"): 1, ("PAR", "PA.I.C.K3"): 1}
    totals = exam_totals()
    assert (totals["reports"], totals["passed"], totals["score_sum"], totals["score_60"]) == (1, 1, 88, 0)
    assert_rebuild_finds_nothing_to_correct()


def test_an_opted_out_owner_is_not_counted_from_the_start(student: User) -> None:
    user_statistics_preference_set(user=student, contribute=False)
    store(student, ["PA.I.A.K1"])
    store(student, ["PA.I.A.K1"], exam_id="X")
    store(student, ["PA.I.B.K2"], exam_id="X")
    assert missed() == {}
    assert exam_totals() == {}
    assert_rebuild_finds_nothing_to_correct()


def test_opting_out_takes_the_reports_on_file_away_and_opting_in_puts_them_back(
    student: User, stranger: User
) -> None:
    store(student, ["PA.I.A.K1", "PA.I.B.K2"])
    store(student, ["PA.I.A.K1"])
    store(stranger, ["PA.I.A.K1"])
    user_statistics_preference_set(user=student, contribute=False)
    assert missed() == {("PAR", "PA.I.A.K1"): 1}
    assert exam_totals()["reports"] == 1
    assert_rebuild_finds_nothing_to_correct()

    user_statistics_preference_set(user=student, contribute=False)  # no change: nothing taken twice
    assert exam_totals()["reports"] == 1
    user_statistics_preference_set(user=student, contribute=True)
    assert missed() == {("PAR", "PA.I.A.K1"): 3, ("PAR", "PA.I.B.K2"): 1}
    assert exam_totals()["reports"] == 3
    assert_rebuild_finds_nothing_to_correct()


def test_deleting_a_report_takes_it_away(student: User) -> None:
    kept = store(student, ["PA.I.A.K1"])
    gone = store(student, ["PA.I.A.K1", "PA.I.B.K2"], score=50, grade="FAIL")
    report_delete(report=gone, user=student)
    assert missed() == {("PAR", "PA.I.A.K1"): 1}
    assert (exam_totals()["reports"], exam_totals()["passed"], exam_totals()["score_50"]) == (1, 1, 0)
    report_delete(report=kept, user=student)
    assert missed() == {} and exam_totals()["reports"] == 0
    assert_rebuild_finds_nothing_to_correct()


def test_deleting_an_opted_out_owners_report_takes_nothing(student: User, stranger: User) -> None:
    store(stranger, ["PA.I.A.K1"])
    user_statistics_preference_set(user=student, contribute=False)
    report = store(student, ["PA.I.A.K1"])
    report_delete(report=report, user=student)
    assert missed() == {("PAR", "PA.I.A.K1"): 1}


def test_a_claim_by_an_opted_out_user_takes_the_anonymous_result_away(student: User, stranger: User) -> None:
    first, second = store(None, ["PA.I.A.K1"]), store(None, ["PA.I.A.K1", "PA.I.B.K2"])
    report_claim(report=first, user=stranger)
    assert missed() == {("PAR", "PA.I.A.K1"): 2, ("PAR", "PA.I.B.K2"): 1}
    user_statistics_preference_set(user=student, contribute=False)
    report_claim(report=second, user=student)
    report_claim(report=second, user=student)  # the owner claiming again changes nothing
    assert missed() == {("PAR", "PA.I.A.K1"): 1}
    assert exam_totals()["reports"] == 1
    assert_rebuild_finds_nothing_to_correct()


def test_a_staff_correction_moves_the_counts_with_the_codes(student: User) -> None:
    staff = UserFactory(username="staff", is_staff=True)
    report = store(student, ["PA.I.A.K1", "PA.I.B.K2"])
    report_correct_codes(report=report, user=staff, codes=["PA.I.B.K2", "PA.I.C.K3"])
    assert missed() == {("PAR", "PA.I.B.K2"): 1, ("PAR", "PA.I.C.K3"): 1}
    assert exam_totals()["reports"] == 1
    assert_rebuild_finds_nothing_to_correct()


def test_purged_anonymous_results_stay_counted_and_a_rebuild_keeps_them(student: User) -> None:
    store(None, ["PA.I.A.K1"])
    store(student, ["PA.I.A.K1"])
    assert reports_purge_expired(now=timezone.now() + dt.timedelta(days=2)) == 1
    assert not Report.objects.filter(owner=None).exists()
    assert missed() == {("PAR", "PA.I.A.K1"): 2}
    assert CodeDayStatistic.objects.get(purged=True).missed == 1
    outcome = statistics_rebuild()
    assert outcome.reports == 1  # the one report still on file
    assert missed() == {("PAR", "PA.I.A.K1"): 2}
    assert exam_totals()["reports"] == 2


def test_erasure_keeps_the_counts_and_deleting_the_user_row_takes_them(student: User, stranger: User) -> None:
    store(student, ["PA.I.A.K1"])
    store(stranger, ["PA.I.A.K1", "PA.I.B.K2"])
    user_erase(user=stranger)
    assert missed() == {("PAR", "PA.I.A.K1"): 2, ("PAR", "PA.I.B.K2"): 1}
    stranger.delete()
    assert missed() == {("PAR", "PA.I.A.K1"): 1}
    assert_rebuild_finds_nothing_to_correct()


def test_rebuild_repairs_drifted_counts_and_is_idempotent(student: User, stranger: User) -> None:
    store(student, ["PA.I.A.K1", "PA.I.B.K2"])
    store(stranger, ["PA.I.A.K1"], exam="IRA", score=75)
    expected_missed, expected_par = missed(), exam_totals()
    CodeDayStatistic.objects.filter(code="PA.I.A.K1", exam="PAR").update(missed=40)
    ExamDayStatistic.objects.filter(exam="IRA").delete()
    CodeDayStatistic.objects.create(exam="PAR", code="PA.IX.A.K1", day=dt.date(2026, 1, 1), missed=7)

    first = statistics_rebuild()
    assert (first.reports, first.exam_rows, first.code_rows) == (2, 2, 3)
    assert (first.code_rows_corrected, first.exam_rows_corrected) == (2, 1)
    assert missed() == expected_missed and exam_totals() == expected_par
    assert exam_totals("IRA")["reports"] == 1

    second = statistics_rebuild()
    assert (second.code_rows_corrected, second.exam_rows_corrected) == (0, 0)
    assert missed() == expected_missed


def test_the_rebuild_command_says_what_it_did(student: User, capsys: pytest.CaptureFixture[str]) -> None:
    store(student, ["PA.I.A.K1", "PA.I.B.K2"])
    ExamDayStatistic.objects.all().delete()
    call_command("rebuild_statistics")
    assert capsys.readouterr().out.strip() == (
        "counted 1 report(s) into 1 exam-day and 2 code-day row(s); "
        "corrected 1 exam-day and 0 code-day row(s)"
    )
    call_command("rebuild_statistics")
    assert "corrected 0 exam-day and 0 code-day row(s)" in capsys.readouterr().out
