"""``python manage.py rebuild_statistics``: recount the national statistics from the reports."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from extraction.statistics.services import statistics_rebuild


class Command(BaseCommand):
    help = (
        "Recount the national statistics from the reports on file (idempotent); what purged "
        "anonymous results contributed is kept."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        outcome = statistics_rebuild()
        self.stdout.write(
            f"counted {outcome.reports} report(s) into {outcome.exam_rows} exam-day and "
            f"{outcome.code_rows} code-day row(s); corrected {outcome.exam_rows_corrected} exam-day "
            f"and {outcome.code_rows_corrected} code-day row(s)"
        )
