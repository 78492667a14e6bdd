"""The Celery task of batches: one task per batch file, a thin shell around ``processing``.

Delivery is at least once: ``acks_late`` keeps the message until the task returns, and
``reject_on_worker_lost`` puts it back when the worker process dies (SIGKILL, OOM, hard time
limit), so a crash never loses a file. Redelivery is harmless because
:func:`extraction.batches.processing.batch_file_process` does nothing for a file that already has an
outcome. Lost connections to the database or Redis are retried with backoff; any other
unexpected error ends the file as failed instead of leaving it processing.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import redis
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init, worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError, connections

from extraction.adapter.extract import get_catalog
from extraction.batches import processing
from extraction.engine import warm_up_ocr

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


class BatchFileTask(Task):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """Retries exhausted or a bug: the file fails visibly rather than staying ``processing``."""
        logger.error("batch file task %s failed: %s", task_id, type(exc).__name__)
        file_id = args[0] if args else (kwargs or {}).get("batch_file_id")
        if file_id is None:
            return
        processing.batch_file_fail(
            UUID(str(file_id)),
            processing.PROCESSING_ERROR,
            "The file could not be processed; upload it again.",
        )


@shared_task(
    bind=True,
    base=BatchFileTask,
    name="extraction.process_batch_file",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=settings.BATCH_TASK_MAX_RETRIES,
    soft_time_limit=settings.BATCH_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.BATCH_TASK_TIME_LIMIT,
    ignore_result=True,
)
def process_batch_file(self: Task, batch_file_id: str) -> str:
    file_id = UUID(batch_file_id)
    try:
        status = processing.batch_file_process(file_id)
    except SoftTimeLimitExceeded:
        status = processing.batch_file_fail(
            file_id, processing.TIMEOUT, "Reading this file took too long; try a clearer scan or photo."
        )
    return str(status or "skipped")


@worker_init.connect
def _build_catalog_before_fork(**kwargs: Any) -> None:
    """Build the catalogue once in the main worker process; pool processes inherit it by fork.

    The database connection used for it is closed before any pool process exists.
    """
    get_catalog()
    connections.close_all()


@worker_process_init.connect
def _load_ocr_models(**kwargs: Any) -> None:
    """Load the OCR models in each pool process (their thread pools do not survive a fork).

    The first scan of a batch then costs what every other scan costs.
    """
    warm_up_ocr()
