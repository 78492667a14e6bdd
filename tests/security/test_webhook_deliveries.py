"""Issue 11, items 7 and 13: duplicate Clerk deliveries, and signatures that must not pass.

A repeated ``svix-id`` used to get 409: when our 200 was lost after the commit, Svix kept retrying
the delivery and could end up disabling the endpoint. The signature tests pin what a mutation
of the verifier survived: several ``v1`` signatures none of which is valid, and a valid signature
under another version tag, are refused with 401 and change nothing.
"""

from __future__ import annotations

import json

import pytest

from accounts.models import User
from tests.accounts.clerk_events import URL, assert_problem, user_event
from tests.accounts.conftest import svix_headers, svix_sign

pytestmark = pytest.mark.django_db


def post(client, body: bytes, headers: dict[str, str]):
    return client.post(URL, data=body, content_type="application/json", **headers)


# Duplicates (item 7)


def test_a_duplicate_delivery_gets_200_and_is_not_applied_twice(anonymous_client) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    first = post(anonymous_client, body, headers)
    assert first.status_code == 200
    assert first.json() == {"type": "user.created", "applied": True, "duplicate": False}
    User.objects.filter(clerk_id="user_1").update(email="changed-locally@example.com")
    again = post(anonymous_client, body, headers)
    assert again.status_code == 200, again.content
    assert again.json() == {"type": "user.created", "applied": False, "duplicate": True}
    assert User.objects.get(clerk_id="user_1").email == "changed-locally@example.com"


def test_a_retry_signed_anew_with_the_same_id_is_a_duplicate(anonymous_client) -> None:
    """Svix signs each retry with a fresh timestamp but keeps the message id."""
    body = json.dumps(user_event()).encode()
    assert post(anonymous_client, body, svix_headers(body, message_id="msg_retried")).status_code == 200
    retry = post(anonymous_client, body, svix_headers(body, message_id="msg_retried", timestamp=None))
    assert retry.status_code == 200
    assert retry.json()["duplicate"] is True


def test_a_delivery_still_being_processed_is_409_so_svix_retries_it(anonymous_client, monkeypatch) -> None:
    """Only a delivery whose event was committed is a duplicate; one in flight may yet fail."""
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    seen: list[int] = []

    def concurrent_retry(event: object) -> bool:
        seen.append(post(anonymous_client, body, headers).status_code)
        return True

    monkeypatch.setattr("accounts.webhooks.services.clerk_event_apply", concurrent_retry)
    assert post(anonymous_client, body, headers).status_code == 200
    assert seen == [409]


def test_a_duplicate_with_a_bad_signature_is_still_401(anonymous_client) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    assert post(anonymous_client, body, headers).status_code == 200
    forged = {**headers, "HTTP_SVIX_SIGNATURE": "v1,AAAAbad="}
    assert_problem(post(anonymous_client, body, forged), 401, "webhook_bad_signature")


# Signatures (item 13)


def assert_refused_and_nothing_changed(client, body: bytes, headers: dict[str, str]) -> None:
    assert_problem(post(client, body, headers), 401, "webhook_bad_signature")
    assert not User.objects.exists()
    honest = svix_headers(body, message_id=headers["HTTP_SVIX_ID"])
    assert post(client, body, honest).json()["duplicate"] is False, "the refused delivery claimed its id"


def wrong_signatures(body: bytes, message_id: str, timestamp: str) -> list[str]:
    other_body = svix_sign(body + b" ", message_id, timestamp)
    other_id = svix_sign(body, message_id + "x", timestamp)
    other_secret = svix_sign(body, message_id, timestamp, "whsec_" + "b3RoZXItc2VjcmV0LW5vdC1vdXJz")
    return [other_body, other_id, other_secret, "v1,", "v1,AAAA", "v1"]


@pytest.mark.parametrize("count", [2, 3, 6])
def test_several_wrong_v1_signatures_are_refused(anonymous_client, count: int) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    candidates = wrong_signatures(body, headers["HTTP_SVIX_ID"], headers["HTTP_SVIX_TIMESTAMP"])
    headers["HTTP_SVIX_SIGNATURE"] = " ".join(candidates[:count])
    assert_refused_and_nothing_changed(anonymous_client, body, headers)


@pytest.mark.parametrize("tag", ["v2", "v1a", "V1", "v0", "", "v1 ", "whsec"])
def test_a_valid_signature_under_another_version_tag_is_refused(anonymous_client, tag: str) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    signature = headers["HTTP_SVIX_SIGNATURE"].removeprefix("v1,")
    headers["HTTP_SVIX_SIGNATURE"] = f"{tag},{signature}"
    assert_refused_and_nothing_changed(anonymous_client, body, headers)


def test_the_valid_signature_of_a_delivery_does_not_sign_another(anonymous_client) -> None:
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    other = json.dumps(user_event(clerk_id="user_2")).encode()
    signature = svix_sign(other, headers["HTTP_SVIX_ID"], headers["HTTP_SVIX_TIMESTAMP"])
    headers["HTTP_SVIX_SIGNATURE"] = f"{signature} {signature}"
    assert_refused_and_nothing_changed(anonymous_client, body, headers)


def test_a_valid_signature_among_wrong_ones_is_accepted(anonymous_client) -> None:
    """The counterpart that keeps the refusals above honest: rotation sends several, one valid."""
    body = json.dumps(user_event()).encode()
    headers = svix_headers(body)
    wrong = wrong_signatures(body, headers["HTTP_SVIX_ID"], headers["HTTP_SVIX_TIMESTAMP"])
    headers["HTTP_SVIX_SIGNATURE"] = " ".join([*wrong[:3], headers["HTTP_SVIX_SIGNATURE"]])
    assert post(anonymous_client, body, headers).status_code == 200
    assert User.objects.filter(clerk_id="user_1").exists()
