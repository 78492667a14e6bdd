"""Load the shipped starter mapping of ACS tasks to FAA chapters (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from studyplans.resources.services import ResourceFileError, study_resources_load_starter
from studyplans.resources.starter import StarterDataError


class Command(BaseCommand):
    help = (
        "Apply the mapping in studyplans/data/ to the shipped ACS catalogue and store the resources. "
        "Rows are keyed, so a re-run changes nothing; rows staff edited in the admin (curated) are "
        "kept unless --force; starter rows the mapping no longer produces are removed unless curated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Overwrite curated rows with the starter values."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = study_resources_load_starter(force=options["force"])
        except (ResourceFileError, StarterDataError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
            f"kept curated {result.kept_curated}, removed {result.removed}"
        )
