"""``GET /api/v1/students``: linked and school students with their latest result and readiness."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun.api import FrozenDateTimeFactory
from rest_framework.test import APIClient

from accounts.models import User
from studyplans.students.readiness import readiness
from tests.factories import (
    AcsElementFactory,
    ReportFactory,
    StudyPlanFactory,
    StudyPlanItemFactory,
    StudyPlanSectionFactory,
    UserFactory,
)
from tests.links.conftest import accept, invite
from tests.personas import client_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 14)


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    for code in ("PA.I.A.K1", "PA.I.B.K2", "PA.III.A.K1", "PA.III.B.R1", "PA.VII.A.S1"):
        AcsElementFactory(code=code)


def _link(cfi_client: APIClient, student: User) -> None:
    accept(client_for(student), invite(cfi_client)["token"])


def test_students_lists_linked_and_school_students_with_their_latest_report(
    frozen_time: FrozenDateTimeFactory, cfi: User, cfi_client: APIClient, student: User, instructor: User
) -> None:
    ReportFactory(owner=student, exam_date=dt.date(2025, 6, 1), score=60, codes=["PA.I.A.K1"])
    latest = ReportFactory(
        owner=student,
        exam_date=dt.date(2026, 1, 10),
        expiration_date=None,
        score=78,
        grade="PASS",
        codes=["PA.III.A.K1", "PA.III.B.R1", "PA.I.A.K1"],
    )
    _link(cfi_client, student)
    for client in (cfi_client, client_for(instructor)):
        (row,) = client.get("/api/v1/students").json()["results"]
        assert row["id"] == student.pk
        assert row["latest_report"] == {
            "id": str(latest.pk),
            "exam_code": "PAR",
            "exam_date": "2026-01-10",
            "score": 78,
            "grade": "PASS",
        }
        assert [(a["area"], a["codes"]) for a in row["weakest_areas"]] == [
            ("III", ["PA.III.A.K1", "PA.III.B.R1"]),
            ("I", ["PA.I.A.K1"]),
        ]
        assert row["weakest_areas"][0]["title"] == "Area III"
        assert row["plan_progress"] is None
        assert row["knowledge_test_expires"] == "2028-01-31"
        expected = readiness(
            score=78, open_areas=2, plan_percent=None, expires=dt.date(2028, 1, 31), today=TODAY
        )
        assert row["readiness"] == expected == round(100 * (0.4 * 0.78 + 0.3 * 0.6 + 0 + 0.1))


def test_plan_progress_closes_areas_and_raises_readiness(
    frozen_time: FrozenDateTimeFactory, cfi_client: APIClient, student: User
) -> None:
    ReportFactory(owner=student, exam_date=dt.date(2026, 1, 10), score=80, codes=["PA.I.A.K1", "PA.III.A.K1"])
    plan = StudyPlanFactory(owner=student)
    first = StudyPlanSectionFactory(plan=plan, prefix="PA", area="I")
    third = StudyPlanSectionFactory(plan=plan, prefix="PA", area="III")
    StudyPlanItemFactory(plan=plan, section=first, done=True, code="PA.I.A.K1")
    StudyPlanItemFactory(plan=plan, section=first, done=True, code="PA.I.A.K2")
    StudyPlanItemFactory(plan=plan, section=third, done=False, code="PA.III.A.K1")
    StudyPlanItemFactory(plan=plan, section=third, done=True, code="PA.III.A.K2")
    _link(cfi_client, student)
    (row,) = cfi_client.get("/api/v1/students").json()["results"]
    assert row["plan_progress"] == 75.0
    # Area I is done in the plan, area III is still open.
    assert row["readiness"] == readiness(
        score=80, open_areas=1, plan_percent=75.0, expires=dt.date(2028, 1, 31), today=TODAY
    )


def test_readiness_formula() -> None:
    today = TODAY
    far = today + dt.timedelta(days=400)
    assert readiness(score=None, open_areas=0, plan_percent=None, expires=far, today=today) == 0
    assert readiness(score=100, open_areas=0, plan_percent=None, expires=far, today=today) == 100
    assert (
        readiness(
            score=100, open_areas=0, plan_percent=100.0, expires=today - dt.timedelta(days=1), today=today
        )
        == 0
    )
    assert readiness(score=70, open_areas=5, plan_percent=0.0, expires=far, today=today) == 38
    assert (
        readiness(
            score=70, open_areas=9, plan_percent=50.0, expires=today + dt.timedelta(days=45), today=today
        )
        == 43
    )
    assert readiness(score=90, open_areas=1, plan_percent=None, expires=None, today=today) == 60


def test_a_student_without_report_is_listed_at_zero(cfi_client: APIClient, student: User) -> None:
    _link(cfi_client, student)
    (row,) = cfi_client.get("/api/v1/students").json()["results"]
    assert row["latest_report"] is None
    assert row["weakest_areas"] == []
    assert row["readiness"] == 0


def test_ended_links_and_strangers_are_not_listed(
    cfi_client: APIClient, student: User, student_client: APIClient, stranger_client: APIClient
) -> None:
    accept(student_client, invite(cfi_client)["token"])
    link_id = cfi_client.get("/api/v1/links").json()["results"][0]["id"]
    student_client.delete(f"/api/v1/links/{link_id}")
    assert cfi_client.get("/api/v1/students").json()["results"] == []
    assert student_client.get("/api/v1/students").json()["results"] == []
    assert stranger_client.get("/api/v1/students").json()["results"] == []


def test_students_cost_a_fixed_number_of_queries(cfi: User, cfi_client: APIClient) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = cfi_client.get("/api/v1/students")
        assert response.status_code == 200
        return len(queries)

    def add_student(n: int) -> None:
        pupil = UserFactory(username=f"pupil{n}")
        ReportFactory(owner=pupil, codes=["PA.I.A.K1", "PA.VII.A.S1"])
        plan = StudyPlanFactory(owner=pupil)
        StudyPlanItemFactory(plan=plan, section__plan=plan)
        _link(cfi_client, pupil)

    add_student(0)
    few = count()
    for n in range(1, 8):
        add_student(n)
    assert count() == few
    assert few <= 6
    body = cfi_client.get("/api/v1/students", {"limit": 3}).json()
    assert body["count"] == 8
    assert len(body["results"]) == 3
