"""Import study resources from a CSV in the export format (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from studyplans.resources.services import (
    ResourceFileError,
    study_resources_import,
    study_resources_read_csv,
)


class Command(BaseCommand):
    help = (
        "Create or update resources from PATH. Rows match by key, then id, then task + element + "
        "publication + chapter; the whole file is validated before anything is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--force", action="store_true", help="Also overwrite curated rows.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = study_resources_read_csv(handle)
            result = study_resources_import(rows, force=options["force"])
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        except ResourceFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
            f"kept curated {result.kept_curated}"
        )
