"""Reads of webhook endpoints and their deliveries: who manages which, and who receives what."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Q, QuerySet

from accounts.models import Membership, User, WebhookDelivery, WebhookEndpoint
from cfipros.errors import NotFound

# Members whose events an organization's endpoints receive; an unknown Clerk role has no access.
RECEIVING_ROLES = (Membership.Role.ADMIN, Membership.Role.INSTRUCTOR, Membership.Role.STUDENT)


def webhook_endpoints_managed_by(user: User) -> QuerySet[WebhookEndpoint]:
    """The user's own endpoints and those of every organization they administer, newest first."""
    administered = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values("organization_id")
    return WebhookEndpoint.objects.filter(Q(owner=user) | Q(organization_id__in=administered)).order_by(
        "-created_at", "id"
    )


def webhook_endpoint_get(*, user: User, endpoint_id: UUID) -> WebhookEndpoint:
    endpoint = webhook_endpoints_managed_by(user).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise NotFound("You manage no webhook endpoint with this id.", code="webhook_endpoint_not_found")
    return endpoint


def webhook_endpoints_receiving(*, user_id: int, event: str) -> list[WebhookEndpoint]:
    """The enabled endpoints subscribed to ``event`` that receive the events of ``user_id``: the
    user's own, and those of the organizations the user is a member of (one query)."""
    organizations = Membership.objects.filter(user_id=user_id, role__in=RECEIVING_ROLES).values(
        "organization_id"
    )
    endpoints = WebhookEndpoint.objects.filter(
        Q(owner_id=user_id) | Q(organization_id__in=organizations), enabled=True
    ).order_by("created_at")
    # The subscription is matched here: JSON containment is not available on every database.
    return [endpoint for endpoint in endpoints if event in endpoint.events]


def webhook_deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """Every attempt to the endpoint, newest first; the body, which the list does not show, is left
    unread."""
    return WebhookDelivery.objects.filter(endpoint=endpoint).defer("body").order_by("-created_at", "-attempt")


def webhook_delivery_get(*, endpoint: WebhookEndpoint, delivery_id: UUID) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.filter(endpoint=endpoint, pk=delivery_id).first()
    if delivery is None:
        raise NotFound("This endpoint has no delivery with this id.", code="webhook_delivery_not_found")
    return delivery


# An attempt queued at once that is still pending after this long lost its message.
UNQUEUED_AFTER = timedelta(minutes=5)
DUE_BATCH = 1000


def webhook_deliveries_due(*, now: datetime) -> list[UUID]:
    """Pending attempts to enabled endpoints that are due (``next_retry_at`` passed), or that were
    to go at once and are still waiting after :data:`UNQUEUED_AFTER`; the oldest first."""
    waiting = Q(next_retry_at__lte=now) | Q(next_retry_at__isnull=True, created_at__lte=now - UNQUEUED_AFTER)
    rows = WebhookDelivery.objects.filter(
        waiting, status=WebhookDelivery.Status.PENDING, endpoint__enabled=True
    ).order_by("created_at")
    return list(rows.values_list("pk", flat=True)[:DUE_BATCH])
