"""Share links: shown to the owner alone, rotated by a claim, chosen and revoked by the owner.

A share token is a capability: whoever holds it reads the result. So it travels only to the one
person entitled to hand it out (the owner, or the anonymous uploader in the upload's answer),
changes hands by rotation when a result is claimed, and stops working once it is revoked,
replaced or past its lifetime. A dead token answers 404 (never issued, revoked, replaced) or 410
(expired).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership, User
from extraction.models import Report
from tests.factories import ReportFactory
from tests.personas import client_for
from tests.reports.conftest import clean_throttles, engine_catalog, pdf
from tests.reports.helpers import upload

pytestmark = pytest.mark.django_db

__all__ = ["clean_throttles", "engine_catalog", "pdf"]  # fixtures of the report tests, used here

PROBLEM = "application/problem+json"
DEAD = (404, 410)


def _share(client: APIClient, report: Report | str, days: int | None = 7) -> Any:
    body = {} if days is None else {"days": days}
    pk = report.pk if isinstance(report, Report) else report
    return client.post(f"/api/v1/reports/{pk}/share", body, format="json")


def _result(token: str) -> Any:
    return client_for(None).get(f"/api/v1/results/{token}")


def _tokens_in(payload: Any) -> list[str]:
    """Every non-empty ``share_token`` anywhere in a JSON document."""
    found: list[str] = []
    if isinstance(payload, dict):
        for key, value in payload.items():
            if key == "share_token" and value:
                found.append(value)
            else:
                found.extend(_tokens_in(value))
    elif isinstance(payload, list):
        for item in payload:
            found.extend(_tokens_in(item))
    return found


@pytest.fixture
def shared_student_report(student: User, school: Any) -> tuple[Report, str]:
    """A student's report with a live share link the student made (every report had one, once)."""
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    if not report.share_token:
        response = _share(client_for(student), report)
        assert response.status_code == 201, response.content
        report.refresh_from_db()
    assert report.share_token
    return report, report.share_token


# --- who sees a token ---------------------------------------------------------------------------


def test_an_instructors_list_carries_no_share_token_of_a_students_report(
    shared_student_report: tuple[Report, str], instructor_client: APIClient, school_admin_client: APIClient
) -> None:
    report, token = shared_student_report
    for staff in (instructor_client, school_admin_client):
        listed = staff.get("/api/v1/reports")
        assert listed.status_code == 200
        assert [r["id"] for r in listed.json()["results"]] == [str(report.pk)]
        assert token not in listed.content.decode()
        assert _tokens_in(listed.json()) == []
        one = staff.get(f"/api/v1/reports/{report.pk}")
        assert one.status_code == 200
        assert one.json()["share_token"] is None and one.json()["share_expires_at"] is None
        assert token not in one.content.decode()


def test_the_owner_sees_the_token_of_their_own_report(
    shared_student_report: tuple[Report, str], student_client: APIClient
) -> None:
    report, token = shared_student_report
    listed = student_client.get("/api/v1/reports").json()["results"]
    assert [(r["id"], r["share_token"]) for r in listed] == [(str(report.pk), token)]
    assert student_client.get(f"/api/v1/reports/{report.pk}").json()["share_token"] == token


def test_owned_reports_have_no_link_until_the_owner_makes_one(student: User, pdf: bytes) -> None:
    response = upload(client_for(student), pdf)
    assert response.status_code == 201
    body = response.json()
    assert body["share_token"] is None and body["share_expires_at"] is None
    assert Report.objects.get(pk=body["id"]).share_token is None


def test_an_instructor_who_leaves_the_school_keeps_no_way_in(
    shared_student_report: tuple[Report, str], instructor: User, instructor_client: APIClient
) -> None:
    """The audit's finding: after the membership went, /reports/{id} said 404 but the token still
    read the report. Instructors never receive the token, so there is nothing left to use."""
    report, _ = shared_student_report
    seen = instructor_client.get("/api/v1/reports").json()
    Membership.objects.filter(user=instructor).delete()
    assert instructor_client.get(f"/api/v1/reports/{report.pk}").status_code == 404
    assert _tokens_in(seen) == []


