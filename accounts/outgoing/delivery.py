"""One delivery attempt: claim it, sign, send to the checked address, record what happened and,
after a failure, schedule the next attempt or disable an endpoint that keeps failing.

Attempts run at least once (the task is acknowledged late), so claiming is idempotent: only a
``pending`` attempt, or one left ``sending`` by a worker that died, is sent; a duplicate of a task
finds it done and does nothing.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import WebhookDelivery, WebhookEndpoint
from accounts.outgoing import transport
from accounts.outgoing.addresses import target_resolve
from accounts.outgoing.signing import secret_decrypt, signed_headers
from cfipros.errors import Invalid

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status
Trigger = WebhookDelivery.Trigger


@dataclass(frozen=True)
class AttemptOutcome:
    """What an attempt ended as, and the next attempt to queue (after ``retry_delay`` seconds)."""

    status: str
    retry_id: UUID | None = None
    retry_delay: float = 0.0


def retry_delay(attempt: int) -> float:
    """Seconds before the attempt after ``attempt``: exponential back-off, capped, with "equal
    jitter" (half fixed, half random) so endpoints that failed together are not retried together."""
    base = float(settings.WEBHOOKS_RETRY_BASE_SECONDS)
    ceiling = min(float(settings.WEBHOOKS_RETRY_MAX_SECONDS), base * 2 ** max(0, attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # spreading load, not a secret


def _claim(delivery_id: UUID) -> WebhookDelivery | None:
    stale_before = timezone.now() - timedelta(seconds=4 * float(settings.WEBHOOKS_TIMEOUT_SECONDS) + 30)
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None
        stale = (
            delivery.status == Status.SENDING
            and delivery.attempted_at is not None
            and delivery.attempted_at < stale_before
        )
        if delivery.status != Status.PENDING and not stale:
            return None
        delivery.status = Status.SENDING
        delivery.attempted_at = timezone.now()
        delivery.save(update_fields=["status", "attempted_at"])
    return delivery


def _send(delivery: WebhookDelivery, endpoint: WebhookEndpoint) -> transport.Answer:
    try:
        secret = secret_decrypt(endpoint.secret_encrypted)
    except InvalidToken:
        return transport.Answer(None, 0, "The endpoint's secret cannot be read; rotate it.")
    try:
        target = target_resolve(endpoint.url)
    except Invalid as exc:
        return transport.Answer(None, 0, exc.detail[:300])
    headers = signed_headers(secret, delivery.message_id, int(time.time()), delivery.body)
    return transport.post(target, headers, delivery.body, timeout=float(settings.WEBHOOKS_TIMEOUT_SECONDS))


def webhook_delivery_attempt(delivery_id: UUID) -> AttemptOutcome:
    """Make one attempt of a pending delivery (see the module's docstring)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return AttemptOutcome("skipped")
    endpoint = delivery.endpoint
    if not endpoint.enabled and delivery.trigger != Trigger.TEST:
        delivery.status = Status.CANCELLED
        delivery.error = "The endpoint is disabled."
        delivery.save(update_fields=["status", "error"])
        return AttemptOutcome(Status.CANCELLED)
    answer = _send(delivery, endpoint)
    succeeded = answer.status is not None and 200 <= answer.status < 300
    return _record(delivery, answer, succeeded=succeeded)


@transaction.atomic
def _record(delivery: WebhookDelivery, answer: transport.Answer, *, succeeded: bool) -> AttemptOutcome:
    """Write the attempt's outcome. A failure counts against the endpoint under its row lock; a
    success takes no lock and writes the endpoint only when it had failures to clear, so the
    deliveries to one busy endpoint do not queue behind each other."""
    delivery.response_status = answer.status
    delivery.latency_ms = answer.latency_ms
    if not succeeded and not answer.error:
        delivery.error = f"The endpoint answered {answer.status}."
    else:
        delivery.error = answer.error
    delivery.status = Status.SUCCEEDED if succeeded else Status.FAILED
    delivery.next_retry_at = None  # a retry's due time, now past; set again if another follows
    retry: WebhookDelivery | None = None
    delay = 0.0
    if delivery.trigger == Trigger.TEST:
        pass  # a ping tells its sender how the endpoint answers; it neither retries nor counts
    elif succeeded:
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
    else:
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        endpoint.consecutive_failures += 1
        if endpoint.enabled and endpoint.consecutive_failures >= int(
            settings.WEBHOOKS_MAX_CONSECUTIVE_FAILURES
        ):
            endpoint.enabled = False
            endpoint.disabled_at = timezone.now()
            endpoint.disabled_reason = f"{endpoint.consecutive_failures} consecutive failed attempts."
            logger.warning(
                "webhook endpoint %s disabled after %d failures", endpoint.pk, endpoint.consecutive_failures
            )
        endpoint.save(
            update_fields=["consecutive_failures", "enabled", "disabled_at", "disabled_reason", "updated_at"]
        )
        if endpoint.enabled and delivery.attempt < int(settings.WEBHOOKS_MAX_ATTEMPTS):
            delay = retry_delay(delivery.attempt)
            delivery.next_retry_at = timezone.now() + timedelta(seconds=delay)
            retry = WebhookDelivery.objects.create(
                endpoint=endpoint,
                message_id=delivery.message_id,
                event_type=delivery.event_type,
                body=delivery.body,
                trigger=Trigger.RETRY,
                attempt=delivery.attempt + 1,
                next_retry_at=delivery.next_retry_at,  # when it is due
            )
    delivery.save(update_fields=["response_status", "latency_ms", "error", "status", "next_retry_at"])
    return AttemptOutcome(delivery.status, retry.pk if retry else None, delay)
