"""Batches through real ``celery worker`` processes against Redis and the test database.

The API runs in the test process; workers are subprocesses that see only committed rows, so
these tests use ``transactional_db``. Each test run consumes its own queue on a dedicated Redis
database, so parallel runs on the same machine never take each other's messages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
import redis
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from cfipros.celery import app as celery_app
from extraction.batches import transit
from extraction.models import Batch, BatchFile, Report
from tests.batches.documents import class_of_reports, photo_jpeg
from tests.batches.workers import spawn_worker, stop_worker
from tests.engine.generator.documents import aktr_pdf
from tests.personas import client_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BROKER_URL = "redis://127.0.0.1:6379/14"
VISIBILITY_TIMEOUT = 3
FINISHED = (Batch.Status.COMPLETED, Batch.Status.PARTIAL, Batch.Status.FAILED)


@pytest.fixture
def queue(settings) -> Iterator[str]:
    """Route this test's tasks to a queue of its own on the dedicated Redis database."""
    name = f"batches-e2e-{uuid4().hex[:12]}"
    settings.REDIS_URL = settings.TRANSIT_REDIS_URL = BROKER_URL
    settings.BATCH_TASK_QUEUE = name
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


def _database_url(settings) -> str:
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def start_worker(queue: str, settings, tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start ``celery -A cfipros worker`` on the test database; every worker is stopped afterwards."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DJANGO_SETTINGS_MODULE": "cfipros.settings.test",
        "DATABASE_URL": _database_url(settings),
        "REDIS_URL": BROKER_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "LOG_LEVEL": "INFO",
    }
    workers: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{len(workers)}.log").open("wb")
        worker = spawn_worker(env, queue, 1, log)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        stop_worker(worker, timeout=10)
    for log in sorted(tmp_path.glob("worker-*.log")):
        sys.stdout.write(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}\n")


def _upload(user: User, files: list[tuple[str, bytes, str]]) -> str:
    client = client_for(user)
    payload = {"files": [SimpleUploadedFile(name, data, content_type=kind) for name, data, kind in files]}
    response = client.post("/api/v1/batches", payload, format="multipart")
    assert response.status_code == 202, response.content
    return str(response.json()["id"])


# How long a step may take before the test calls it stuck. A liveness bound, not a speed bar
# (bench/bench_batch.py measures speed): a worker starting on a busy 2-core machine can take
# a minute to import Django, build the catalogue and load the OCR models.
LIVENESS_SECONDS = 180


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


def _status(batch_id: str) -> str:
    return Batch.objects.values_list("status", flat=True).get(pk=batch_id)


def test_a_worker_process_completes_a_batch(start_worker, instructor: User, tmp_path: Path) -> None:
    specs = class_of_reports(4, seed=21)
    batch_id = _upload(
        instructor, [(f"s{i}.pdf", aktr_pdf(s), "application/pdf") for i, s in enumerate(specs)]
    )
    assert _status(batch_id) == Batch.Status.PENDING
    start_worker()
    _wait_for(lambda: _status(batch_id) in FINISHED, LIVENESS_SECONDS, "the batch to finish")

    batch = Batch.objects.get(pk=batch_id)
    assert batch.status == Batch.Status.COMPLETED
    files = list(batch.files.order_by("position"))
    assert [f.status for f in files] == ["succeeded"] * 4
    scores = list(Report.objects.filter(batch_files__batch=batch).order_by("batch_files__position"))
    assert [r.score for r in scores] == [s.score for s in specs]
    # Payloads are discarded once the outcome is committed, just after the status is visible.
    _wait_for(lambda: all(transit.get(f.id) is None for f in files), 10, "the payloads to be discarded")
    logs = "".join(log.read_text(errors="replace") for log in tmp_path.glob("worker-*.log"))
    assert "succeeded" in logs
    for spec in specs:
        for private in (spec.name, spec.ftn, spec.exam_id):
            assert private not in logs


def test_a_killed_worker_loses_no_file_and_duplicates_no_report(start_worker, instructor: User) -> None:
    """SIGKILL while a worker reads a photo; the next worker gets the message back and finishes."""
    specs = class_of_reports(6, seed=33)
    files = [("photo.jpg", photo_jpeg(specs[0]), "image/jpeg")]
    files += [(f"s{i}.pdf", aktr_pdf(s), "application/pdf") for i, s in enumerate(specs[1:], start=1)]
    batch_id = _upload(instructor, files)
    first = BatchFile.objects.get(batch_id=batch_id, position=0)

    doomed = start_worker()
    _wait_for(
        lambda: BatchFile.objects.filter(pk=first.pk, status=BatchFile.Status.PROCESSING).exists(),
        LIVENESS_SECONDS,
        "the first worker to start on the photo",
    )
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait()
    assert BatchFile.objects.get(pk=first.pk).status == BatchFile.Status.PROCESSING
    assert _status(batch_id) == Batch.Status.PROCESSING

    start_worker()
    _wait_for(
        lambda: _status(batch_id) in FINISHED, LIVENESS_SECONDS, "the batch to finish on the second worker"
    )

    batch = Batch.objects.get(pk=batch_id)
    assert batch.status == Batch.Status.COMPLETED
    done = list(batch.files.order_by("position"))
    assert all(f.status == BatchFile.Status.SUCCEEDED and f.report_id for f in done)
    assert len({f.report_id for f in done}) == 6
    assert Report.objects.filter(owner=instructor).count() == 6
    assert done[0].attempts >= 2, "the photo must have been delivered again after the kill"
