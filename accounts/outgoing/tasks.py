"""The Celery tasks of outgoing webhooks: one attempt, and the sweep that queues attempts due.

``deliver_webhook`` is a thin shell around
:func:`accounts.outgoing.delivery.webhook_delivery_attempt`. When the attempt failed and another
follows soon (within ``WEBHOOKS_COUNTDOWN_MAX_SECONDS``), the task queues it with the back-off as
its countdown. A longer wait is not left in the broker: Redis hands a message held past its
visibility timeout to another worker, again and again. The attempt waits in the table instead
(``pending`` with ``next_retry_at``), and ``queue_due_webhook_deliveries``, run by beat, queues it
once due. It also queues attempts whose queueing was lost (a process that died between commit
and queue). An attempt queued twice is made once: its claim is idempotent.
``purge_webhook_deliveries`` (beat, hourly) drops finished attempts past their retention.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from uuid import UUID

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import WebhookDelivery
from accounts.outgoing.delivery import webhook_delivery_attempt
from accounts.outgoing.retention import webhook_deliveries_purge
from accounts.outgoing.selectors import webhook_deliveries_due

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
    if outcome.retry_id is not None and outcome.retry_delay <= float(settings.WEBHOOKS_COUNTDOWN_MAX_SECONDS):
        webhook_deliveries_queue([outcome.retry_id], countdown=outcome.retry_delay)
    return outcome.status


@shared_task(name="accounts.queue_due_webhook_deliveries", ignore_result=True)
def queue_due_webhook_deliveries() -> int:
    """Queue the pending attempts that are due, and those left unqueued; returns how many."""
    due = webhook_deliveries_due(now=timezone.now())
    webhook_deliveries_queue(due)
    return len(due)


@shared_task(name="accounts.purge_webhook_deliveries", ignore_result=True)
def purge_webhook_deliveries() -> int:
    """Hourly: finished attempts past ``WEBHOOKS_DELIVERY_RETENTION_DAYS`` go."""
    return webhook_deliveries_purge()


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
