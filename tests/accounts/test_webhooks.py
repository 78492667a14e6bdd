"""Clerk webhook deliveries: Svix signature checks, replay refusal, and idempotent mirroring."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, User
from accounts.webhooks import verification
from tests.accounts.clerk_events import (
    URL,
    assert_problem,
    deliver,
    membership_event,
    org_event,
    user_event,
)
from tests.accounts.conftest import svix_headers, svix_sign

pytestmark = pytest.mark.django_db

# Signature, freshness and replay


def test_unsigned_delivery_is_401(anonymous_client) -> None:
    body = json.dumps(user_event()).encode()
    response = anonymous_client.post(URL, data=body, content_type="application/json")
    assert_problem(response, 401, "webhook_unsigned")
    assert response["WWW-Authenticate"] == "Svix"
    assert not User.objects.exists()


def test_bad_signature_is_401(anonymous_client) -> None:
    response = deliver(anonymous_client, user_event(), HTTP_SVIX_SIGNATURE="v1,AAAAbadsignature=")
    assert_problem(response, 401, "webhook_bad_signature")
    assert not User.objects.exists()


def test_signature_with_another_secret_is_401(anonymous_client) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    other = "whsec_" + "b3RoZXItc2VjcmV0LW5vdC1vdXJz"
    headers["HTTP_SVIX_SIGNATURE"] = svix_sign(
        body, headers["HTTP_SVIX_ID"], headers["HTTP_SVIX_TIMESTAMP"], other
    )
    response = anonymous_client.post(URL, data=body, content_type="application/json", **headers)
    assert_problem(response, 401, "webhook_bad_signature")


def test_body_changed_after_signing_is_401(anonymous_client) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    tampered = body.replace(b"amelia@example.com", b"mallory@example.com")
    response = anonymous_client.post(URL, data=tampered, content_type="application/json", **headers)
    assert_problem(response, 401, "webhook_bad_signature")


@pytest.mark.parametrize("offset", [-310, 310])
def test_stale_or_future_timestamp_is_401(anonymous_client, offset: int) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body, timestamp=int(time.time()) + offset)
    response = anonymous_client.post(URL, data=body, content_type="application/json", **headers)
    assert_problem(response, 401, "webhook_stale")


def test_timestamp_within_tolerance_is_accepted(anonymous_client) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body, timestamp=int(time.time()) - 200)
    assert (
        anonymous_client.post(URL, data=body, content_type="application/json", **headers).status_code == 200
    )


def test_non_numeric_timestamp_is_401(anonymous_client) -> None:
    response = deliver(anonymous_client, user_event(), HTTP_SVIX_TIMESTAMP="yesterday")
    assert_problem(response, 401, "webhook_bad_timestamp")


def test_oversized_message_id_is_401(anonymous_client) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body, message_id="m" * 300)
    response = anonymous_client.post(URL, data=body, content_type="application/json", **headers)
    assert_problem(response, 401, "webhook_bad_signature")


def test_any_of_several_signatures_may_match(anonymous_client) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    good = headers["HTTP_SVIX_SIGNATURE"]
    headers["HTTP_SVIX_SIGNATURE"] = f"v1,AAAAbad= v1a,{good[3:]} {good}"
    assert (
        anonymous_client.post(URL, data=body, content_type="application/json", **headers).status_code == 200
    )


def test_replayed_delivery_is_a_duplicate_applied_once(anonymous_client) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    first = anonymous_client.post(URL, data=body, content_type="application/json", **headers)
    assert first.status_code == 200
    User.objects.filter(clerk_id="user_1").update(email="changed-locally@example.com")
    replay = anonymous_client.post(URL, data=body, content_type="application/json", **headers)
    assert replay.status_code == 200
    assert replay.json()["duplicate"] is True
    assert User.objects.get(clerk_id="user_1").email == "changed-locally@example.com"


def test_failed_delivery_can_be_retried_with_the_same_id(anonymous_client, monkeypatch) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)

    def broken(event: Any) -> bool:
        raise RuntimeError("database went away")

    monkeypatch.setattr("accounts.webhooks.services.clerk_event_apply", broken)
    failed = anonymous_client.post(URL, data=body, content_type="application/json", **headers)
    assert_problem(failed, 500, "server_error")
    monkeypatch.undo()
    retried = anonymous_client.post(URL, data=body, content_type="application/json", **headers)
    assert retried.status_code == 200
    assert User.objects.filter(clerk_id="user_1").exists()


def test_webhook_needs_no_csrf_token() -> None:
    client = APIClient(enforce_csrf_checks=True)
    assert deliver(client, user_event()).status_code == 200


def test_oversized_body_is_413(anonymous_client) -> None:
    body = b'{"type": "user.created", "data": {"pad": "' + b"x" * (3 * 1024 * 1024) + b'"}}'
    response = anonymous_client.post(URL, data=body, content_type="application/json", **svix_headers(body))
    assert_problem(response, 413, "payload_too_large")


def test_unconfigured_secret_is_503(anonymous_client, settings) -> None:
    settings.CLERK_WEBHOOK_SECRET = ""
    assert_problem(deliver(anonymous_client, user_event()), 503, "webhooks_not_configured")


def test_replay_window_outlives_the_tolerance() -> None:
    assert verification.replay_window(300) > 2 * 300


def test_secret_prefix_is_optional_and_bad_secrets_are_a_configuration_error() -> None:
    assert verification.secret_key("whsec_c2VjcmV0") == verification.secret_key("c2VjcmV0") == b"secret"
    with pytest.raises(ImproperlyConfigured):
        verification.secret_key("whsec_not base64!")


# Payload validation


def test_malformed_json_is_422(anonymous_client) -> None:
    assert_problem(deliver(anonymous_client, b'{"type": "user.created", '), 422, "malformed_json")


def test_non_object_json_is_422(anonymous_client) -> None:
    assert_problem(deliver(anonymous_client, [1, 2]), 422, "invalid_event")


def test_event_without_type_is_422(anonymous_client) -> None:
    body = assert_problem(deliver(anonymous_client, {"data": {}}), 422, "invalid_event")
    assert "type" in body["errors"]


def test_event_without_data_id_is_422_and_retry_is_not_a_replay(anonymous_client) -> None:
    event = {"type": "user.created", "data": {"object": "user"}}
    body = json.dumps(event).encode()
    headers = svix_headers(body)
    first = anonymous_client.post(URL, data=body, content_type="application/json", **headers)
    assert assert_problem(first, 422, "invalid_event")["errors"] == {"data.id": ["This field is required."]}
    again = anonymous_client.post(URL, data=body, content_type="application/json", **headers)
    assert_problem(again, 422, "invalid_event")


def test_overlong_clerk_id_is_422(anonymous_client) -> None:
    body = assert_problem(
        deliver(anonymous_client, user_event(clerk_id="user_" + "x" * 80)), 422, "invalid_event"
    )
    assert "data.id" in body["errors"]
    assert not User.objects.exists()


def test_event_with_non_object_data_is_422(anonymous_client) -> None:
    body = assert_problem(
        deliver(anonymous_client, {"type": "user.created", "data": "x"}), 422, "invalid_event"
    )
    assert "data" in body["errors"]


def test_membership_without_organization_is_422(anonymous_client) -> None:
    event = membership_event()
    del event["data"]["organization"]
    body = assert_problem(deliver(anonymous_client, event), 422, "invalid_event")
    assert "data.organization" in body["errors"]


def test_unknown_event_type_is_acknowledged_and_ignored(anonymous_client) -> None:
    response = deliver(anonymous_client, {"type": "session.created", "data": {"id": "sess_1"}})
    assert response.status_code == 200
    assert response.json() == {"type": "session.created", "applied": False, "duplicate": False}
    assert not User.objects.exists()


# Users


def test_user_created_mirrors_the_user(anonymous_client) -> None:
    event = user_event(public_metadata={"role": "cfi"})
    response = deliver(anonymous_client, event)
    assert response.status_code == 200
    assert response.json() == {"type": "user.created", "applied": True, "duplicate": False}
    user = User.objects.get(clerk_id="user_1")
    assert (user.email, user.first_name, user.last_name, user.role) == (
        "amelia@example.com",
        "Amelia",
        "Earhart",
        "cfi",
    )
    assert user.username == "user_1"
    assert user.is_active


def test_user_created_twice_is_idempotent(anonymous_client) -> None:
    assert deliver(anonymous_client, user_event()).status_code == 200
    assert deliver(anonymous_client, user_event()).status_code == 200
    assert User.objects.filter(clerk_id="user_1").count() == 1


def test_user_created_after_first_token_reuses_the_row(anonymous_client) -> None:
    existing = User.objects.create(clerk_id="user_1", username="user_1")
    assert deliver(anonymous_client, user_event()).status_code == 200
    assert User.objects.get().pk == existing.pk
    assert User.objects.get().email == "amelia@example.com"


def test_user_updated_refreshes_fields_and_ignores_unknown_roles(anonymous_client) -> None:
    deliver(anonymous_client, user_event(public_metadata={"role": "school_admin"}))
    updated = user_event(
        "updated",
        primary_email_address_id="idn_9",
        email_addresses=[{"id": "idn_9", "email_address": "new@example.com"}],
        public_metadata={"role": "superuser"},
        last_name=None,
    )
    assert deliver(anonymous_client, updated).status_code == 200
    user = User.objects.get(clerk_id="user_1")
    assert user.email == "new@example.com"
    assert user.last_name == ""
    assert user.role == "school_admin"


def test_user_without_primary_address_uses_the_first(anonymous_client) -> None:
    deliver(anonymous_client, user_event(primary_email_address_id=None))
    assert User.objects.get(clerk_id="user_1").email == "old@example.com"


def test_user_deleted_deactivates_scrubs_and_keeps_the_row(anonymous_client) -> None:
    deliver(anonymous_client, user_event())
    deliver(anonymous_client, org_event())
    deliver(anonymous_client, membership_event())
    user = User.objects.get(clerk_id="user_1")
    response = deliver(anonymous_client, {"type": "user.deleted", "data": {"id": "user_1", "deleted": True}})
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.is_active
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert user.deleted_at is not None
    assert not user.has_usable_password()
    assert not Membership.objects.exists()
    assert Organization.objects.filter(clerk_id="org_1").exists()


def test_user_deleted_is_idempotent_and_later_updates_do_not_revive(anonymous_client) -> None:
    deliver(anonymous_client, user_event())
    deleted = {"type": "user.deleted", "data": {"id": "user_1", "deleted": True}}
    deliver(anonymous_client, deleted)
    stamp = User.objects.get().deleted_at
    assert deliver(anonymous_client, deleted).status_code == 200
    assert deliver(anonymous_client, user_event("updated")).status_code == 200
    assert deliver(anonymous_client, membership_event()).status_code == 200
    user = User.objects.get()
    assert (user.email, user.is_active, user.deleted_at) == ("", False, stamp)
    assert not Membership.objects.exists()


def test_user_deleted_before_created_leaves_a_tombstone(anonymous_client) -> None:
    deliver(anonymous_client, {"type": "user.deleted", "data": {"id": "user_1", "deleted": True}})
    deliver(anonymous_client, user_event())
    user = User.objects.get()
    assert user.email == ""
    assert not user.is_active


# Organizations


def test_organization_created_updated_deleted(anonymous_client) -> None:
    assert deliver(anonymous_client, org_event()).status_code == 200
    assert deliver(anonymous_client, org_event()).status_code == 200
    assert Organization.objects.get().name == "Purdue Flight"
    assert deliver(anonymous_client, org_event("updated", name="Purdue Aviation")).status_code == 200
    assert Organization.objects.get().name == "Purdue Aviation"
    deliver(anonymous_client, user_event())
    deliver(anonymous_client, membership_event())
    assert (
        deliver(anonymous_client, {"type": "organization.deleted", "data": {"id": "org_1"}}).status_code
        == 200
    )
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()
    assert User.objects.filter(clerk_id="user_1", is_active=True).exists()
    assert (
        deliver(anonymous_client, {"type": "organization.deleted", "data": {"id": "org_1"}}).status_code
        == 200
    )


def test_organization_without_name_is_422(anonymous_client) -> None:
    body = assert_problem(deliver(anonymous_client, org_event(name="")), 422, "invalid_event")
    assert "data.name" in body["errors"]


# Memberships


@pytest.mark.parametrize(
    ("clerk_role", "role"),
    [
        ("org:admin", "admin"),
        ("admin", "admin"),
        ("org:instructor", "instructor"),
        ("instructor", "instructor"),
        ("org:member", "student"),
        ("basic_member", "student"),
        ("org:student", "student"),
        ("student", "student"),
        ("org:billing_manager", "other"),
    ],
)
def test_membership_roles_map_from_clerk(anonymous_client, clerk_role: str, role: str) -> None:
    assert deliver(anonymous_client, membership_event(role=clerk_role)).status_code == 200
    assert Membership.objects.get().role == role


def test_membership_created_before_user_and_org_creates_them(anonymous_client) -> None:
    assert deliver(anonymous_client, membership_event(role="org:instructor")).status_code == 200
    membership = Membership.objects.select_related("user", "organization").get()
    assert membership.clerk_id == "orgmem_1"
    assert membership.user.clerk_id == "user_1"
    assert membership.user.email == "student@example.com"
    assert membership.organization.name == "Purdue Flight"


def test_membership_updated_changes_role_idempotently(anonymous_client) -> None:
    deliver(anonymous_client, membership_event())
    deliver(anonymous_client, membership_event("updated", role="org:admin"))
    deliver(anonymous_client, membership_event("updated", role="org:admin"))
    assert Membership.objects.get().role == "admin"
    assert Membership.objects.count() == 1


def test_membership_adopts_a_row_made_in_the_admin(anonymous_client) -> None:
    user = User.objects.create(clerk_id="user_1", username="user_1")
    org = Organization.objects.create(clerk_id="org_1", name="Purdue Flight")
    Membership.objects.create(user=user, organization=org, role="student")
    assert deliver(anonymous_client, membership_event(role="org:instructor")).status_code == 200
    membership = Membership.objects.get()
    assert (membership.clerk_id, membership.role) == ("orgmem_1", "instructor")


def test_membership_deleted_is_idempotent(anonymous_client) -> None:
    deliver(anonymous_client, membership_event())
    assert deliver(anonymous_client, membership_event("deleted")).status_code == 200
    assert not Membership.objects.exists()
    assert deliver(anonymous_client, membership_event("deleted")).status_code == 200
    assert User.objects.filter(clerk_id="user_1").exists()


def test_membership_deleted_by_pair_when_ids_differ(anonymous_client) -> None:
    deliver(anonymous_client, membership_event(membership_id="orgmem_old"))
    assert (
        deliver(
            anonymous_client, membership_event("deleted", membership_id=f"orgmem_{uuid.uuid4().hex}")
        ).status_code
        == 200
    )
    assert not Membership.objects.exists()


def test_membership_identifier_that_is_not_an_email_is_not_stored(anonymous_client) -> None:
    event = membership_event()
    event["data"]["public_user_data"]["identifier"] = "+15555550100"
    deliver(anonymous_client, event)
    assert User.objects.get().email == ""


# Late or out-of-order deliveries


def test_older_user_update_does_not_overwrite_a_newer_one(anonymous_client) -> None:
    newer = user_event(
        "updated", updated_at=2_000, email_addresses=[{"id": "idn_2", "email_address": "new@x.org"}]
    )
    older = user_event(
        "updated", updated_at=1_000, email_addresses=[{"id": "idn_2", "email_address": "old@x.org"}]
    )
    deliver(anonymous_client, newer)
    assert deliver(anonymous_client, older).status_code == 200
    user = User.objects.get()
    assert (user.email, user.clerk_updated_at) == ("new@x.org", 2_000)
    deliver(anonymous_client, user_event("updated", updated_at=3_000, first_name="Bessie"))
    assert User.objects.get().first_name == "Bessie"


def test_older_organization_update_does_not_rename_back(anonymous_client) -> None:
    newer = org_event("updated", name="Purdue Aviation")
    newer["data"]["updated_at"] = 2_000
    older = org_event("updated", name="Purdue Flight")
    older["data"]["updated_at"] = 1_000
    deliver(anonymous_client, newer)
    deliver(anonymous_client, older)
    assert Organization.objects.get().name == "Purdue Aviation"


def test_older_membership_update_does_not_change_the_role_back(anonymous_client) -> None:
    promoted = membership_event("updated", role="org:admin")
    promoted["data"]["updated_at"] = 2_000
    original = membership_event("created", role="org:member")
    original["data"]["updated_at"] = 1_000
    deliver(anonymous_client, promoted)
    deliver(anonymous_client, original)
    assert Membership.objects.get().role == "admin"
