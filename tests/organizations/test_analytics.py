"""A school's analytics for its admins, against the same figures counted here from the reports made."""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from redis.exceptions import RedisError
from rest_framework.test import APIClient

from accounts.models import Cohort, Link, Membership, Organization, User
from extraction.analytics import selectors
from extraction.api.analytics.serializers import CohortAnalyticsSerializer
from extraction.api.organizations.serializers import OrganizationAnalyticsSerializer
from tests.factories import (
    AcsElementFactory,
    MembershipFactory,
    OrganizationFactory,
    ReportFactory,
    UserFactory,
)
from tests.personas import client_for

pytestmark = pytest.mark.django_db

CODES = ["PA.I.A.K1", "PA.I.B.K2", "PA.II.A.R1", "PA.III.A.K1", "PA.III.B.S2", "PA.VII.A.K3"]


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    for code in CODES:
        AcsElementFactory(code=code)


@dataclass
class School:
    organization: Organization
    admin: User
    instructors: list[User]
    students: list[User]
    made: list[dict[str, Any]] = field(default_factory=list)
    taught: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


def _school(students: int, seed: int) -> School:
    """A school: an admin, two instructors (one links, one keeps a cohort), students with reports,
    and, outside it, a stranger's report that must count nowhere."""
    rng = random.Random(seed)
    organization = OrganizationFactory(clerk_plan="school")
    admin = UserFactory(username=f"admin{seed}", role=User.Role.SCHOOL_ADMIN)
    MembershipFactory(user=admin, organization=organization, role=Membership.Role.ADMIN)
    instructors = [UserFactory(username=f"cfi{seed}_{n}", role=User.Role.CFI) for n in range(2)]
    for instructor in instructors:
        MembershipFactory(user=instructor, organization=organization, role=Membership.Role.INSTRUCTOR)
    school = School(organization, admin, instructors, [])
    for n in range(students):
        pupil = UserFactory(username=f"s{seed}_{n}", first_name=f"S{n}", last_name="Pupil")
        MembershipFactory(user=pupil, organization=organization, role=Membership.Role.STUDENT)
        school.students.append(pupil)
        for _ in range(rng.randint(0, 4)):
            score = rng.randint(40, 100)
            codes = rng.sample(CODES, rng.randint(0, 4))
            day = dt.date(2025, rng.randint(1, 6), rng.randint(1, 28))
            grade = "PASS" if score >= 70 else "FAIL"
            ReportFactory(owner=pupil, score=score, grade=grade, exam_date=day, codes=codes)
            school.made.append(
                {"owner": pupil.pk, "score": score, "grade": grade, "day": day, "codes": codes}
            )
    linked, grouped = school.students[::2], school.students[1::3]
    for pupil in linked:
        Link.objects.create(instructor=instructors[0], student=pupil)
        school.taught[instructors[0].pk].add(pupil.pk)
    cohort = Cohort.objects.create(owner=instructors[1], name="Evening class")
    cohort.students.set(grouped)
    school.taught[instructors[1].pk].update(p.pk for p in grouped)
    ReportFactory(owner=UserFactory(username=f"stranger{seed}"), score=5, grade="FAIL", codes=CODES)
    return school


def _get(client: APIClient, school: School, **params: str) -> Any:
    return client.get(f"/api/v1/organizations/{school.organization.pk}/analytics", params)


@pytest.mark.parametrize("seed", [1, 2])
def test_school_figures_match_an_independent_count(seed: int) -> None:
    school = _school(14, seed)
    response = _get(client_for(school.admin), school)
    assert response.status_code == 200, response.content
    body = response.json()
    made = school.made
    missing: dict[str, set[int]] = defaultdict(set)
    for report in made:
        for code in report["codes"]:
            missing[".".join(code.split(".")[:2])].add(report["owner"])
    assert body["students"] == len(school.students)
    assert body["reports"] == len(made)
    assert body["pass_rate"] == round(sum(r["grade"] == "PASS" for r in made) / len(made), 4)
    scores = [r["score"] for r in made]
    assert body["score"]["mean"] == round(statistics.fmean(scores), 2)
    assert body["score"]["median"] == statistics.median(scores)
    assert body["score"]["std_dev"] == round(statistics.pstdev(scores), 2)
    assert (body["score"]["min"], body["score"]["max"]) == (min(scores), max(scores))
    assert {f"{a['prefix']}.{a['area']}": a["students_missing"] for a in body["areas"]} == {
        area: len(owners) for area, owners in missing.items()
    }
    by_name = sorted(school.students, key=lambda p: (p.last_name, p.first_name, p.email, p.pk))
    assert [s["id"] for s in body["heatmap"]["students"]] == [p.pk for p in by_name]
    assert sum(map(sum, body["heatmap"]["cells"])) == sum(len(r["codes"]) for r in made)


