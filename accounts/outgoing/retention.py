"""How long delivery attempts are kept: the history an endpoint's owner reads, not an archive."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import WebhookDelivery

FINISHED = (WebhookDelivery.Status.SUCCEEDED, WebhookDelivery.Status.FAILED, WebhookDelivery.Status.CANCELLED)


def webhook_deliveries_purge(*, now: datetime | None = None) -> int:
    """Delete finished attempts older than ``WEBHOOKS_DELIVERY_RETENTION_DAYS`` (pending ones stay,
    whatever their age); returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=int(settings.WEBHOOKS_DELIVERY_RETENTION_DAYS))
    deleted, _ = WebhookDelivery.objects.filter(status__in=FINISHED, created_at__lt=cutoff).delete()
    return deleted
