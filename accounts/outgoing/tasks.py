"""The Celery task that makes one webhook attempt, and queueing attempts.

The task is a thin shell around :func:`accounts.outgoing.delivery.webhook_delivery_attempt`; when
the attempt failed and another is due, the task queues it with the back-off as its countdown. A
Redis broker may hand a task with a long countdown to a second worker; the attempt's claim makes
that harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from uuid import UUID

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import WebhookDelivery
from accounts.outgoing.delivery import webhook_delivery_attempt

logger = logging.getLogger(__name__)


@shared_task(
    name="accounts.deliver_webhook",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
    ignore_result=True,
)
def deliver_webhook(delivery_id: str) -> str:
    outcome = webhook_delivery_attempt(UUID(delivery_id))
    if outcome.retry_id is not None:
        webhook_deliveries_queue([outcome.retry_id], countdown=outcome.retry_delay)
    return outcome.status


def webhook_deliveries_queue(delivery_ids: Iterable[UUID], *, countdown: float = 0.0) -> None:
    """Queue one attempt per id; an attempt that cannot be queued is recorded as failed."""
    queue = settings.WEBHOOKS_TASK_QUEUE or None
    for delivery_id in delivery_ids:
        try:
            deliver_webhook.apply_async(args=[str(delivery_id)], countdown=countdown or None, queue=queue)
        except BrokerError:
            logger.exception("could not queue webhook delivery %s", delivery_id)
            WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
                status=WebhookDelivery.Status.FAILED, error="The delivery could not be queued."
            )
