"""Periodic retention task; Celery beat runs it hourly (``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

import logging

from celery import shared_task

from extraction.reports.services import purge_expired_reports

logger = logging.getLogger(__name__)


@shared_task(name="extraction.purge_expired_reports", ignore_result=True)
def purge_expired_reports_task() -> int:
    deleted = purge_expired_reports()
    logger.info("purged %d expired anonymous result(s)", deleted)
    return deleted
