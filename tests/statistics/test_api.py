"""``/api/v1/stats/codes`` and ``/stats/exams``: public, at most 5 seconds behind the reports,
nothing published under 5 reports, opted-out users left out; and ``PATCH /api/v1/me``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import user_statistics_preference_set
from extraction.reports.services import report_delete
from tests.factories import UserFactory, acs_element
from tests.statistics.conftest import store

pytestmark = pytest.mark.django_db


def codes_of(client: APIClient, query: str = "exam=PAR") -> dict[str, Any]:
    response = client.get(f"/api/v1/stats/codes?{query}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def by_code(body: dict[str, Any]) -> dict[str, int]:
    return {row["code"]: row["reports"] for row in body["codes"]}


def test_the_table_counts_reports_shares_and_leaves_out_codes_under_five(anonymous_client: APIClient) -> None:
    acs_element("PA.I.A.K1", area_title="Preflight", task_title="Qualifications", description="Certificates.")
    users = UserFactory.create_batch(4)
    for user in users:
        store(user, ["PA.I.A.K1", "PA.I.B.K2"])
    store(None, ["PA.I.A.K1", "PA.I.B.K2", "PA.I.C.K3"])
    store(None, ["PA.I.A.K1"])
    store(None, [], exam="IRA")

    body = codes_of(anonymous_client)
    assert (body["exam"], body["days"], body["reports"], body["count"]) == ("PAR", 30, 6, 2)
    assert body["codes"][0] == {
        "code": "PA.I.A.K1",
        "description": "Certificates.",
        "reports": 6,
        "share": 1.0,
        "trend_7d": None,
    }
    assert by_code(body) == {"PA.I.A.K1": 6, "PA.I.B.K2": 5}  # PA.I.C.K3: missed by one report
    assert body["codes"][1]["share"] == round(5 / 6, 4)
    assert all(row["reports"] >= 5 for row in body["codes"])


def test_an_exam_with_fewer_than_five_reports_publishes_nothing(anonymous_client: APIClient) -> None:
    for user in UserFactory.create_batch(4):
        store(user, ["PA.I.A.K1"])
    body = codes_of(anonymous_client)
    assert (body["reports"], body["count"], body["codes"]) == (None, 0, [])
    assert anonymous_client.get("/api/v1/stats/exams").json()["results"] == []


def test_a_new_report_shows_within_five_seconds(
    anonymous_client: APIClient, frozen_time: FrozenDateTimeFactory, django_assert_max_num_queries: Any
) -> None:
    for user in UserFactory.create_batch(5):
        store(user, ["PA.I.A.K1"])
    assert codes_of(anonymous_client)["reports"] == 5
    store(None, ["PA.I.A.K1"])

    frozen_time.tick(4)
    with django_assert_max_num_queries(0):  # served from the cache, which is at most 5 s old
        stale = anonymous_client.get("/api/v1/stats/codes?exam=PAR")
    assert stale.json()["reports"] == 5
    assert stale["Cache-Control"] == "public, max-age=1"
    frozen_time.tick(1)
    fresh = anonymous_client.get("/api/v1/stats/codes?exam=PAR")
    assert fresh.json()["reports"] == 6 and by_code(fresh.json()) == {"PA.I.A.K1": 6}
    assert fresh["Cache-Control"] == "public, max-age=5"


def test_earlier_days_are_cached_until_one_of_them_changes(
    anonymous_client: APIClient,
    student: User,
    frozen_time: FrozenDateTimeFactory,
    django_assert_max_num_queries: Any,
) -> None:
    for user in UserFactory.create_batch(5):
        store(user, ["PA.I.A.K1"])
    old = store(student, ["PA.I.A.K1", "PA.I.B.K2"])
    store(student, ["PA.I.A.K1"])  # kept, until the student opts out
    frozen_time.tick(dt.timedelta(days=2))
    store(None, ["PA.I.B.K2"])
    assert codes_of(anonymous_client)["reports"] == 8

    frozen_time.tick(5)
    with django_assert_max_num_queries(2):  # the earlier days' sums come from the cache: today's only
        assert codes_of(anonymous_client)["reports"] == 8
    report_delete(report=old, user=student)  # a report of an earlier day: their sums are dropped
    frozen_time.tick(5)
    body = codes_of(anonymous_client)
    assert body["reports"] == 7 and by_code(body) == {"PA.I.A.K1": 6}

    user_statistics_preference_set(user=student, contribute=False)  # takes the kept one away
    frozen_time.tick(5)
    body = codes_of(anonymous_client)
    assert body["reports"] == 6 and by_code(body) == {"PA.I.A.K1": 5}


def test_exams_show_reports_pass_rate_and_score_distribution(anonymous_client: APIClient) -> None:
    users = UserFactory.create_batch(6)
    for user, score in zip(users, (55, 68, 70, 74, 91, 100), strict=False):
        store(user, [], score=score, grade="PASS" if score >= 70 else "FAIL")
    for user in users[:4]:
        store(user, [], exam="IRA", score=80)

    response = anonymous_client.get("/api/v1/stats/exams?days=7")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=5"
    body = response.json()
    assert body["count"] == 1  # IRA has 4 reports: left out
    (par,) = body["results"]
    assert (par["exam"], par["reports"], par["pass_rate"], par["mean_score"]) == (
        "PAR",
        6,
        round(4 / 6, 4),
        76.33,
    )
    assert [(b["low"], b["high"], b["reports"]) for b in par["scores"] if b["reports"]] == [
        (50, 59, 1),
        (60, 69, 1),
        (70, 79, 2),
        (90, 100, 2),
    ]
    assert len(par["scores"]) == 10


def test_opted_out_users_are_not_counted_even_after_toggling(
    anonymous_client: APIClient,
    student: User,
    student_client: APIClient,
    frozen_time: FrozenDateTimeFactory,
) -> None:
    for user in UserFactory.create_batch(5):
        store(user, ["PA.I.A.K1"])
    store(student, ["PA.I.A.K1", "PA.I.B.K2"], score=50, grade="FAIL")
    assert codes_of(anonymous_client)["reports"] == 6

    response = student_client.patch("/api/v1/me", {"contribute_to_statistics": False}, format="json")
    assert response.status_code == 200 and response.json()["contribute_to_statistics"] is False
    store(student, ["PA.I.A.K1"])
    frozen_time.tick(5)
    body = codes_of(anonymous_client)
    assert body["reports"] == 5 and by_code(body) == {"PA.I.A.K1": 5}
    assert anonymous_client.get("/api/v1/stats/exams").json()["results"][0]["pass_rate"] == 1.0

    response = student_client.patch("/api/v1/me", {"contribute_to_statistics": True}, format="json")
    assert response.status_code == 200
    frozen_time.tick(5)
    body = codes_of(anonymous_client)
    assert body["reports"] == 7 and by_code(body) == {"PA.I.A.K1": 7}


def test_the_trend_compares_the_last_week_with_the_one_before(
    anonymous_client: APIClient, frozen_time: FrozenDateTimeFactory
) -> None:
    users = UserFactory.create_batch(10)
    for user in users:  # a week ago and more: 10 reports, 5 missing K1
        store(user, ["PA.I.A.K1"] if user in users[:5] else [])
    frozen_time.tick(dt.timedelta(days=8))
    for user in users:  # this week: 10 reports, 8 missing K1
        store(user, ["PA.I.A.K1"] if user in users[:8] else [])
    body = codes_of(anonymous_client)
    assert body["reports"] == 20
    assert body["codes"] == [
        {"code": "PA.I.A.K1", "description": "", "reports": 13, "share": 0.65, "trend_7d": 0.3},
    ]
    last_week = codes_of(anonymous_client, "exam=PAR&days=7")
    assert (last_week["reports"], by_code(last_week)) == (10, {"PA.I.A.K1": 8})
    assert last_week["codes"][0]["trend_7d"] == 0.3


def test_codes_are_paginated(anonymous_client: APIClient) -> None:
    for user in UserFactory.create_batch(5):
        store(user, ["PA.I.A.K1", "PA.I.B.K2", "PA.I.C.K3"])
    first = codes_of(anonymous_client, "exam=PAR&limit=2")
    assert (first["count"], len(first["codes"]), first["previous"]) == (3, 2, None)
    assert first["next"].endswith("/api/v1/stats/codes?exam=PAR&limit=2&offset=2")
    second = codes_of(anonymous_client, "exam=PAR&limit=2&offset=2")
    assert [row["code"] for row in second["codes"]] == ["PA.I.C.K3"] and second["next"] is None


@pytest.mark.parametrize(
    "query",
    [
        "",
        "exam=",
        "exam=par",
        "exam=PARXX",
        "exam=PAR&days=0",
        "exam=PAR&days=91",
        "exam=PAR&days=x",
        "exam=PAR&limit=0",
    ],
)
def test_bad_parameters_get_a_problem(anonymous_client: APIClient, query: str) -> None:
    response = anonymous_client.get(f"/api/v1/stats/codes?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("query", ["days=0", "days=", "days=1.5", "days=7.0", "days=%207", "offset=-1"])
def test_bad_exam_parameters_get_a_problem(anonymous_client: APIClient, query: str) -> None:
    response = anonymous_client.get(f"/api/v1/stats/exams?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_the_tables_need_no_sign_in_and_ignore_a_bad_token(anonymous_client: APIClient) -> None:
    anonymous_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert anonymous_client.get("/api/v1/stats/codes?exam=PAR").status_code == 200
    assert anonymous_client.get("/api/v1/stats/exams").status_code == 200


@pytest.mark.parametrize("codes", [1, 40])
def test_the_table_costs_the_same_queries_whatever_its_size(
    anonymous_client: APIClient, django_assert_max_num_queries: Any, codes: int
) -> None:
    missed = [f"PA.I.A.K{n}" for n in range(1, codes + 1)]
    for user in UserFactory.create_batch(5):
        store(user, missed)
        store(user, [], exam=f"X{codes % 7}{len(missed) % 3}")
    # the exam's reports and its codes with their wording for the earlier days, today's reports
    # and codes, the wording of codes first missed today
    with django_assert_max_num_queries(5):
        assert codes_of(anonymous_client)["count"] == codes
    with django_assert_max_num_queries(1):
        assert anonymous_client.get("/api/v1/stats/exams").json()["count"] == 2


def test_me_shows_and_changes_the_preference(student_client: APIClient, student: User) -> None:
    assert student_client.get("/api/v1/me").json()["contribute_to_statistics"] is True
    response = student_client.patch("/api/v1/me", {"contribute_to_statistics": False}, format="json")
    assert response.status_code == 200
    assert response.json()["contribute_to_statistics"] is False
    student.refresh_from_db()
    assert student.contribute_to_statistics is False
    assert student_client.get("/api/v1/me").json()["contribute_to_statistics"] is False


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"contribute_to_statistics": "no"},
        {"contribute_to_statistics": None},
        {"contribute_to_statistics": True, "x": 1},
    ],
)
def test_me_refuses_what_it_cannot_read(
    student_client: APIClient, student: User, body: dict[str, Any]
) -> None:
    response = student_client.patch("/api/v1/me", body, format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    student.refresh_from_db()
    assert student.contribute_to_statistics is True


def test_me_needs_a_sign_in(anonymous_client: APIClient) -> None:
    assert (
        anonymous_client.patch("/api/v1/me", {"contribute_to_statistics": False}, format="json").status_code
        == 401
    )
