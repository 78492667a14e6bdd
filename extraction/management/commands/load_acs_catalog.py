"""``manage.py load_acs_catalog [PATH] [--prune]``: load or refresh the ACS catalogue."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from extraction.catalog.loader import CatalogFileError, catalog_file_read, catalog_load
from extraction.catalog.shipped import SHIPPED_CATALOG


class Command(BaseCommand):
    help = (
        "Upsert the ACS catalogue from a .json or .json.gz file (default: the copy shipped with the "
        "project). Safe to re-run: unchanged elements are not written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", default=str(SHIPPED_CATALOG), help="Catalogue file.")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete elements that are not in the file (report codes keep their text, lose the link).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            rows = catalog_file_read(options["path"])
        except CatalogFileError as exc:
            raise CommandError(str(exc)) from exc
        result = catalog_load(rows, prune=options["prune"])
        elapsed = time.perf_counter() - started
        summary = (
            f"ACS catalogue: {len(rows)} elements, {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
        if options["prune"]:
            summary += f", {result.deleted} deleted"
        if result.documents_created:
            summary += f"; {result.documents_created} documents created"
        self.stdout.write(self.style.SUCCESS(f"{summary} in {elapsed:.2f}s"))
