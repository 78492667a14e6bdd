"""Writes of outgoing webhooks: endpoints (register, change, delete, rotate the secret, ping),
events (``webhook_emit``, called by the apps where things happen) and replays.

Who may register: an organization's admin, for the organization; an instructor or a school
administrator, for their own account. Both need a plan that includes batches (CFI, School).
Who receives an event: the endpoints of the user the batch, report or plan belongs to, and those
of the organizations that user is a member of.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Organization, User, WebhookDelivery, WebhookEndpoint
from accounts.outgoing.addresses import target_resolve
from accounts.outgoing.events import EVENT_TYPES, PING
from accounts.outgoing.selectors import webhook_endpoints_receiving
from accounts.outgoing.signing import message_id_generate, secret_encrypt, secret_generate
from accounts.outgoing.tasks import webhook_deliveries_queue
from accounts.plans.services import entitlement_check
from cfipros.errors import Conflict, Forbidden, Invalid

logger = logging.getLogger(__name__)

SELF_SERVICE_ROLES = (User.Role.CFI, User.Role.SCHOOL_ADMIN)


def _events_clean(events: Sequence[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown or not events:
        message = "Subscribe to one or more of: " + ", ".join(EVENT_TYPES) + "."
        raise Invalid(message, code="webhook_events_invalid", errors={"events": [message]})
    return [event for event in EVENT_TYPES if event in events]


def _organization_administered(user: User, organization_id: int) -> Organization:
    organization = Organization.objects.filter(
        pk=organization_id, memberships__user=user, memberships__role=Membership.Role.ADMIN
    ).first()
    if organization is None:
        raise Forbidden(
            "Only an administrator of the organization registers its webhook endpoints.",
            code="not_organization_admin",
        )
    return organization


def webhook_endpoint_create(
    *, user: User, url: str, events: Sequence[str], description: str = "", organization_id: int | None = None
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its secret, which is never shown again."""
    organization = None
    if organization_id is not None:
        organization = _organization_administered(user, organization_id)
    elif user.role not in SELF_SERVICE_ROLES:
        raise Forbidden(
            "Instructors and school administrators register webhook endpoints.", code="webhook_role_required"
        )
    entitlement_check(user, "batch")
    clean_events = _events_clean(events)
    target_resolve(url)
    owned = Q(organization=organization) if organization else Q(owner=user, organization__isnull=True)
    if WebhookEndpoint.objects.filter(owned).count() >= int(settings.WEBHOOKS_MAX_ENDPOINTS):
        message = f"At most {settings.WEBHOOKS_MAX_ENDPOINTS} webhook endpoints per account or organization."
        raise Invalid(message, code="too_many_webhook_endpoints")
    secret = secret_generate()
    endpoint = WebhookEndpoint.objects.create(
        organization=organization,
        owner=None if organization else user,
        created_by=user,
        url=url,
        description=description,
        events=clean_events,
        secret_encrypted=secret_encrypt(secret),
    )
    return endpoint, secret


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Sequence[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint; enabling it again starts its failure count afresh."""
    if url is not None:
        target_resolve(url)
        endpoint.url = url
    if events is not None:
        endpoint.events = _events_clean(events)
    if description is not None:
        endpoint.description = description
    if enabled is True and not endpoint.enabled:
        endpoint.enabled, endpoint.consecutive_failures = True, 0
        endpoint.disabled_at, endpoint.disabled_reason = None, ""
    elif enabled is False and endpoint.enabled:
        endpoint.enabled, endpoint.disabled_at, endpoint.disabled_reason = (
            False,
            timezone.now(),
            "Disabled by its owner.",
        )
    endpoint.save()
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """Replace the secret at once; the new one signs every attempt from now on, retries included."""
    secret = secret_generate()
    endpoint.secret_encrypted = secret_encrypt(secret)
    endpoint.save(update_fields=["secret_encrypted", "updated_at"])
    return secret


def _body(event: str, occurred_at: datetime, data: dict[str, Any]) -> str:
    timestamp = occurred_at.isoformat().replace("+00:00", "Z")
    return json.dumps({"type": event, "timestamp": timestamp, "data": data}, separators=(",", ":"))


def _queue_after_commit(delivery_ids: list[UUID]) -> None:
    transaction.on_commit(partial(webhook_deliveries_queue, delivery_ids))


def webhook_endpoint_ping(*, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a ``ping`` now, even to a disabled endpoint; it is not retried and does not count
    towards disabling."""
    body = _body(PING, timezone.now(), {"endpoint_id": str(endpoint.pk)})
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=message_id_generate(),
        event_type=PING,
        body=body,
        trigger=WebhookDelivery.Trigger.TEST,
    )
    _queue_after_commit([delivery.pk])
    return delivery


def webhook_delivery_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's message again, under the same message id, from attempt 1."""
    if delivery.status in (WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING):
        raise Conflict("This delivery has not finished; replay it once it has.", code="delivery_in_progress")
    endpoint = delivery.endpoint
    if not endpoint.enabled and delivery.trigger != WebhookDelivery.Trigger.TEST:
        raise Conflict(
            "The endpoint is disabled; enable it before replaying.", code="webhook_endpoint_disabled"
        )
    body = WebhookDelivery.objects.filter(pk=delivery.pk).values_list("body", flat=True).get()
    replay = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=delivery.message_id,
        event_type=delivery.event_type,
        body=body,
        trigger=WebhookDelivery.Trigger.TEST
        if delivery.trigger == WebhookDelivery.Trigger.TEST
        else WebhookDelivery.Trigger.REPLAY,
    )
    _queue_after_commit([replay.pk])
    return replay


def webhook_emit(*, event: str, user_id: int | None, data: dict[str, Any]) -> None:
    """Announce ``event`` about something of ``user_id`` to the endpoints that receive it.

    Called by the service where the event happens, usually inside its transaction: the endpoints
    are read and the attempts queued only once it commits, and a failure here is logged, never
    raised into the caller. ``data`` holds ids, counts and codes only (see ``events``).
    """
    if user_id is None:
        return
    occurred_at = timezone.now()
    transaction.on_commit(partial(_emit_committed, event, user_id, data, occurred_at), robust=True)


def _emit_committed(event: str, user_id: int, data: dict[str, Any], occurred_at: datetime) -> None:
    endpoints = webhook_endpoints_receiving(user_id=user_id, event=event)
    if not endpoints:
        return
    body = _body(event, occurred_at, data)
    message_id = message_id_generate()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=endpoint, message_id=message_id, event_type=event, body=body)
            for endpoint in endpoints
        ]
    )
    webhook_deliveries_queue([delivery.pk for delivery in deliveries])
