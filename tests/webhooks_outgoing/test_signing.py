"""Signing under the Standard Webhooks scheme, checked by an independent verifier, and the
secret's storage and the retry schedule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from accounts.outgoing import signing
from accounts.outgoing.delivery import retry_delay


def test_a_signature_verifies_with_the_standard_webhooks_library() -> None:
    secret = signing.secret_generate()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    body = json.dumps({"type": "ping", "timestamp": "2026-11-30T02:00:00Z", "data": {"a": 1}})
    message_id = signing.message_id_generate()
    headers = signing.signed_headers(secret, message_id, int(time.time()), body)
    assert headers["webhook-id"].startswith("msg_")
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers) == json.loads(body)


def test_a_signature_fails_for_another_body_secret_or_id() -> None:
    secret = signing.secret_generate()
    body = '{"type":"ping"}'
    headers = signing.signed_headers(secret, "msg_1", int(time.time()), body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify('{"type":"pong"}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.secret_generate()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": "msg_2"})


def test_the_signature_matches_the_scheme_written_out() -> None:
    """The scheme by hand: HMAC-SHA256 over "{id}.{timestamp}.{body}" with the decoded key."""
    key = bytes(range(32))
    secret = "whsec_" + base64.b64encode(key).decode()
    expected = base64.b64encode(hmac.new(key, b"msg_x.1700000000.{}", hashlib.sha256).digest()).decode()
    assert signing.signature(secret, "msg_x", 1700000000, "{}") == f"v1,{expected}"


def test_the_secret_is_stored_encrypted_and_reads_back() -> None:
    secret = signing.secret_generate()
    stored = signing.secret_encrypt(secret)
    assert secret not in stored
    assert secret.removeprefix("whsec_") not in stored
    assert signing.secret_decrypt(stored) == secret


def test_retries_back_off_exponentially_with_jitter_up_to_the_cap(settings) -> None:
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 10
    settings.WEBHOOKS_RETRY_MAX_SECONDS = 300
    for attempt, full in [(1, 10), (2, 20), (3, 40), (5, 160), (6, 300), (12, 300)]:
        delays = [retry_delay(attempt) for _ in range(200)]
        assert all(full / 2 <= delay <= full for delay in delays)
        assert len(set(delays)) > 1, "jitter spreads the retries"
