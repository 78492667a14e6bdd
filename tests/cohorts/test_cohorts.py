"""Cohorts: made of the caller's students only, read, renamed, refilled and deleted by their owner."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Cohort, Organization, User
from tests.factories import UserFactory
from tests.links.conftest import accept, invite
from tests.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def cfi(db: None) -> User:
    return UserFactory(username="cohort_cfi", role=User.Role.CFI, clerk_plan="cfi")


@pytest.fixture
def cfi_client(cfi: User) -> APIClient:
    return client_for(cfi)


def _linked(cfi_client: APIClient, n: int) -> list[User]:
    pupils = [UserFactory(username=f"pupil{i}") for i in range(n)]
    for pupil in pupils:
        accept(client_for(pupil), invite(cfi_client)["token"])
    return pupils


def test_an_instructor_makes_reads_renames_refills_and_deletes_a_cohort(cfi_client: APIClient) -> None:
    a, b, c = _linked(cfi_client, 3)
    response = cfi_client.post(
        "/api/v1/cohorts", {"name": "Spring", "student_ids": [a.pk, b.pk]}, format="json"
    )
    assert response.status_code == 201
    cohort = response.json()
    assert response["Location"] == f"/api/v1/cohorts/{cohort['id']}"
    assert cohort["student_ids"] == sorted([a.pk, b.pk])
    path = f"/api/v1/cohorts/{cohort['id']}"
    assert cfi_client.get(path).json()["name"] == "Spring"
    renamed = cfi_client.patch(path, {"name": "Summer"}, format="json").json()
    assert (renamed["name"], renamed["student_ids"]) == ("Summer", sorted([a.pk, b.pk]))
    refilled = cfi_client.patch(path, {"student_ids": [c.pk]}, format="json").json()
    assert (refilled["name"], refilled["student_ids"]) == ("Summer", [c.pk])
    assert cfi_client.delete(path).status_code == 204
    assert cfi_client.get(path).status_code == 404
    assert not Cohort.objects.exists()


def test_a_school_admin_makes_a_cohort_of_the_schools_students(
    school_admin_client: APIClient, student: User, school: Organization
) -> None:
    # The school pays for the school plan, which its administrator gets as a member.
    school.clerk_plan = "school"
    school.save(update_fields=["clerk_plan"])
    response = school_admin_client.post(
        "/api/v1/cohorts", {"name": "A", "student_ids": [student.pk]}, format="json"
    )
    assert response.status_code == 201


def test_only_ones_own_students_go_in_a_cohort(cfi_client: APIClient, student: User, stranger: User) -> None:
    (pupil,) = _linked(cfi_client, 1)
    response = cfi_client.post(
        "/api/v1/cohorts", {"name": "A", "student_ids": [pupil.pk, stranger.pk, 999999]}, format="json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "not_your_students"
    assert len(body["errors"]["student_ids"]) == 2
    assert not Cohort.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": "", "student_ids": []},
        {"name": "A", "student_ids": ["x"]},
        {"name": "A" * 201, "student_ids": []},
    ],
)
def test_a_bad_cohort_is_422(cfi_client: APIClient, body: dict[str, object]) -> None:
    response = cfi_client.post("/api/v1/cohorts", body, format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_someone_elses_cohort_is_404(cfi_client: APIClient, stranger_client: APIClient) -> None:
    (pupil,) = _linked(cfi_client, 1)
    cohort = cfi_client.post(
        "/api/v1/cohorts", {"name": "A", "student_ids": [pupil.pk]}, format="json"
    ).json()
    path = f"/api/v1/cohorts/{cohort['id']}"
    for response in (
        stranger_client.get(path),
        stranger_client.patch(path, {"name": "B"}, format="json"),
        stranger_client.delete(path),
        stranger_client.get(path + "/analytics"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    assert stranger_client.get("/api/v1/cohorts").json()["results"] == []


def test_cohorts_are_paginated_with_a_fixed_number_of_queries(cfi_client: APIClient) -> None:
    pupils = _linked(cfi_client, 4)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert cfi_client.get("/api/v1/cohorts").status_code == 200
        return len(queries)

    cfi_client.post("/api/v1/cohorts", {"name": "c0", "student_ids": [pupils[0].pk]}, format="json")
    few = count()
    for n in range(1, 6):
        ids = [p.pk for p in pupils[: n % 4 + 1]]
        cfi_client.post("/api/v1/cohorts", {"name": f"c{n}", "student_ids": ids}, format="json")
    assert count() == few
    body = cfi_client.get("/api/v1/cohorts", {"limit": 2}).json()
    assert (body["count"], len(body["results"])) == (6, 2)
