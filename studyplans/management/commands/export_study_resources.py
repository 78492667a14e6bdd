"""Export every study resource as CSV (to PATH, or to standard output)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from studyplans.resources.services import study_resources_export


class Command(BaseCommand):
    help = "Write all resources in the import format to PATH, or to standard output without one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path | None = options["path"]
        if path is None:
            study_resources_export(self.stdout)
            return
        with path.open("w", encoding="utf-8", newline="") as handle:
            count = study_resources_export(handle)
        self.stdout.write(f"exported {count} resources to {path}")
