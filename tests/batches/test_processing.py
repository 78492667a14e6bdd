"""One batch file's processing: idempotent redelivery, lost payloads, failures, retries, rollup."""

from __future__ import annotations

from uuid import UUID

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from freezegun.api import FrozenDateTimeFactory
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from extraction.batches import intake, processing, tasks, transit
from extraction.engine import ExtractionError
from extraction.models import Batch, BatchFile, Report
from tests.batches.documents import class_of_reports
from tests.engine.generator.documents import aktr_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_catalog")]


def _accept(owner: User, count: int = 2) -> Batch:
    """A batch whose tasks are not run (the commit callbacks are discarded)."""
    files = [
        intake.IncomingFile(f"s{i}.pdf", aktr_pdf(spec)) for i, spec in enumerate(class_of_reports(count))
    ]
    return intake.batch_create(owner=owner, files=files)


def _files(batch: Batch) -> list[BatchFile]:
    return list(batch.files.order_by("position"))


def test_accepting_a_batch_puts_every_file_in_transit(instructor: User) -> None:
    batch = _accept(instructor)
    files = _files(batch)
    assert [f.status for f in files] == ["pending", "pending"]
    for f in files:
        data = transit.get(f.id)
        assert data is not None and data.startswith(b"%PDF")
    transit.discard(*(f.id for f in files))


