"""Invitations: made, listed, accepted, declined, refused; links listed and ended; the audit log."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun.api import FrozenDateTimeFactory
from rest_framework.test import APIClient

from accounts.models import Invitation, Link, LinkEvent, User
from tests.factories import UserFactory
from tests.links.conftest import accept, invite
from tests.personas import client_for

pytestmark = pytest.mark.django_db


def test_an_instructor_invites_with_a_long_url_safe_token_valid_seven_days(
    cfi_client: APIClient, frozen_time: FrozenDateTimeFactory
) -> None:
    body = invite(cfi_client)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", body["token"])
    assert body["status"] == "pending"
    assert body["expires_at"] == "2026-03-21T09:00:00Z"
    assert set(body) >= {"id", "token", "expires_at", "status"}


def test_tokens_differ(cfi_client: APIClient) -> None:
    assert invite(cfi_client)["token"] != invite(cfi_client)["token"]


def test_accepting_links_the_instructor_and_the_student(
    cfi: User, cfi_client: APIClient, student: User, student_client: APIClient
) -> None:
    link = accept(student_client, invite(cfi_client)["token"])
    assert link["instructor"]["id"] == cfi.pk
    assert link["student"]["id"] == student.pk
    assert link["status"] == "active"
    assert link["ended_at"] is None
    listed = student_client.get("/api/v1/invitations").json()["results"]
    assert [row["status"] for row in listed] == ["accepted"]
    assert listed[0]["token"] is None  # answered: nothing left to use it for


def test_a_student_invites_an_instructor(
    cfi: User, cfi_client: APIClient, student: User, student_client: APIClient
) -> None:
    link = accept(cfi_client, invite(student_client, "student")["token"])
    assert (link["instructor"]["id"], link["student"]["id"]) == (cfi.pk, student.pk)


def test_a_student_cannot_invite_as_instructor(student_client: APIClient) -> None:
    response = student_client.post("/api/v1/invitations", {"as": "instructor"}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_an_instructor"


def test_a_student_cannot_accept_a_students_invitation(
    student_client: APIClient, stranger_client: APIClient
) -> None:
    token = invite(student_client, "student")["token"]
    response = stranger_client.post(f"/api/v1/invitations/{token}/accept")
    assert response.status_code == 403
    assert response.json()["code"] == "not_an_instructor"


@pytest.mark.parametrize("body", [{}, {"as": "teacher"}, {"as": "instructor", "email": "not an email"}])
def test_a_bad_invitation_is_422(cfi_client: APIClient, body: dict[str, str]) -> None:
    response = cfi_client.post("/api/v1/invitations", body, format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_accepting_ones_own_invitation_is_409(cfi_client: APIClient) -> None:
    token = invite(cfi_client)["token"]
    for answer in ("accept", "decline"):
        response = cfi_client.post(f"/api/v1/invitations/{token}/{answer}")
        assert response.status_code == 409
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "own_invitation"


def test_an_expired_invitation_is_410(
    cfi_client: APIClient, student_client: APIClient, frozen_time: FrozenDateTimeFactory
) -> None:
    token = invite(cfi_client)["token"]
    frozen_time.tick(7 * 24 * 3600)
    response = student_client.post(f"/api/v1/invitations/{token}/accept")
    assert response.status_code == 410
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invitation_expired"
    assert cfi_client.get("/api/v1/invitations").json()["results"][0]["status"] == "expired"
    assert not Link.objects.exists()


def test_a_used_invitation_is_410(
    cfi_client: APIClient, student_client: APIClient, stranger_client: APIClient
) -> None:
    token = invite(cfi_client)["token"]
    accept(student_client, token)
    for client, answer in (
        (stranger_client, "accept"),
        (student_client, "accept"),
        (stranger_client, "decline"),
    ):
        response = client.post(f"/api/v1/invitations/{token}/{answer}")
        assert response.status_code == 410
        assert response.json()["code"] == "invitation_used"
    assert Link.objects.count() == 1


def test_a_declined_invitation_links_nobody_and_is_then_used(
    cfi_client: APIClient, student_client: APIClient
) -> None:
    token = invite(cfi_client)["token"]
    response = student_client.post(f"/api/v1/invitations/{token}/decline")
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    assert student_client.post(f"/api/v1/invitations/{token}/accept").status_code == 410
    assert not Link.objects.exists()


def test_an_unknown_token_is_404(student_client: APIClient) -> None:
    response = student_client.post(f"/api/v1/invitations/{'x' * 43}/accept")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_addressed_invitation_is_answered_by_that_address_only(
    cfi_client: APIClient, student: User, student_client: APIClient, stranger_client: APIClient
) -> None:
    token = invite(cfi_client, email=student.email.upper())["token"]
    response = stranger_client.post(f"/api/v1/invitations/{token}/accept")
    assert response.status_code == 403
    assert response.json()["code"] == "invitation_addressed_elsewhere"
    assert stranger_client.get("/api/v1/invitations").json()["results"] == []
    received = student_client.get("/api/v1/invitations").json()["results"]
    assert [row["token"] for row in received] == [token]
    accept(student_client, token)


def test_a_second_link_between_the_same_two_is_409(cfi_client: APIClient, student_client: APIClient) -> None:
    accept(student_client, invite(cfi_client)["token"])
    response = student_client.post(f"/api/v1/invitations/{invite(cfi_client)['token']}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "already_linked"


def test_links_are_listed_from_both_sides_and_ended_by_either(
    cfi_client: APIClient, student_client: APIClient, stranger_client: APIClient
) -> None:
    link = accept(student_client, invite(cfi_client)["token"])
    assert [row["id"] for row in cfi_client.get("/api/v1/links").json()["results"]] == [link["id"]]
    assert [row["id"] for row in student_client.get("/api/v1/links").json()["results"]] == [link["id"]]
    assert stranger_client.get("/api/v1/links").json()["results"] == []
    assert stranger_client.delete(f"/api/v1/links/{link['id']}").status_code == 404
    assert student_client.delete(f"/api/v1/links/{link['id']}").status_code == 204
    (ended,) = cfi_client.get("/api/v1/links").json()["results"]
    assert ended["status"] == "ended"
    assert ended["ended_at"] is not None
    assert cfi_client.delete(f"/api/v1/links/{link['id']}").status_code == 204  # already ended: no change


def test_an_unknown_link_is_404_problem(cfi_client: APIClient) -> None:
    response = cfi_client.delete("/api/v1/links/999999")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_every_link_event_is_audited(
    cfi: User, cfi_client: APIClient, student: User, student_client: APIClient
) -> None:
    declined = invite(cfi_client)["token"]
    student_client.post(f"/api/v1/invitations/{declined}/decline")
    link = accept(student_client, invite(cfi_client)["token"])
    cfi_client.delete(f"/api/v1/links/{link['id']}")
    events = list(LinkEvent.objects.order_by("pk").values_list("kind", "actor_id"))
    assert events == [
        ("invited", cfi.pk),
        ("declined", student.pk),
        ("invited", cfi.pk),
        ("accepted", student.pk),
        ("ended", cfi.pk),
    ]


def test_the_audit_log_is_read_only_in_the_admin(
    admin_client: APIClient, cfi_client: APIClient, student_client: APIClient
) -> None:
    accept(student_client, invite(cfi_client)["token"])
    for name in ("linkevent", "link", "invitation"):
        page = admin_client.get(f"/admin/accounts/{name}/")
        assert page.status_code == 200
        assert f"/admin/accounts/{name}/add/".encode() not in page.content
    event = LinkEvent.objects.first()
    assert event is not None
    assert admin_client.get(f"/admin/accounts/linkevent/{event.pk}/change/").status_code == 200
    assert admin_client.post(f"/admin/accounts/linkevent/{event.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/accounts/linkevent/add/").status_code == 403
    invitation = Invitation.objects.get()
    assert (
        invitation.token.encode()
        not in admin_client.get(f"/admin/accounts/invitation/{invitation.pk}/change/").content
    )


@pytest.mark.parametrize("path", ["/api/v1/invitations", "/api/v1/links"])
def test_lists_are_paginated_and_cost_a_fixed_number_of_queries(
    path: str, cfi: User, cfi_client: APIClient
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = cfi_client.get(path)
        assert response.status_code == 200
        assert "count" in response.json()
        return len(queries)

    students = [UserFactory(username=f"pupil{n}") for n in range(6)]
    accept(client_for(students[0]), invite(cfi_client)["token"])
    few = count()
    for pupil in students[1:]:
        accept(client_for(pupil), invite(cfi_client)["token"])
    assert count() == few
    response = cfi_client.get(path, {"limit": 2})
    assert len(response.json()["results"]) == 2
    assert response.json()["count"] == 6


def test_an_invitation_is_sent_as_json_only(cfi_client: APIClient) -> None:
    # A form may repeat ``email``, of which a form parser would keep one unseen.
    response = cfi_client.post(
        "/api/v1/invitations",
        "as=instructor&email=a%40x.org&email=b%40x.org",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