def test_each_instructor_has_the_figures_of_the_students_they_teach() -> None:
    school = _school(12, 3)
    body = _get(client_for(school.admin), school).json()
    rows = {row["id"]: row for row in body["instructors"]}
    assert set(rows) == {school.admin.pk, *(i.pk for i in school.instructors)}
    assert rows[school.admin.pk] == {
        "id": school.admin.pk,
        "name": "admin3@example.com",
        "role": "admin",
        "students": 0,
        "reports": 0,
        "pass_rate": None,
        "mean_score": None,
    }
    for instructor in school.instructors:
        theirs = [r for r in school.made if r["owner"] in school.taught[instructor.pk]]
        row = rows[instructor.pk]
        assert row["role"] == "instructor"
        assert row["students"] == len(school.taught[instructor.pk])
        assert row["reports"] == len(theirs)
        assert row["pass_rate"] == round(sum(r["grade"] == "PASS" for r in theirs) / len(theirs), 4)
        assert row["mean_score"] == round(statistics.fmean(r["score"] for r in theirs), 2)


def test_drift_is_the_share_of_each_months_reports_missing_an_area_and_its_change() -> None:
    school = _school(12, 4)
    body = _get(client_for(school.admin), school).json()
    per_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for report in school.made:
        per_month[f"{report['day']:%Y-%m}"].append(report)
    assert [a["prefix"] + "." + a["area"] for a in body["drift"]] == body["heatmap"]["areas"]
    for area in body["drift"]:
        key = f"{area['prefix']}.{area['area']}"
        assert [m["month"] for m in area["months"]] == sorted(per_month)
        previous = None
        for month in area["months"]:
            reports = per_month[month["month"]]
            hit = sum(any(c.startswith(key + ".") for c in r["codes"]) for r in reports)
            assert month["reports_missing"] == hit
            assert month["share"] == round(hit / len(reports), 4)
            if previous is not None and previous["month"] == _month_before(month["month"]):
                assert month["change"] == round(month["share"] - previous["share"], 4)
            else:
                assert month["change"] is None
            previous = month


