"""``python manage.py backfill_report_codes``: re-link stored codes to the current ACS catalogue.

After a catalogue reload, elements may have new primary keys, new codes or be gone. This walks
every ``ReportCode`` in primary-key order, in batches, each batch one transaction, and points it
at the current-edition element with the same code (or at nothing). Progress lines carry the last
id done, so an interrupted run resumes with ``--after-id``; a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from extraction.reports.services import report_codes_relink


@dataclass
class Totals:
    scanned: int = 0
    linked: int = 0
    unlinked: int = 0
    unchanged: int = 0


class Command(BaseCommand):
    help = "Re-link ReportCode.element to the current catalogue (batched, resumable, idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--after-id", type=int, default=0, help="Resume after this ReportCode id.")
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = max(1, int(options["batch_size"]))
        after_id = int(options["after_id"])
        dry_run = bool(options["dry_run"])
        totals = Totals()
        batch_number = 0
        while True:
            outcome = report_codes_relink(after_id=after_id, limit=batch_size, dry_run=dry_run)
            if outcome.scanned == 0:
                break
            batch_number += 1
            after_id = outcome.last_id
            totals.scanned += outcome.scanned
            totals.linked += outcome.linked
            totals.unlinked += outcome.unlinked
            totals.unchanged += outcome.unchanged
            self.stderr.write(
                f"batch {batch_number}: {outcome.scanned} code(s) up to id {outcome.last_id}, "
                f"{outcome.linked} linked, {outcome.unlinked} unlinked"
            )
        prefix = "dry run: would change" if dry_run else "changed"
        self.stdout.write(
            f"{prefix} {totals.linked + totals.unlinked} of {totals.scanned} code(s): "
            f"{totals.linked} linked, {totals.unlinked} unlinked, {totals.unchanged} unchanged"
        )
