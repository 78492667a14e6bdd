"""Long back-offs wait in the table, not in the broker: the sweep run by beat queues an attempt
once it is due, and picks up an attempt whose queueing was lost; old finished attempts are purged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from accounts.models import User, WebhookDelivery, WebhookEndpoint
from accounts.outgoing.events import REPORT_CREATED
from accounts.outgoing.services import webhook_emit
from accounts.outgoing.tasks import purge_webhook_deliveries, queue_due_webhook_deliveries
from tests.webhooks_outgoing.receiver import Receiver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_private")]

MakeEndpoint = Callable[..., tuple[WebhookEndpoint, str]]


def test_a_long_back_off_is_queued_by_the_sweep_once_due(
    instructor: User,
    receiver: Receiver,
    receiver_answers: list[int],
    endpoint_for: MakeEndpoint,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 600
    settings.WEBHOOKS_COUNTDOWN_MAX_SECONDS = 60
    receiver_answers.append(500)
    endpoint, _ = endpoint_for(instructor, receiver.url, [REPORT_CREATED])
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(event=REPORT_CREATED, user_id=instructor.pk, data={"report_id": "r"})
    first, retry = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("attempt")
    assert (first.status, retry.status) == ("failed", "pending")
    assert retry.next_retry_at == first.next_retry_at
    assert timedelta(seconds=299) < retry.next_retry_at - timezone.now() <= timedelta(seconds=600)
    assert len(receiver.received) == 1, "the retry is not sent before it is due"

    assert queue_due_webhook_deliveries() == 0
    WebhookDelivery.objects.filter(pk=retry.pk).update(next_retry_at=timezone.now() - timedelta(seconds=1))
    assert queue_due_webhook_deliveries() == 1
    assert len(receiver.wait_for(2, timeout=10)) == 2
    retry.refresh_from_db()
    assert (retry.status, retry.response_status, retry.next_retry_at) == ("succeeded", 200, None)


def test_the_sweep_queues_an_attempt_whose_queueing_was_lost(
    instructor: User, receiver: Receiver, endpoint_for: MakeEndpoint
) -> None:
    endpoint, _ = endpoint_for(instructor, receiver.url, [REPORT_CREATED])
    disabled, _ = endpoint_for(instructor, receiver.url, [REPORT_CREATED])
    WebhookEndpoint.objects.filter(pk=disabled.pk).update(enabled=False)
    lost, recent, off = (
        WebhookDelivery.objects.create(
            endpoint=e, message_id=f"msg_{n}", event_type=REPORT_CREATED, body="{}"
        )
        for n, e in enumerate([endpoint, endpoint, disabled])
    )
    long_ago = timezone.now() - timedelta(minutes=6)
    WebhookDelivery.objects.filter(pk__in=[lost.pk, off.pk]).update(created_at=long_ago)
    assert queue_due_webhook_deliveries() == 1
    assert len(receiver.wait_for(1, timeout=10)) == 1
    statuses = dict(WebhookDelivery.objects.values_list("pk", "status"))
    assert (statuses[lost.pk], statuses[recent.pk], statuses[off.pk]) == ("succeeded", "pending", "pending")


def test_beat_runs_the_sweep_well_within_the_countdown_bound() -> None:
    assert django_settings.CELERY_BEAT_SCHEDULE["purge-webhook-deliveries"]["task"] == (
        "accounts.purge_webhook_deliveries"
    )
    entry = django_settings.CELERY_BEAT_SCHEDULE["queue-due-webhook-deliveries"]
    assert entry["task"] == "accounts.queue_due_webhook_deliveries"
    assert entry["schedule"] <= django_settings.WEBHOOKS_COUNTDOWN_MAX_SECONDS
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > django_settings.WEBHOOKS_COUNTDOWN_MAX_SECONDS


def test_finished_attempts_past_their_retention_are_purged(
    instructor: User, endpoint_for: MakeEndpoint, settings
) -> None:
    settings.WEBHOOKS_DELIVERY_RETENTION_DAYS = 30
    endpoint, _ = endpoint_for(instructor, "http://127.0.0.1:9/hook", [REPORT_CREATED])
    rows = {
        (status, age): WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id=f"msg_{status}_{age}",
            event_type=REPORT_CREATED,
            body="{}",
            status=status,
        )
        for status in ("succeeded", "failed", "cancelled", "pending")
        for age in (29, 31)
    }
    for (_, age), row in rows.items():
        WebhookDelivery.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=age))
    assert purge_webhook_deliveries() == 3
    left = set(WebhookDelivery.objects.values_list("status", "message_id"))
    assert left == {
        (status, f"msg_{status}_{age}") for status, age in rows if age == 29 or status == "pending"
    }