def _month_before(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def test_filters_narrow_the_reports() -> None:
    school = _school(10, 5)
    body = _get(client_for(school.admin), school, since="2025-02-01", until="2025-04-30", exam="PAR").json()
    kept = [r for r in school.made if dt.date(2025, 2, 1) <= r["day"] <= dt.date(2025, 4, 30)]
    assert body["reports"] == len(kept)
    assert sum(row["reports"] for row in body["trend"]) == len(kept)
    assert _get(client_for(school.admin), school, exam="IRA").json()["reports"] == 0


@pytest.mark.parametrize("who", ["instructor", "student", "stranger", "admin_elsewhere"])
def test_only_the_schools_admins_see_it(who: str) -> None:
    school = _school(2, 6)
    caller = {
        "instructor": school.instructors[0],
        "student": school.students[0],
        "stranger": UserFactory(username="nobody"),
        "admin_elsewhere": MembershipFactory(role=Membership.Role.ADMIN).user,
    }[who]
    response = _get(client_for(caller), school)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "organization_not_found"


def test_an_unknown_organization_is_404_and_the_anonymous_visitor_401() -> None:
    school = _school(1, 7)
    response = client_for(school.admin).get("/api/v1/organizations/999999999/analytics")
    assert response.status_code == 404
    assert response.json()["code"] == "organization_not_found"
    assert _get(client_for(None), school).status_code == 401


@pytest.mark.parametrize("params", [{"since": "yesterday"}, {"exam": "par; drop"}, {"until": "2025-4-01"}])
def test_a_bad_query_is_422(params: dict[str, str]) -> None:
    school = _school(1, 8)
    response = _get(client_for(school.admin), school, **params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_a_school_whose_plan_lacks_analytics_is_refused_after_it_is_found() -> None:
    school = _school(2, 12)
    Organization.objects.filter(pk=school.organization.pk).update(clerk_plan="")
    response = _get(client_for(school.admin), school)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "plan_required"
    assert response.json()["required_plan"]


def test_a_school_without_students_has_empty_figures() -> None:
    organization = OrganizationFactory(clerk_plan="school")
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user
    body = client_for(admin).get(f"/api/v1/organizations/{organization.pk}/analytics").json()
    assert (body["students"], body["reports"], body["pass_rate"], body["areas"], body["drift"]) == (
        0,
        0,
        None,
        [],
        [],
    )


def test_school_analytics_cost_at_most_ten_queries_whatever_the_size() -> None:
    def count(school: School) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _get(client_for(school.admin), school).status_code == 200
        return len(queries)

    small, large = _school(2, 9), _school(30, 10)
    assert count(small) == count(large) <= 10
    # Unchanged data: the figures come from the cache, the roster and who teaches whom are read.
    assert count(small) == count(large) <= 5


def test_a_new_report_and_a_departed_student_show_at_once() -> None:
    school = _school(6, 11)
    client = client_for(school.admin)
    before = _get(client, school).json()
    ReportFactory(
        owner=school.students[0], score=90, grade="PASS", exam_date=dt.date(2025, 3, 3), codes=CODES
    )
    after = _get(client, school).json()
    assert after["reports"] == before["reports"] + 1
    Membership.objects.filter(user=school.students[0], organization=school.organization).delete()
    gone = _get(client, school).json()
    assert gone["students"] == before["students"] - 1
    assert school.students[0].pk not in [s["id"] for s in gone["heatmap"]["students"]]


def test_the_figures_are_already_in_the_contracts_shape() -> None:
    """The views answer the selectors' figures as they are: a serializer pass must change nothing."""
    school = _school(8, 13)
    client = client_for(school.admin)
    body = _get(client, school).json()
    assert body["instructors"] and body["drift"] and body["codes"]
    assert json.loads(json.dumps(OrganizationAnalyticsSerializer(body).data)) == body
    cohort = Cohort.objects.get(owner=school.instructors[1])
    cohort_body = client_for(school.instructors[1]).get(f"/api/v1/cohorts/{cohort.pk}/analytics").json()
    assert cohort_body["heatmap"]["cells"]
    assert json.loads(json.dumps(CohortAnalyticsSerializer(cohort_body).data)) == cohort_body


def test_cohort_analytics_cost_eight_queries_computed_and_four_from_the_cache() -> None:
    """The cohort, two for the plan, the roster, four aggregates; unchanged data skips the four."""

    def count(client: APIClient, cohort: Cohort) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/cohorts/{cohort.pk}/analytics").status_code == 200
        return len(queries)

    small, large = _school(2, 14), _school(30, 15)
    cohorts = []
    for school in (small, large):
        cohort = Cohort.objects.create(owner=school.admin, name="All")
        cohort.students.set(school.students)
        cohorts.append((client_for(school.admin), cohort))
    assert [count(*pair) for pair in cohorts] == [8, 8]
    assert [count(*pair) for pair in cohorts] == [4, 4]


def test_an_unavailable_cache_costs_time_not_the_answer(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    school = _school(5, 16)
    client = client_for(school.admin)
    expected = _get(client, school).json()

    def down(*args: Any, **kwargs: Any) -> None:
        raise RedisError("connection refused")

    monkeypatch.setattr(selectors.cache, "get", down)
    monkeypatch.setattr(selectors.cache, "set", down)
    ReportFactory(
        owner=school.students[0], score=71, grade="PASS", exam_date=dt.date(2025, 2, 2), codes=CODES
    )
    with caplog.at_level("WARNING", logger="extraction.analytics.selectors"):
        body = _get(client, school).json()
    assert body["reports"] == expected["reports"] + 1
    assert body["students"] == expected["students"]
    assert "analytics cache unavailable; computing the figures" in caplog.text
    assert "analytics cache unavailable; figures not kept" in caplog.text
