"""A cohort's analytics against the same figures counted here, independently, from the reports made."""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import defaultdict
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import AcsElementFactory, ReportFactory, UserFactory
from tests.links.conftest import accept, invite
from tests.personas import client_for

pytestmark = pytest.mark.django_db

CODES = ["PA.I.A.K1", "PA.I.B.K2", "PA.II.A.R1", "PA.III.A.K1", "PA.III.B.S2", "PA.VII.A.K3"]


@pytest.fixture
def cfi_client(db: None) -> APIClient:
    return client_for(UserFactory(username="analytics_cfi", role=User.Role.CFI, clerk_plan="cfi"))


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    for code in CODES:
        AcsElementFactory(code=code)


def _school(cfi_client: APIClient, students: int, seed: int) -> tuple[int, list[dict[str, Any]], list[User]]:
    """A cohort of ``students`` linked students with random reports; the reports as made, for counting."""
    rng = random.Random(seed)
    pupils = [UserFactory(username=f"s{seed}_{n}") for n in range(students)]
    made: list[dict[str, Any]] = []
    for pupil in pupils:
        accept(client_for(pupil), invite(cfi_client)["token"])
        for _ in range(rng.randint(0, 4)):
            score = rng.randint(40, 100)
            codes = rng.sample(CODES, rng.randint(0, 4))
            day = dt.date(2025, rng.randint(1, 12), rng.randint(1, 28))
            exam = rng.choice(["PAR", "PAR", "IRA"])
            grade = "PASS" if score >= 70 else "FAIL"
            ReportFactory(owner=pupil, score=score, grade=grade, exam_date=day, exam_code=exam, codes=codes)
            made.append(
                {"owner": pupil.pk, "score": score, "grade": grade, "day": day, "exam": exam, "codes": codes}
            )
    outsider = UserFactory(username=f"outsider{seed}")
    ReportFactory(owner=outsider, score=10, grade="FAIL", codes=CODES)
    body = {"name": "Class", "student_ids": [p.pk for p in pupils]}
    cohort = cfi_client.post("/api/v1/cohorts", body, format="json").json()
    return cohort["id"], made, pupils


def _expected(made: list[dict[str, Any]], students: int) -> dict[str, Any]:
    scores = [r["score"] for r in made]
    missing: dict[str, set[int]] = defaultdict(set)
    for report in made:
        for code in report["codes"]:
            missing[".".join(code.split(".")[:2])].add(report["owner"])
    return {
        "students": students,
        "reports": len(made),
        "pass_rate": round(sum(r["grade"] == "PASS" for r in made) / len(made), 4),
        "mean": round(statistics.fmean(scores), 2),
        "missing": {area: len(owners) for area, owners in missing.items()},
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_analytics_match_an_independent_count(cfi_client: APIClient, seed: int) -> None:
    cohort_id, made, pupils = _school(cfi_client, 12, seed)
    body = cfi_client.get(f"/api/v1/cohorts/{cohort_id}/analytics").json()
    expected = _expected(made, len(pupils))
    assert body["students"] == expected["students"]
    assert body["reports"] == expected["reports"]
    assert body["pass_rate"] == expected["pass_rate"]
    assert body["score"]["mean"] == expected["mean"]
    got = {f"{a['prefix']}.{a['area']}": a["students_missing"] for a in body["areas"]}
    assert got == expected["missing"]
    for area in body["areas"]:
        assert area["share"] == round(area["students_missing"] / len(pupils), 4)
        assert area["weakness"] is (area["students_missing"] / len(pupils) > 0.3)
    assert len(body["heatmap"]["cells"]) == len(pupils)
    assert sum(map(sum, body["heatmap"]["cells"])) == sum(len(r["codes"]) for r in made)
    assert sum(month["reports"] for month in body["trend"]) == len(made)


def test_filters_narrow_the_reports(cfi_client: APIClient) -> None:
    cohort_id, made, pupils = _school(cfi_client, 10, 3)
    since, until = dt.date(2025, 3, 1), dt.date(2025, 8, 31)
    params = {"since": since.isoformat(), "until": until.isoformat(), "exam": "PAR"}
    body = cfi_client.get(f"/api/v1/cohorts/{cohort_id}/analytics", params).json()
    kept = [r for r in made if since <= r["day"] <= until and r["exam"] == "PAR"]
    expected = _expected(kept, len(pupils))
    assert body["reports"] == expected["reports"]
    assert body["pass_rate"] == expected["pass_rate"]
    assert {f"{a['prefix']}.{a['area']}": a["students_missing"] for a in body["areas"]} == expected["missing"]


def test_a_student_whose_link_ended_drops_out(cfi_client: APIClient) -> None:
    cohort_id, made, pupils = _school(cfi_client, 4, 4)
    gone = pupils[0]
    link_id = client_for(gone).get("/api/v1/links").json()["results"][0]["id"]
    client_for(gone).delete(f"/api/v1/links/{link_id}")
    body = cfi_client.get(f"/api/v1/cohorts/{cohort_id}/analytics").json()
    assert body["students"] == 3
    assert body["reports"] == len([r for r in made if r["owner"] != gone.pk])
    assert gone.pk not in [s["id"] for s in body["heatmap"]["students"]]


@pytest.mark.parametrize(
    "params", [{"since": "yesterday"}, {"until": "2025-4-01"}, {"exam": "par; drop"}, {"exam": "PAR\n"}]
)
def test_a_bad_query_is_422(cfi_client: APIClient, params: dict[str, str]) -> None:
    cohort_id, _, _ = _school(cfi_client, 1, 5)
    response = cfi_client.get(f"/api/v1/cohorts/{cohort_id}/analytics", params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_a_period_that_ends_before_it_starts_counts_no_report(cfi_client: APIClient) -> None:
    """The contract's dates cannot say "until after since"; such a period is empty, not an error."""
    cohort_id, made, _ = _school(cfi_client, 1, 5)
    assert made
    response = cfi_client.get(
        f"/api/v1/cohorts/{cohort_id}/analytics", {"since": "2025-05-01", "until": "2025-04-01"}
    )
    assert response.status_code == 200
    assert response.json()["reports"] == 0


def test_an_empty_cohort_has_empty_figures(cfi_client: APIClient) -> None:
    cohort = cfi_client.post("/api/v1/cohorts", {"name": "Empty", "student_ids": []}, format="json").json()
    body = cfi_client.get(f"/api/v1/cohorts/{cohort['id']}/analytics").json()
    assert (body["students"], body["reports"], body["pass_rate"], body["areas"]) == (0, 0, None, [])
    assert body["score"]["mean"] is None


def test_analytics_cost_at_most_ten_queries_whatever_the_size(cfi_client: APIClient) -> None:
    def count(cohort_id: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert cfi_client.get(f"/api/v1/cohorts/{cohort_id}/analytics").status_code == 200
        return len(queries)

    small, _, _ = _school(cfi_client, 2, 6)
    large, _, _ = _school(cfi_client, 25, 7)
    assert count(small) == count(large) <= 10
