"""One Clerk webhook delivery, start to end: verified, parsed, claimed once, applied atomically.

A delivery whose processing fails is released again, so Clerk's retry of it is accepted; one that
was applied is remembered (``verification.claim_delivery``), so a replay or a retry of it is
acknowledged as a duplicate and applies nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts.webhooks import verification
from accounts.webhooks.memberships import membership_delete_from_clerk, membership_upsert_from_clerk
from accounts.webhooks.organizations import organization_delete_from_clerk, organization_upsert_from_clerk
from accounts.webhooks.payload import ClerkEventError, object_at
from accounts.webhooks.users import user_delete_from_clerk, user_upsert_from_clerk
from cfipros.errors import Conflict, Invalid, Unavailable

HANDLERS: dict[str, Callable[[dict[str, Any]], object]] = {
    "user.created": user_upsert_from_clerk,
    "user.updated": user_upsert_from_clerk,
    "user.deleted": user_delete_from_clerk,
    "organization.created": organization_upsert_from_clerk,
    "organization.updated": organization_upsert_from_clerk,
    "organization.deleted": organization_delete_from_clerk,
    "organizationMembership.created": membership_upsert_from_clerk,
    "organizationMembership.updated": membership_upsert_from_clerk,
    "organizationMembership.deleted": membership_delete_from_clerk,
}


@dataclass(frozen=True)
class ClerkWebhookReceipt:
    """What a delivery did: ``applied`` is false for event types this service does not mirror and
    for a ``duplicate``, a delivery id whose event was already applied."""

    type: str
    applied: bool
    duplicate: bool = False


def clerk_event_apply(event: Any) -> bool:
    """Apply one Clerk webhook event atomically; False when its type is not one we mirror."""
    if not isinstance(event, dict):
        raise ClerkEventError(
            "The event must be a JSON object.", errors={"non_field_errors": ["Expected an object."]}
        )
    event_type = event.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise ClerkEventError("The event has no usable type.", errors={"type": ["This field is required."]})
    handler = HANDLERS.get(event_type)
    if handler is None:
        return False
    data = object_at(event, "data", "data")
    with transaction.atomic():
        handler(data)
    return True


def clerk_webhook_receive(
    *, body: bytes, message_id: str | None, timestamp: str | None, signature: str | None
) -> ClerkWebhookReceipt:
    """Verify a delivery's Svix headers, then apply its event once.

    Raises ``Unavailable`` without a configured secret, ``WebhookRejected`` (unauthenticated) for a
    delivery not provably from Clerk, ``Invalid`` for a body that is not a usable event, and
    ``Conflict`` for a delivery id whose first delivery is still being applied. A delivery id whose
    event was applied is acknowledged as a duplicate, so Svix stops retrying it.
    """
    secret = settings.CLERK_WEBHOOK_SECRET
    if not secret:
        raise Unavailable("Clerk webhooks are not configured.", code="webhooks_not_configured")
    tolerance = settings.CLERK_WEBHOOK_TOLERANCE_SECONDS
    verification.verify_delivery(
        secret=secret,
        message_id=message_id,
        timestamp=timestamp,
        signature_header=signature,
        body=body,
        tolerance=tolerance,
    )
    assert message_id is not None
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid("The body is not valid JSON.", code="malformed_json") from exc
    event_type = str(event.get("type")) if isinstance(event, dict) else ""
    if not verification.claim_delivery(message_id, tolerance):
        if verification.delivery_applied(message_id):
            return ClerkWebhookReceipt(type=event_type, applied=False, duplicate=True)
        raise Conflict("This delivery is still being processed; retry it later.", code="webhook_in_progress")
    try:
        applied = clerk_event_apply(event)
    except Exception:
        verification.release_delivery(message_id)
        raise
    verification.complete_delivery(message_id, tolerance)
    return ClerkWebhookReceipt(type=event_type, applied=applied)
