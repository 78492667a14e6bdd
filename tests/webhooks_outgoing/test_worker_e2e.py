"""Outgoing webhooks through a real ``celery worker`` process against Redis and the test database:
the worker reads the batch, announces it, and delivers to a receiver in this process.

As in tests/batches/test_worker_e2e.py, this test's tasks go to a queue of its own on a dedicated
Redis database, and the data is committed (``transactional_db``) so the worker sees it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile
from standardwebhooks import Webhook

from accounts.models import User, WebhookDelivery
from accounts.outgoing.services import webhook_endpoint_create
from cfipros.celery import app as celery_app
from extraction.models import Batch
from tests.batches.documents import class_of_reports
from tests.batches.workers import spawn_worker, stop_worker
from tests.engine.generator.documents import aktr_pdf
from tests.personas import client_for
from tests.webhooks_outgoing.receiver import Receiver

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BROKER_URL = "redis://127.0.0.1:6379/14"
# A worker starting on a busy 2-core machine can take a minute to import Django and load the OCR
# models: a liveness bound for the batch, not a speed bar.
LIVENESS_SECONDS = 180


@pytest.fixture
def worker_queue(settings) -> Iterator[str]:
    name = f"webhooks-e2e-{uuid4().hex[:12]}"
    settings.REDIS_URL = settings.TRANSIT_REDIS_URL = BROKER_URL
    settings.BATCH_TASK_QUEUE = settings.WEBHOOKS_TASK_QUEUE = name
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    conf.broker_url, conf.task_always_eager = BROKER_URL, False
    celery_app._after_fork()  # drop connections opened for another broker
    yield name
    conf.broker_url, conf.task_always_eager = saved
    celery_app._after_fork()
    redis.Redis.from_url(BROKER_URL).delete(
        name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}"
    )


@pytest.fixture
def worker(worker_queue: str, settings, tmp_path: Path) -> Iterator[None]:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": "cfipros.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": BROKER_URL,
        # What the worker itself queues (the attempts) goes to this test's queue too.
        "WEBHOOKS_TASK_QUEUE": worker_queue,
        "WEBHOOKS_ALLOW_PRIVATE": "true",
        "LOG_LEVEL": "INFO",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = spawn_worker(env, worker_queue, 1, log)
        yield
        stop_worker(process, timeout=10)
    sys.stdout.write(f"--- worker log\n{log_path.read_text(errors='replace')[-4000:]}\n")


def test_a_worker_delivers_batch_completed_within_10_s_of_the_batch_finishing(
    worker: None, instructor: User, receiver: Receiver, receiver_answers: list[int]
) -> None:
    endpoint, secret = webhook_endpoint_create(user=instructor, url=receiver.url, events=["batch.completed"])
    receiver_answers.append(500)  # and the worker's retry gets it through
    files = [
        SimpleUploadedFile(f"s{i}.pdf", aktr_pdf(spec), content_type="application/pdf")
        for i, spec in enumerate(class_of_reports(2, seed=5))
    ]
    response = client_for(instructor).post("/api/v1/batches", {"files": files}, format="multipart")
    assert response.status_code == 202, response.content

    received = receiver.wait_for(2, timeout=LIVENESS_SECONDS)
    assert len(received) == 2, "the batch.completed attempts did not arrive"
    batch = Batch.objects.get(pk=response.json()["id"])
    assert batch.status == Batch.Status.COMPLETED and batch.completed_at is not None
    assert received[1].at - batch.completed_at.timestamp() < 10
    payload = Webhook(secret).verify(received[1].body, received[1].headers)
    assert payload["data"]["batch_id"] == str(batch.pk)
    deadline = time.monotonic() + 10
    while WebhookDelivery.objects.filter(endpoint=endpoint, status="succeeded").count() < 1:
        assert time.monotonic() < deadline, "the worker did not record the success"
        time.sleep(0.05)
    attempts = list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("attempt"))
    assert [(a.attempt, a.status, a.response_status) for a in attempts] == [
        (1, "failed", 500),
        (2, "succeeded", 200),
    ]
