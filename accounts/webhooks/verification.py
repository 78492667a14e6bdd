"""Verification of Clerk webhook deliveries, which Clerk signs the Svix way.

A delivery carries ``svix-id``, ``svix-timestamp`` (Unix seconds) and ``svix-signature``: one or more
space-separated ``v1,<base64 HMAC-SHA256>`` entries (several during a secret rotation) over
``"{svix-id}.{svix-timestamp}.{raw body}"``, keyed with the base64-decoded part of the ``whsec_``
secret. A captured delivery stays replayable for as long as its timestamp is within tolerance,
so each verified ``svix-id`` is remembered for longer than that window and a second use applies
nothing: it is acknowledged as a duplicate once the first was committed (Svix retries a delivery
whose answer it did not get, with a fresh timestamp and the same id), and refused while the first
is still being applied, since that one may yet fail and be released.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from cfipros.errors import Unauthenticated

SECRET_PREFIX = "whsec_"  # noqa: S105 (a format marker, not a secret)
MAX_MESSAGE_ID_LENGTH = 200


def _replay_key(message_id: str) -> str:
    # Hashed: a header value may hold characters or lengths some cache backends refuse as keys.
    return "accounts:clerk-webhook:" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()


class WebhookRejected(Unauthenticated):
    """A delivery that is not provably from Clerk; answered with a ``Svix`` challenge."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail, code=code, scheme="Svix")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_...`` secret (the prefix is optional)."""
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("CLERK_WEBHOOK_SECRET is not a valid whsec_ secret.") from exc


def sign(key: bytes, message_id: str, timestamp: str, body: bytes) -> str:
    """The base64 ``v1`` signature of one delivery."""
    content = f"{message_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode("ascii")


def verify_delivery(
    *,
    secret: str,
    message_id: str | None,
    timestamp: str | None,
    signature_header: str | None,
    body: bytes,
    tolerance: int,
    now: float | None = None,
) -> None:
    """Raise ``WebhookRejected`` unless the headers carry a valid, timely signature of ``body``."""
    if not message_id or not timestamp or not signature_header:
        raise WebhookRejected(
            "webhook_unsigned", "The svix-id, svix-timestamp and svix-signature headers are required."
        )
    if len(message_id) > MAX_MESSAGE_ID_LENGTH:
        raise WebhookRejected("webhook_bad_signature", "The svix-id header is too long.")
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise WebhookRejected("webhook_bad_timestamp", "The svix-timestamp header is not a number.") from exc
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        raise WebhookRejected("webhook_stale", "The delivery timestamp is outside the accepted tolerance.")
    expected = sign(secret_key(secret), message_id, timestamp, body).encode("ascii")
    for entry in signature_header.split():
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode("utf-8", "replace"), expected):
            return
    raise WebhookRejected("webhook_bad_signature", "No signature matches the delivery.")


def replay_window(tolerance: int) -> int:
    """Seconds to remember a delivery id: a timestamp accepted now stays acceptable for up to
    twice the tolerance (it may be that far ahead of the clock), plus a margin for clock skew."""
    return 2 * tolerance + 60


# What the replay record of a delivery id holds: its event is being applied, or was committed.
PROCESSING = "processing"
APPLIED = "applied"


def claim_delivery(message_id: str, tolerance: int) -> bool:
    """Record a verified delivery id as being processed; False when it was already seen (a replay,
    or Svix's retry of a delivery whose answer was lost). Atomic in the cache."""
    return bool(cache.add(_replay_key(message_id), PROCESSING, timeout=replay_window(tolerance)))


def delivery_applied(message_id: str) -> bool:
    """Whether the event of an already seen delivery id was committed (not merely in progress)."""
    state = cache.get(_replay_key(message_id))
    return state is not None and state != PROCESSING


def complete_delivery(message_id: str, tolerance: int) -> None:
    """Mark a delivery's event as committed: a repeat of it is acknowledged as a duplicate."""
    cache.set(_replay_key(message_id), APPLIED, timeout=replay_window(tolerance))


def release_delivery(message_id: str) -> None:
    """Forget a delivery whose processing failed, so Clerk's retry of it is accepted."""
    cache.delete(_replay_key(message_id))
