"""Using the national picture: a report's codes say whether applicants commonly miss them, and a
study plan's priority and items carry how often each element is missed nationally."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from extraction.models import CodeDayStatistic, ExamDayStatistic
from studyplans.plans import planning
from studyplans.plans.services import study_plan_create
from tests.personas import client_for
from tests.statistics.conftest import store

pytestmark = pytest.mark.django_db


def national(exam: str, reports: int, missed: dict[str, int], days_ago: int = 3) -> None:
    """Counts as the national tables would hold them for ``reports`` reports of ``exam``."""
    day = timezone.now().astimezone(dt.UTC).date() - dt.timedelta(days=days_ago)
    ExamDayStatistic.objects.create(exam=exam, day=day, reports=reports, passed=reports)
    CodeDayStatistic.objects.bulk_create(
        CodeDayStatistic(exam=exam, code=code, day=day, missed=n) for code, n in missed.items()
    )


def national_of(body: dict[str, Any]) -> dict[str, Any]:
    return {row["code"]: row["national"] for row in body["codes_detail"]}


def test_a_report_says_which_of_its_codes_are_commonly_missed_and_which_are_rare(student: User) -> None:
    national("PAR", 100, {"PA.I.A.K1": 20, "PA.I.B.K2": 5, "PA.I.C.K3": 4})
    national("PAR", 400, {"PA.I.A.K1": 1}, days_ago=100)  # outside the 90 days of the picture
    report = store(student, ["PA.I.A.K1", "PA.I.B.K2", "PA.I.C.K3", "PA.I.D.K4"])

    body = client_for(student).get(f"/api/v1/reports/{report.pk}").json()
    assert national_of(body) == {
        "PA.I.A.K1": {"share": round(21 / 101, 4), "frequency": "common"},
        "PA.I.B.K2": {"share": round(6 / 101, 4), "frequency": "occasional"},
        "PA.I.C.K3": {"share": 0.0495, "frequency": "occasional"},
        "PA.I.D.K4": {"share": None, "frequency": "rare"},  # missed by this report alone
    }


def test_a_report_of_an_exam_with_too_few_reports_says_nothing(student: User) -> None:
    national("IRA", 28, {"IR.I.A.K1": 20})
    report = store(student, ["IR.I.A.K1"], exam="IRA")
    body = client_for(student).get(f"/api/v1/reports/{report.pk}").json()
    assert national_of(body) == {"IR.I.A.K1": None}


def test_the_upload_answer_and_a_shared_result_carry_the_picture(student: User) -> None:
    national("PAR", 200, {"PA.I.A.K1": 2})
    report = store(None, ["PA.I.A.K1"])
    body = client_for(None).get(f"/api/v1/results/{report.share_token}").json()
    assert national_of(body) == {"PA.I.A.K1": {"share": None, "frequency": "rare"}}


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_reads_the_picture_once_whatever_the_reports_and_exams(student: User, count: int) -> None:
    for exam in ("PAR", "IRA", "CAX"):
        national(exam, 50, {"PA.I.A.K1": 10})
    for n in range(count):
        store(student, ["PA.I.A.K1", f"PA.II.A.K{n + 1}"], exam=("PAR", "IRA", "CAX")[n % 3])
    client = client_for(student)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/reports", {"limit": 100}).json()
    assert len(body["results"]) == count
    assert all(national_of(r)["PA.I.A.K1"]["frequency"] == "common" for r in body["results"])
    # the user, the count, the page, its codes with elements; the picture: exams, then codes
    assert len(queries) <= 6, [q["sql"][:80] for q in queries]


def test_a_plan_weighs_the_national_share_and_shows_it_on_each_item(student: User) -> None:
    national("PAR", 100, {"PA.I.B.K1": 40, "PA.I.A.K1": 2})
    report = store(student, ["PA.I.A.K1", "PA.I.B.K1"])
    plan = study_plan_create(user=student, report_ids=[report.pk])

    sections = list(plan.sections.order_by("position"))
    assert [(s.task, s.priority) for s in sections] == [
        ("B", 100 + 10 + round(50 * 41 / 101)),  # one report, one element (not in this catalogue)
        ("A", 100 + 10),  # 3 of 101 reports: too few to publish, so no national weight
    ]
    body = client_for(student).get(f"/api/v1/study-plans/{plan.pk}").json()
    shares = {item["code"]: item["national_share"] for s in body["sections"] for item in s["items"]}
    assert shares == {"PA.I.B.K1": round(41 / 101, 4), "PA.I.A.K1": None}


def test_without_national_figures_the_plan_orders_as_before(student: User) -> None:
    report = store(student, ["PA.I.A.K1", "PA.I.B.K1"])
    plan = study_plan_create(user=student, report_ids=[report.pk])
    assert [(s.task, s.priority) for s in plan.sections.order_by("position")] == [("A", 110), ("B", 110)]
    assert set(plan.items.values_list("national_share", flat=True)) == {None}


def test_the_national_term_is_the_highest_share_times_fifty() -> None:
    codes = [planning.MissedCode(code=c, report=0) for c in ("PA.I.A.K1", "PA.I.A.K2", "PA.I.A.K3")]
    assert planning.national_term(codes, {}) == 0
    assert planning.national_term(codes, {"PA.I.A.K1": 0.1, "PA.I.A.K2": 0.37}) == round(50 * 0.37)
    assert planning.national_term(codes, {"PA.I.A.K3": 1.0}) == planning.WEIGHT_NATIONAL == 50
    assert planning.WEIGHT_NATIONAL < planning.WEIGHT_REPORTS
