"""Processing one batch file and rolling its batch up; a worker's task calls it for each file.

Life of a batch file: ``pending`` when accepted, ``processing`` once a worker claimed it,
then ``succeeded`` (with its report) or ``failed`` (with an error code). A worker may die at
any point and its task be delivered again, so every step is safe to repeat: the outcome is
written under a row lock together with the report, and a file with an outcome is never
processed again. The batch status is derived from its files' statuses under the batch row lock.
"""

from __future__ import annotations

import logging
from functools import partial
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from extraction.adapter.extract import VisionUse, run_extraction
from extraction.batches import transit
from extraction.batches.events import batch_completed_announce, batch_file_processed_announce
from extraction.engine import ExtractionError, ExtractionResult
from extraction.models import Batch, BatchFile
from extraction.reports.events import report_created_announce
from extraction.reports.services import report_store_result

logger = logging.getLogger(__name__)

TERMINAL = (BatchFile.Status.SUCCEEDED, BatchFile.Status.FAILED)

# Error codes a batch file may end with, besides the engine's own (see ExtractionError).
PAYLOAD_EXPIRED = "payload_expired"
TIMEOUT = "timeout"
TOO_MANY_ATTEMPTS = "too_many_attempts"
PROCESSING_ERROR = "processing_error"
QUEUE_UNAVAILABLE = "queue_unavailable"


def batch_file_process(file_id: UUID) -> BatchFile.Status | None:
    """Process one batch file once; returns its final status, or ``None`` when there was nothing to do.

    The engine runs outside any transaction (it takes seconds); the report and the file's outcome
    are then written in one transaction, under the file's row lock, only if no other delivery of
    the same task got there first.
    """
    owner_id = _claim(file_id)
    if owner_id is None:
        return None
    data = transit.get(file_id)
    if data is None:
        return batch_file_fail(
            file_id, PAYLOAD_EXPIRED, "The uploaded file expired before it was processed; upload it again."
        )
    vision = VisionUse(user_id=owner_id)
    try:
        result = run_extraction(data, vision=vision)
    except ExtractionError as exc:
        return batch_file_fail(file_id, exc.code, exc.message)
    finally:
        del data
    return _succeed(file_id, result, third_party=vision.recipient)


def _claim(file_id: UUID) -> int | None:
    """Mark the file processing and count the attempt; the batch owner's id, or ``None`` if the
    file already has an outcome."""
    with transaction.atomic():
        row = (
            BatchFile.objects.select_for_update(of=("self",))
            .select_related("batch")
            .filter(pk=file_id)
            .first()
        )
        if row is None or row.status in TERMINAL:
            return None
        if row.attempts >= int(settings.BATCH_TASK_MAX_ATTEMPTS):
            _set_outcome(
                row,
                status=BatchFile.Status.FAILED,
                error=(TOO_MANY_ATTEMPTS, "Processing this file was interrupted too many times."),
            )
            transaction.on_commit(partial(transit.discard_quietly, [row.id]))
            return None
        row.status = BatchFile.Status.PROCESSING
        row.attempts += 1
        row.save(update_fields=["status", "attempts", "updated_at"])
        Batch.objects.filter(pk=row.batch_id, status=Batch.Status.PENDING).update(
            status=Batch.Status.PROCESSING, updated_at=timezone.now()
        )
    return row.batch.owner_id


def _succeed(file_id: UUID, result: ExtractionResult, *, third_party: str) -> BatchFile.Status | None:
    with transaction.atomic():
        row = (
            BatchFile.objects.select_for_update(of=("self",))
            .select_related("batch__owner")
            .filter(pk=file_id)
            .first()
        )
        if row is None or row.status in TERMINAL:
            return None
        stored = report_store_result(owner=row.batch.owner, result=result, third_party=third_party)
        if stored.created:
            report_created_announce(stored.report, result)
        row.report = stored.report
        _set_outcome(row, status=BatchFile.Status.SUCCEEDED)
        transaction.on_commit(partial(transit.discard_quietly, [row.id]))
    return BatchFile.Status.SUCCEEDED


def batch_file_fail(file_id: UUID, code: str, message: str) -> BatchFile.Status | None:
    """Record a failure unless the file already has an outcome; the payload goes either way."""
    with transaction.atomic():
        row = (
            BatchFile.objects.select_for_update(of=("self",))
            .select_related("batch")
            .filter(pk=file_id)
            .first()
        )
        if row is None or row.status in TERMINAL:
            return None
        _set_outcome(row, status=BatchFile.Status.FAILED, error=(code, message))
        transaction.on_commit(partial(transit.discard_quietly, [row.id]))
    return BatchFile.Status.FAILED


def _set_outcome(row: BatchFile, *, status: str, error: tuple[str, str] | None = None) -> None:
    """Write a file's outcome and roll its batch up; the caller holds the file's row lock."""
    row.status = status
    row.error_code, row.error_message = (error[0][:32], error[1][:300]) if error else ("", "")
    row.save(update_fields=["status", "report", "error_code", "error_message", "updated_at"])
    batch_file_processed_announce(row, owner_id=row.batch.owner_id)
    batch_rollup(row.batch_id)


def batch_rollup_status(*, total: int, succeeded: int, failed: int, started: bool) -> Batch.Status:
    """The batch status that its files' counts imply."""
    if succeeded + failed < total:
        return Batch.Status.PROCESSING if started or succeeded + failed else Batch.Status.PENDING
    if failed == 0:
        return Batch.Status.COMPLETED
    return Batch.Status.FAILED if succeeded == 0 else Batch.Status.PARTIAL


def batch_rollup(batch_id: UUID) -> Batch:
    """Recount the batch's files under its row lock and store the status they imply."""
    batch = Batch.objects.select_for_update().get(pk=batch_id)
    counts = BatchFile.objects.filter(batch_id=batch_id).aggregate(
        succeeded=Count("id", filter=Q(status=BatchFile.Status.SUCCEEDED)),
        failed=Count("id", filter=Q(status=BatchFile.Status.FAILED)),
        started=Count("id", filter=~Q(status=BatchFile.Status.PENDING)),
    )
    status = batch_rollup_status(
        total=batch.total_files,
        succeeded=counts["succeeded"],
        failed=counts["failed"],
        started=bool(counts["started"]),
    )
    finished = status in (Batch.Status.COMPLETED, Batch.Status.PARTIAL, Batch.Status.FAILED)
    if status != batch.status:
        batch.status = status
        batch.completed_at = timezone.now() if finished else None
        batch.save(update_fields=["status", "completed_at", "updated_at"])
        if finished:
            logger.info(
                "batch %s %s: %d succeeded, %d failed",
                batch.pk,
                status,
                counts["succeeded"],
                counts["failed"],
            )
            batch_completed_announce(batch, succeeded=counts["succeeded"], failed=counts["failed"])
    return batch
