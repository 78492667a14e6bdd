"""Writes on batches: accepting a class's uploads, processing one file, rolling the batch up.

Life of a batch file: ``pending`` when accepted, ``processing`` once a worker claimed it,
then ``succeeded`` (with its report) or ``failed`` (with an error code). A worker may die at
any point and its task be delivered again, so every step is safe to repeat: the outcome is
written under a row lock together with the report, and a file with an outcome is never
processed again. The batch status is derived from its files' statuses under the batch row lock.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from cfipros.errors import Invalid, TooLarge, Unavailable
from extraction import transit
from extraction.adapter import run_extraction
from extraction.engine import ExtractionError, ExtractionResult
from extraction.models import Batch, BatchFile
from extraction.services import report_create_from_result

logger = logging.getLogger(__name__)

TERMINAL = (BatchFile.Status.SUCCEEDED, BatchFile.Status.FAILED)
NAME_MAX_LENGTH = 255

# Error codes a batch file may end with, besides the engine's own (see ExtractionError).
PAYLOAD_EXPIRED = "payload_expired"
TIMEOUT = "timeout"
TOO_MANY_ATTEMPTS = "too_many_attempts"
PROCESSING_ERROR = "processing_error"
QUEUE_UNAVAILABLE = "queue_unavailable"


@dataclass(frozen=True, slots=True)
class IncomingFile:
    name: str
    data: bytes


def check_batch_limits(sizes: Sequence[int]) -> None:
    """Refuse anything but 1..MAX_BATCH_FILES files within the per-file and total caps.

    Raises :class:`~cfipros.errors.Invalid` for the count, :class:`~cfipros.errors.TooLarge` for a size.
    """
    max_files = int(settings.MAX_BATCH_FILES)
    max_file = int(settings.MAX_UPLOAD_FILE_BYTES)
    max_total = int(settings.MAX_BATCH_BYTES)
    if not sizes:
        raise Invalid(f"Send between 1 and {max_files} files in the field `files`.", code="no_files")
    if len(sizes) > max_files:
        raise Invalid(
            f"A batch holds at most {max_files} files; {len(sizes)} were sent.", code="too_many_files"
        )
    oversized = [index for index, size in enumerate(sizes) if size > max_file]
    if oversized:
        raise TooLarge(
            f"File {oversized[0] + 1} is larger than {max_file // (1024 * 1024)} MB.", code="file_too_large"
        )
    if sum(sizes) > max_total:
        raise TooLarge(
            f"The files add up to more than {max_total // (1024 * 1024)} MB.", code="batch_too_large"
        )


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]+")


def clean_file_name(raw: str, position: int) -> str:
    """The last path segment of a client-supplied name, printable and at most 255 characters."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("", name).strip()
    if len(name) > NAME_MAX_LENGTH:
        _stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        name = name[: NAME_MAX_LENGTH - len(keep) - 1] + "." + keep if keep else name[:NAME_MAX_LENGTH]
    return name or f"file-{position + 1}"


def batch_create(*, owner: User, files: Sequence[IncomingFile]) -> Batch:
    """Accept a batch: rows for the batch and its files, bytes to transit, one task per file.

    Tasks are queued only after the rows are committed, so a worker never looks for a file
    that is not there yet; the bytes are in transit before the commit for the same reason.
    """
    check_batch_limits([len(f.data) for f in files])
    with transaction.atomic():
        batch = Batch.objects.create(owner=owner, total_files=len(files))
        rows = BatchFile.objects.bulk_create(
            BatchFile(batch=batch, position=i, name=clean_file_name(f.name, i), size=len(f.data))
            for i, f in enumerate(files)
        )
        payloads = {row.id: f.data for row, f in zip(rows, files, strict=True)}
        try:
            transit.put_many(payloads)
        except Exception as exc:
            _discard_quietly(list(payloads))
            raise Unavailable(
                "Batches cannot be accepted right now; try again shortly.", code="queue_unavailable"
            ) from exc
        # Largest first: big files are the scans and photos that need OCR, and starting them
        # early keeps one worker from finishing a long file alone at the end of the batch.
        largest_first = sorted(rows, key=lambda row: (-row.size, row.position))
        transaction.on_commit(partial(dispatch_files, [row.id for row in largest_first]))
    logger.info("batch %s accepted with %d files", batch.pk, len(files))
    return batch


