"""Periodic retention task; Celery beat runs it hourly (``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

import logging

from celery import shared_task

from extraction.reports.services import reports_purge_expired

logger = logging.getLogger(__name__)


@shared_task(name="extraction.purge_expired_reports", ignore_result=True)
def reports_purge_expired_task() -> int:
    deleted = reports_purge_expired()
    logger.info("purged %d expired anonymous result(s)", deleted)
    return deleted
