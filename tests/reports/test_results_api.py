"""Share links: public read without identity, noindex, 410 after expiry, claiming."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from extraction.models import Report
from tests.personas import client_for
from tests.reports.helpers import upload

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def anonymous_result(pdf: bytes) -> dict[str, str]:
    response = upload(client_for(None), pdf)
    assert response.status_code == 201
    body: dict[str, str] = response.json()
    return body


def test_public_result_is_readable_and_not_indexed(anonymous_result: dict[str, str]) -> None:
    response = client_for(None).get(f"/api/v1/results/{anonymous_result['share_token']}")
    assert response.status_code == 200
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["id"] == anonymous_result["id"]
    assert body["codes"] == ["PA.I.A.K1", "PA.I.B.K2"]
    assert "owner" not in body and "applicant_name" not in body and "exam_id" not in body


def test_unknown_token_is_404_problem() -> None:
    response = client_for(None).get("/api/v1/results/" + "x" * 43)
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert "noindex" in response["X-Robots-Tag"]


def test_expired_result_is_410_problem(anonymous_result: dict[str, str]) -> None:
    Report.objects.filter(pk=anonymous_result["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client_for(None).get(f"/api/v1/results/{anonymous_result['share_token']}")
    assert response.status_code == 410
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "expired"


def test_claim_requires_sign_in(anonymous_result: dict[str, str]) -> None:
    response = client_for(None).post(f"/api/v1/results/{anonymous_result['share_token']}/claim")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_claim_makes_it_the_callers_report_and_is_idempotent(
    anonymous_result: dict[str, str], student: User
) -> None:
    url = f"/api/v1/results/{anonymous_result['share_token']}/claim"
    response = client_for(student).post(url)
    assert response.status_code == 200
    body = response.json()
    assert body["owner"] == student.pk and body["expires_at"] is None
    assert response["Location"] == f"/api/v1/reports/{anonymous_result['id']}"
    report = Report.objects.get(pk=anonymous_result["id"])
    assert report.owner == student and report.expires_at is None
    assert report.applicant_name == "" and report.exam_id_hash == ""

    # The claim rotated the link: the owner claims again through the new one, the old is dead.
    rotated = body["share_token"]
    assert rotated != anonymous_result["share_token"]
    again = client_for(student).post(f"/api/v1/results/{rotated}/claim")
    assert again.status_code == 200 and again.json()["id"] == anonymous_result["id"]
    assert again.json()["share_token"] == rotated
    listed = client_for(student).get("/api/v1/reports").json()
    assert [r["id"] for r in listed["results"]] == [anonymous_result["id"]]
    assert client_for(None).get(f"/api/v1/results/{rotated}").status_code == 200
    assert client_for(None).get(f"/api/v1/results/{anonymous_result['share_token']}").status_code == 404


def test_claim_of_someone_elses_result_is_409(
    anonymous_result: dict[str, str], student: User, stranger: User
) -> None:
    claimed = client_for(student).post(f"/api/v1/results/{anonymous_result['share_token']}/claim")
    assert claimed.status_code == 200
    response = client_for(stranger).post(f"/api/v1/results/{claimed.json()['share_token']}/claim")
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "already_claimed"
    assert Report.objects.get(pk=anonymous_result["id"]).owner == student


def test_claim_of_an_expired_result_is_410(anonymous_result: dict[str, str], student: User) -> None:
    Report.objects.filter(pk=anonymous_result["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client_for(student).post(f"/api/v1/results/{anonymous_result['share_token']}/claim")
    assert response.status_code == 410
    assert Report.objects.get(pk=anonymous_result["id"]).owner is None