def test_tasks_are_queued_only_after_commit(
    instructor: User, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    queued: list[str] = []
    monkeypatch.setattr(tasks.process_batch_file, "apply_async", lambda args, queue: queued.append(args[0]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = _accept(instructor, 3)
    assert queued == []
    for callback in callbacks:
        callback()
    assert sorted(queued) == sorted(str(f.id) for f in _files(batch))


def test_the_largest_files_are_queued_first(
    instructor: User, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    queued: list[str] = []
    monkeypatch.setattr(tasks.process_batch_file, "apply_async", lambda args, queue: queued.append(args[0]))
    files = [intake.IncomingFile(name, b"x" * size) for name, size in (("a", 10), ("b", 300), ("c", 20))]
    with django_capture_on_commit_callbacks(execute=True):
        batch = intake.batch_create(owner=instructor, files=files)
    by_id = {str(f.id): f.name for f in _files(batch)}
    assert [by_id[i] for i in queued] == ["b", "c", "a"]
    transit.discard(*(f.id for f in _files(batch)))


def test_a_redelivered_task_makes_no_second_report(instructor: User) -> None:
    batch = _accept(instructor, 1)
    (file,) = _files(batch)
    assert tasks.process_batch_file.apply(args=[str(file.id)]).get() == "succeeded"
    report_id = BatchFile.objects.get(pk=file.id).report_id
    assert tasks.process_batch_file.apply(args=[str(file.id)]).get() == "skipped"
    file.refresh_from_db()
    assert file.report_id == report_id
    assert file.attempts == 1
    assert Report.objects.filter(owner=instructor).count() == 1


def test_a_delivery_that_finds_the_file_finished_while_it_ran_writes_nothing(
    instructor: User, monkeypatch
) -> None:
    """Two deliveries read the file at once; the second to finish must not write another report."""
    batch = _accept(instructor, 1)
    (file,) = _files(batch)
    real = processing.run_extraction

    def racing(data: bytes, **kwargs: object):
        result = real(data, **kwargs)
        BatchFile.objects.filter(pk=file.id).update(status=BatchFile.Status.SUCCEEDED)
        return result

    monkeypatch.setattr(processing, "run_extraction", racing)
    assert processing.batch_file_process(file.id) is None
    assert not Report.objects.exists()


def test_the_payload_is_deleted_once_the_file_has_an_outcome(
    instructor: User, django_capture_on_commit_callbacks
) -> None:
    batch = _accept(instructor, 1)
    (file,) = _files(batch)
    with django_capture_on_commit_callbacks(execute=True):
        processing.batch_file_process(file.id)
    assert transit.get(file.id) is None


def test_an_expired_payload_fails_the_file_clearly(instructor: User) -> None:
    batch = _accept(instructor, 2)
    first, second = _files(batch)
    transit.discard(first.id)
    assert processing.batch_file_process(first.id) == BatchFile.Status.FAILED
    first.refresh_from_db()
    assert (first.status, first.error_code, first.report_id) == ("failed", "payload_expired", None)
    assert "upload it again" in first.error_message
    batch.refresh_from_db()
    assert batch.status == Batch.Status.PROCESSING
    assert processing.batch_file_process(second.id) == BatchFile.Status.SUCCEEDED
    batch.refresh_from_db()
    assert batch.status == Batch.Status.PARTIAL
    assert batch.completed_at is not None


def test_a_file_interrupted_too_often_fails_instead_of_looping(instructor: User, settings) -> None:
    settings.BATCH_TASK_MAX_ATTEMPTS = 2
    batch = _accept(instructor, 1)
    (file,) = _files(batch)
    BatchFile.objects.filter(pk=file.id).update(status=BatchFile.Status.PROCESSING, attempts=2)
    assert processing.batch_file_process(file.id) is None
    file.refresh_from_db()
    assert (file.status, file.error_code) == ("failed", "too_many_attempts")
    batch.refresh_from_db()
    assert batch.status == Batch.Status.FAILED


def test_a_transient_database_error_is_retried(instructor: User, monkeypatch) -> None:
    batch = _accept(instructor, 1)
    (file,) = _files(batch)
    real = processing.run_extraction
    calls: list[int] = []

    def flaky(data: bytes, **kwargs: object):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("connection lost")
        return real(data)

    monkeypatch.setattr(processing, "run_extraction", flaky)
    tasks.process_batch_file.apply(args=[str(file.id)], throw=False)
    file.refresh_from_db()
    assert (file.status, file.attempts) == ("succeeded", 2)


def test_retries_running_out_fail_the_file(instructor: User, monkeypatch) -> None:
    batch = _accept(instructor, 1)
    (file,) = _files(batch)

    def down(data: bytes, **kwargs: object) -> None:
        raise OperationalError("still down")

    monkeypatch.setattr(processing, "run_extraction", down)
    monkeypatch.setattr(tasks.process_batch_file, "max_retries", 1)
    monkeypatch.setattr(processing.settings, "BATCH_TASK_MAX_ATTEMPTS", 10)
    # As in a worker: the failure is handled by the task, not raised into the caller.
    conf = tasks.process_batch_file.app.conf
    propagates = conf.task_eager_propagates
    conf.task_eager_propagates = False
    try:
        tasks.process_batch_file.apply(args=[str(file.id)])
    finally:
        conf.task_eager_propagates = propagates
    file.refresh_from_db()
    assert (file.status, file.error_code, file.attempts) == ("failed", "processing_error", 2)


def test_an_unexpected_error_fails_the_file(instructor: User, monkeypatch) -> None:
    batch = _accept(instructor, 1)
    (file,) = _files(batch)

    def broken(data: bytes, **kwargs: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(processing, "run_extraction", broken)
    tasks.process_batch_file.apply(args=[str(file.id)], throw=False)
    file.refresh_from_db()
    assert (file.status, file.error_code) == ("failed", "processing_error")


def test_a_document_too_complex_for_the_engine_fails_with_the_engines_code(
    instructor: User, monkeypatch
) -> None:
    batch = _accept(instructor, 1)
    (file,) = _files(batch)

    def refuse(data: bytes, **kwargs: object) -> None:
        raise ExtractionError("document_too_complex", "A page holds more text runs than the engine reads.")

    monkeypatch.setattr(processing, "run_extraction", refuse)
    assert tasks.process_batch_file.apply(args=[str(file.id)]).get() == "failed"
    file.refresh_from_db()
    assert (file.status, file.error_code, file.report_id) == ("failed", "document_too_complex", None)
    assert file.error_message == "A page holds more text runs than the engine reads."
    batch.refresh_from_db()
    assert batch.status == Batch.Status.FAILED
    transit.discard(file.id)


def test_the_soft_time_limit_fails_the_file(instructor: User, monkeypatch) -> None:
    batch = _accept(instructor, 1)
    (file,) = _files(batch)

    def slow(data: bytes, **kwargs: object) -> None:
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(processing, "run_extraction", slow)
    assert tasks.process_batch_file.apply(args=[str(file.id)]).get() == "failed"
    file.refresh_from_db()
    assert (file.status, file.error_code) == ("failed", "timeout")


def test_the_task_is_configured_for_at_least_once_delivery() -> None:
    task = tasks.process_batch_file
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.soft_time_limit < task.time_limit
    assert OperationalError in task.autoretry_for


def test_a_file_that_cannot_be_queued_fails(
    instructor: User, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    def no_broker(*args: object, **kwargs: object) -> None:
        raise BrokerError("broker down")

    monkeypatch.setattr(tasks.process_batch_file, "apply_async", no_broker)
    with django_capture_on_commit_callbacks(execute=True):
        batch = _accept(instructor, 2)
    assert {(f.status, f.error_code) for f in _files(batch)} == {("failed", "queue_unavailable")}
    batch.refresh_from_db()
    assert batch.status == Batch.Status.FAILED


def test_an_unreachable_transit_store_refuses_the_batch(instructor_client, monkeypatch, class_pdfs) -> None:
    def down(payloads: object) -> None:
        raise ConnectionError("redis down")

    monkeypatch.setattr(transit, "put_many", down)
    name, data, _ = class_pdfs(1)[0]
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = instructor_client.post(
        "/api/v1/batches", {"files": [SimpleUploadedFile(name, data)]}, format="multipart"
    )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "queue_unavailable"
    assert not Batch.objects.exists()


@pytest.mark.parametrize(
    ("total", "succeeded", "failed", "started", "expected"),
    [
        (3, 0, 0, False, "pending"),
        (3, 0, 0, True, "processing"),
        (3, 1, 0, False, "processing"),
        (3, 3, 0, True, "completed"),
        (3, 2, 1, True, "partial"),
        (3, 0, 3, True, "failed"),
    ],
)
def test_rollup_status(total: int, succeeded: int, failed: int, started: bool, expected: str) -> None:
    assert (
        processing.batch_rollup_status(total=total, succeeded=succeeded, failed=failed, started=started)
        == expected
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C:\\Users\\cfi\\report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("a\x00b\x1f.pdf", "ab.pdf"),
        ("   ", "file-3"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_clean_file_name(raw: str, expected: str) -> None:
    assert intake.batch_file_clean_name(raw, 2) == expected


def test_memory_store_expires_payloads(frozen_time: FrozenDateTimeFactory) -> None:
    store = transit.MemoryStore()
    store.put_many({"a": b"1", "c": b"3"}, ttl=60)
    store.put_many({"b": b"2"}, ttl=0)
    assert store.get("a") == b"1"
    assert store.get("b") is None
    store.delete_many(["a"])
    assert store.get("a") is None
    frozen_time.tick(59)
    assert store.get("c") == b"3"
    frozen_time.tick(1)
    assert store.get("c") is None


def test_transit_without_redis_stays_in_process(settings) -> None:
    settings.TRANSIT_REDIS_URL = ""
    file_id = UUID(int=7)
    transit.put_many({file_id: b"bytes"})
    assert transit.get(file_id) == b"bytes"
    transit.discard(file_id)
    assert transit.get(file_id) is None


def test_redis_payloads_carry_a_ttl(settings) -> None:
    settings.BATCH_TRANSIT_TTL_SECONDS = 90
    file_id = UUID(int=11)
    transit.put_many({file_id: b"bytes"})
    store = transit._store()
    assert isinstance(store, transit.RedisStore)
    assert 0 < store.client.ttl(transit._key(file_id)) <= 90
    transit.discard(file_id)


def test_the_failure_handler_finds_the_file_by_keyword_or_not_at_all(instructor: User) -> None:
    batch = _accept(instructor, 1)
    (file,) = _files(batch)
    tasks.process_batch_file.on_failure(KeyError("x"), "task-id", (), {}, None)
    file.refresh_from_db()
    assert file.status == "pending"
    tasks.process_batch_file.on_failure(KeyError("x"), "task-id", (), {"batch_file_id": str(file.id)}, None)
    file.refresh_from_db()
    assert (file.status, file.error_code) == ("failed", "processing_error")
    transit.discard(file.id)
