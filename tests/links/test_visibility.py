"""What a link opens: the instructor reads the student's reports, plans and endorsement drafts, writes
none of them, never sees a share token, and loses everything the moment either side ends the link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from freezegun.api import FrozenDateTimeFactory
from rest_framework.test import APIClient

from accounts.models import User
from accounts.selectors import owners_visible_to
from extraction.models import Report
from studyplans.models import StudyPlan
from tests.factories import ReportFactory, UserFactory
from tests.factories.studyplans import StudyPlanFactory, StudyPlanItemFactory
from tests.links.conftest import accept, invite
from tests.personas import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(student: User) -> Report:
    found: Report = ReportFactory(
        owner=student, share_token="s" * 43, share_expires_at=timezone.now() + dt.timedelta(days=5)
    )
    return found


@pytest.fixture
def other_cfi_client(db: None) -> APIClient:
    return client_for(UserFactory(username="other_cfi", role=User.Role.CFI))


def _status(client: APIClient, report: Report) -> int:
    return int(client.get(f"/api/v1/reports/{report.pk}").status_code)


def test_bar_invite_accept_read_then_the_student_ends_the_link(
    cfi_client: APIClient, student_client: APIClient, other_cfi_client: APIClient, report: Report
) -> None:
    assert _status(cfi_client, report) == 404
    assert _status(other_cfi_client, report) == 404
    link = accept(student_client, invite(cfi_client)["token"])
    assert _status(cfi_client, report) == 200
    assert [row["id"] for row in cfi_client.get("/api/v1/reports").json()["results"]] == [str(report.pk)]
    assert _status(other_cfi_client, report) == 404
    assert student_client.delete(f"/api/v1/links/{link['id']}").status_code == 204
    assert _status(cfi_client, report) == 404
    assert cfi_client.get("/api/v1/reports").json()["results"] == []
    assert _status(other_cfi_client, report) == 404


def test_bar_the_instructor_ends_the_link(
    cfi_client: APIClient, student_client: APIClient, report: Report
) -> None:
    link = accept(student_client, invite(cfi_client)["token"])
    assert _status(cfi_client, report) == 200
    assert cfi_client.delete(f"/api/v1/links/{link['id']}").status_code == 204
    assert _status(cfi_client, report) == 404


def test_bar_a_student_invites_and_the_instructor_accepts(
    cfi_client: APIClient, student_client: APIClient, report: Report
) -> None:
    accept(cfi_client, invite(student_client, "student")["token"])
    assert _status(cfi_client, report) == 200


def test_bar_an_expired_invitation_is_410_and_opens_nothing(
    cfi_client: APIClient, student_client: APIClient, report: Report, frozen_time: FrozenDateTimeFactory
) -> None:
    token = invite(cfi_client)["token"]
    frozen_time.tick(dt.timedelta(days=7, seconds=1))
    response = student_client.post(f"/api/v1/invitations/{token}/accept")
    assert response.status_code == 410
    assert response["Content-Type"] == "application/problem+json"
    assert _status(cfi_client, report) == 404


def test_a_declined_invitation_opens_nothing(
    cfi_client: APIClient, student_client: APIClient, report: Report
) -> None:
    student_client.post(f"/api/v1/invitations/{invite(cfi_client)['token']}/decline")
    assert _status(cfi_client, report) == 404


def test_a_link_is_one_way(
    cfi: User, cfi_client: APIClient, student: User, student_client: APIClient
) -> None:
    accept(student_client, invite(cfi_client)["token"])
    cfis_report = ReportFactory(owner=cfi)
    assert _status(student_client, cfis_report) == 404
    assert set(owners_visible_to(cfi)) == {cfi, student}
    assert set(owners_visible_to(student)) == {student}


def test_the_linked_instructor_neither_deletes_nor_shares_nor_sees_the_share_token(
    cfi_client: APIClient, student_client: APIClient, report: Report
) -> None:
    accept(student_client, invite(cfi_client)["token"])
    body = cfi_client.get(f"/api/v1/reports/{report.pk}").json()
    assert body["share_token"] is None
    assert body["share_expires_at"] is None
    listed = cfi_client.get("/api/v1/reports").json()["results"][0]
    assert listed["share_token"] is None
    for response in (
        cfi_client.delete(f"/api/v1/reports/{report.pk}"),
        cfi_client.post(f"/api/v1/reports/{report.pk}/share", {"days": 3}, format="json"),
        cfi_client.delete(f"/api/v1/reports/{report.pk}/share"),
    ):
        assert response.status_code == 403
        assert response["Content-Type"] == "application/problem+json"
    report.refresh_from_db()
    assert report.share_token == "s" * 43


def test_the_linked_instructor_reads_plans_but_records_no_progress(
    cfi_client: APIClient, student: User, student_client: APIClient
) -> None:
    plan: StudyPlan = StudyPlanFactory(owner=student)
    item = StudyPlanItemFactory(plan=plan, section__plan=plan)
    assert cfi_client.get(f"/api/v1/study-plans/{plan.pk}").status_code == 404
    link = accept(student_client, invite(cfi_client)["token"])
    assert cfi_client.get(f"/api/v1/study-plans/{plan.pk}").status_code == 200
    response = cfi_client.patch(
        f"/api/v1/study-plans/{plan.pk}/items/{item.pk}", {"done": True}, format="json"
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    student_client.delete(f"/api/v1/links/{link['id']}")
    assert cfi_client.get(f"/api/v1/study-plans/{plan.pk}").status_code == 404


def test_the_linked_instructor_reads_the_endorsement_draft(
    cfi_client: APIClient, student_client: APIClient, report: Report
) -> None:
    path = f"/api/v1/reports/{report.pk}/endorsement"
    assert cfi_client.get(path).status_code == 404
    link = accept(student_client, invite(cfi_client)["token"])
    assert cfi_client.get(path).status_code == 200
    cfi_client.delete(f"/api/v1/links/{link['id']}")
    assert cfi_client.get(path).status_code == 404


def test_school_membership_keeps_working(instructor_client: APIClient, report: Report) -> None:
    assert _status(instructor_client, report) == 200
