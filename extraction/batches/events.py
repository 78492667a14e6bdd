"""What the batches concern announces to outgoing webhooks (``accounts.outgoing``)."""

from __future__ import annotations

from accounts.outgoing.events import BATCH_COMPLETED, BATCH_FILE_PROCESSED
from accounts.outgoing.services import webhook_emit
from extraction.models import Batch, BatchFile


def batch_file_processed_announce(row: BatchFile, *, owner_id: int) -> None:
    """``batch.file_processed`` once a file has its outcome; its position stands in for its name."""
    webhook_emit(
        event=BATCH_FILE_PROCESSED,
        user_id=owner_id,
        data={
            "batch_id": str(row.batch_id),
            "file_id": str(row.pk),
            "position": row.position,
            "status": row.status,
            "report_id": str(row.report_id) if row.report_id else None,
            "error_code": row.error_code or None,
        },
    )


def batch_completed_announce(batch: Batch, *, succeeded: int, failed: int) -> None:
    """``batch.completed`` when every file has an outcome (``status``: completed, partial or failed)."""
    webhook_emit(
        event=BATCH_COMPLETED,
        user_id=batch.owner_id,
        data={
            "batch_id": str(batch.pk),
            "status": batch.status,
            "total_files": batch.total_files,
            "succeeded": succeeded,
            "failed": failed,
        },
    )
