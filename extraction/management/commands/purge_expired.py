"""``python manage.py purge_expired``: delete anonymous results past their 24-hour expiry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from extraction.reports.services import reports_purge_expired


class Command(BaseCommand):
    help = "Delete expired anonymous results (safe to run any number of times)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = reports_purge_expired()
        self.stdout.write(f"purged {deleted} expired anonymous result(s)")