def _discard_quietly(file_ids: list[UUID]) -> None:
    try:
        transit.discard(*file_ids)
    except Exception:
        logger.warning("could not delete transit payloads; they expire with their TTL", exc_info=True)


def dispatch_files(file_ids: Sequence[UUID]) -> None:
    """Queue one task per file; a file whose task cannot be queued fails rather than waits forever."""
    from extraction.tasks import process_batch_file

    queue = settings.BATCH_TASK_QUEUE or None
    for file_id in file_ids:
        try:
            process_batch_file.apply_async(args=[str(file_id)], queue=queue)
        except BrokerError:
            logger.exception("could not queue batch file %s", file_id)
            batch_file_fail(
                file_id, QUEUE_UNAVAILABLE, "The file could not be queued for processing; upload it again."
            )


def batch_file_process(file_id: UUID) -> BatchFile.Status | None:
    """Process one batch file once; returns its final status, or ``None`` when there was nothing to do.

    The engine runs outside any transaction (it takes seconds); the report and the file's outcome
    are then written in one transaction, under the file's row lock, only if no other delivery of
    the same task got there first.
    """
    if not _claim(file_id):
        return None
    data = transit.get(file_id)
    if data is None:
        return batch_file_fail(
            file_id, PAYLOAD_EXPIRED, "The uploaded file expired before it was processed; upload it again."
        )
    try:
        result = run_extraction(data)
    except ExtractionError as exc:
        return batch_file_fail(file_id, exc.code, exc.message)
    finally:
        del data
    return _succeed(file_id, result)


def _claim(file_id: UUID) -> bool:
    """Mark the file processing and count the attempt; ``False`` if it already has an outcome."""
    with transaction.atomic():
        row = BatchFile.objects.select_for_update().filter(pk=file_id).first()
        if row is None or row.status in TERMINAL:
            return False
        if row.attempts >= int(settings.BATCH_TASK_MAX_ATTEMPTS):
            _set_outcome(
                row,
                status=BatchFile.Status.FAILED,
                error=(TOO_MANY_ATTEMPTS, "Processing this file was interrupted too many times."),
            )
            transaction.on_commit(partial(_discard_quietly, [row.id]))
            return False
        row.status = BatchFile.Status.PROCESSING
        row.attempts += 1
        row.save(update_fields=["status", "attempts", "updated_at"])
        Batch.objects.filter(pk=row.batch_id, status=Batch.Status.PENDING).update(
            status=Batch.Status.PROCESSING, updated_at=timezone.now()
        )
    return True


def _succeed(file_id: UUID, result: ExtractionResult) -> BatchFile.Status | None:
    with transaction.atomic():
        row = (
            BatchFile.objects.select_for_update(of=("self",))
            .select_related("batch__owner")
            .filter(pk=file_id)
            .first()
        )
        if row is None or row.status in TERMINAL:
            return None
        report = report_create_from_result(owner=row.batch.owner, result=result)
        row.report = report
        _set_outcome(row, status=BatchFile.Status.SUCCEEDED)
        transaction.on_commit(partial(_discard_quietly, [row.id]))
    return BatchFile.Status.SUCCEEDED


def batch_file_fail(file_id: UUID, code: str, message: str) -> BatchFile.Status | None:
    """Record a failure unless the file already has an outcome; the payload goes either way."""
    with transaction.atomic():
        row = BatchFile.objects.select_for_update().filter(pk=file_id).first()
        if row is None or row.status in TERMINAL:
            return None
        _set_outcome(row, status=BatchFile.Status.FAILED, error=(code, message))
        transaction.on_commit(partial(_discard_quietly, [row.id]))
    return BatchFile.Status.FAILED


def _set_outcome(row: BatchFile, *, status: str, error: tuple[str, str] | None = None) -> None:
    """Write a file's outcome and roll its batch up; the caller holds the file's row lock."""
    row.status = status
    row.error_code, row.error_message = (error[0][:32], error[1][:300]) if error else ("", "")
    row.save(update_fields=["status", "report", "error_code", "error_message", "updated_at"])
    batch_rollup(row.batch_id)


def rollup_status(*, total: int, succeeded: int, failed: int, started: bool) -> Batch.Status:
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
    status = rollup_status(
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
    return batch