def test_batch_results_carry_no_share_token(
    instructor_client: APIClient,
    stranger_client: APIClient,
    django_capture_on_commit_callbacks: Any,
    pdf: bytes,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        accepted = instructor_client.post(
            "/api/v1/batches",
            {"files": [SimpleUploadedFile("a.pdf", pdf, content_type="application/pdf")]},
            format="multipart",
        )
    assert accepted.status_code == 202, accepted.content
    batch = accepted.json()["id"]
    for path in (f"/api/v1/batches/{batch}", f"/api/v1/batches/{batch}/export?format=json"):
        owner_view = instructor_client.get(path)
        assert owner_view.status_code == 200
        assert _tokens_in(owner_view.json()) == []
        assert stranger_client.get(path).status_code == 404


# --- anonymous results keep their 24 h link ----------------------------------------------------------


def test_an_anonymous_result_keeps_its_24_hour_link(pdf: bytes) -> None:
    body = upload(client_for(None), pdf).json()
    assert body["share_token"] and len(body["share_token"]) >= 43
    lifetime = timezone.datetime.fromisoformat(body["share_expires_at"]) - timezone.now()
    assert timedelta(hours=23) < lifetime <= timedelta(hours=24)
    assert _result(body["share_token"]).status_code == 200


# --- claiming rotates ---------------------------------------------------------------------------


def test_after_a_claim_the_old_token_is_dead_and_the_owner_holds_a_new_one(pdf: bytes, student: User) -> None:
    anonymous = upload(client_for(None), pdf).json()
    old = anonymous["share_token"]

    claimed = client_for(student).post(f"/api/v1/results/{old}/claim")

    assert claimed.status_code == 200, claimed.content
    new = claimed.json()["share_token"]
    assert new and new != old
    assert _result(old).status_code in DEAD
    assert _result(new).status_code == 200
    # The rotated link lives no longer than the anonymous one did.
    assert claimed.json()["share_expires_at"] == anonymous["share_expires_at"]
    # Whoever still holds the old link can neither read nor claim with it.
    assert client_for(student).post(f"/api/v1/results/{old}/claim").status_code in DEAD


def test_a_claim_by_someone_else_with_the_old_token_finds_nothing(
    pdf: bytes, student: User, stranger: User
) -> None:
    old = upload(client_for(None), pdf).json()["share_token"]
    assert client_for(student).post(f"/api/v1/results/{old}/claim").status_code == 200
    response = client_for(stranger).post(f"/api/v1/results/{old}/claim")
    assert response.status_code in DEAD
    assert response["Content-Type"] == PROBLEM


# --- the owner's share endpoint -------------------------------------------------------------------


def test_the_owner_creates_a_link_with_a_chosen_lifetime(student: User) -> None:
    report = ReportFactory(owner=student)
    response = _share(client_for(student), report, days=30)
    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"share_token", "expires_at", "url"}
    assert response["Location"] == body["url"] == f"/api/v1/results/{body['share_token']}"
    lifetime = timezone.datetime.fromisoformat(body["expires_at"]) - timezone.now()
    assert timedelta(days=29, hours=23) < lifetime <= timedelta(days=30)
    shared = _result(body["share_token"])
    assert shared.status_code == 200
    assert "applicant_name" not in shared.json() and "owner" not in shared.json()


def test_creating_again_rotates_the_link(student: User) -> None:
    report = ReportFactory(owner=student)
    first = _share(client_for(student), report).json()["share_token"]
    second = _share(client_for(student), report, days=1).json()["share_token"]
    assert first != second
    assert _result(first).status_code in DEAD
    assert _result(second).status_code == 200


def test_after_revocation_the_token_is_dead(student: User) -> None:
    report = ReportFactory(owner=student)
    token = _share(client_for(student), report).json()["share_token"]

    revoked = client_for(student).delete(f"/api/v1/reports/{report.pk}/share")

    assert revoked.status_code == 204
    assert _result(token).status_code in DEAD
    assert client_for(student).get(f"/api/v1/reports/{report.pk}").json()["share_token"] is None
    # Revoking what is already revoked changes nothing.
    assert client_for(student).delete(f"/api/v1/reports/{report.pk}/share").status_code == 204


def test_a_link_past_its_lifetime_is_gone(student: User) -> None:
    report = ReportFactory(owner=student)
    token = _share(client_for(student), report, days=1).json()["share_token"]
    Report.objects.filter(pk=report.pk).update(share_expires_at=timezone.now() - timedelta(seconds=1))
    response = _result(token)
    assert response.status_code == 410
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "expired"


def test_the_owner_of_a_claimed_result_may_share_it_for_longer(pdf: bytes, student: User) -> None:
    token = upload(client_for(None), pdf).json()["share_token"]
    claimed = client_for(student).post(f"/api/v1/results/{token}/claim").json()
    longer = _share(client_for(student), claimed["id"], days=90)
    assert longer.status_code == 201
    assert _result(longer.json()["share_token"]).status_code == 200


@pytest.mark.parametrize("days", [0, 91, -1, "a week", None, 1.5])
def test_the_lifetime_is_1_to_90_days(student: User, days: Any) -> None:
    report = ReportFactory(owner=student)
    response = client_for(student).post(
        f"/api/v1/reports/{report.pk}/share", {} if days is None else {"days": days}, format="json"
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    assert "days" in response.json()["errors"]
    assert Report.objects.get(pk=report.pk).share_token is None


@pytest.mark.parametrize("days", [1, 90])
def test_the_bounds_are_accepted(student: User, days: int) -> None:
    assert _share(client_for(student), ReportFactory(owner=student), days=days).status_code == 201


def test_only_the_owner_shares_or_revokes(
    student: User, school: Any, instructor_client: APIClient, stranger_client: APIClient
) -> None:
    report = ReportFactory(owner=student)
    token = _share(client_for(student), report).json()["share_token"]
    url = f"/api/v1/reports/{report.pk}/share"
    for method in ("post", "delete"):
        as_instructor = getattr(instructor_client, method)(url, {"days": 7}, format="json")
        assert as_instructor.status_code == 403, as_instructor.content
        assert as_instructor["Content-Type"] == PROBLEM
        assert getattr(stranger_client, method)(url, {"days": 7}, format="json").status_code == 404
        assert getattr(client_for(None), method)(url, {"days": 7}, format="json").status_code == 401
    assert Report.objects.get(pk=report.pk).share_token == token
    assert _result(token).status_code == 200


def test_an_anonymous_result_cannot_be_shared_through_reports(pdf: bytes, student: User) -> None:
    anonymous = upload(client_for(None), pdf).json()
    assert _share(client_for(student), anonymous["id"]).status_code == 404
    assert client_for(student).delete(f"/api/v1/reports/{anonymous['id']}/share").status_code == 404
    assert _result(anonymous["share_token"]).status_code == 200
