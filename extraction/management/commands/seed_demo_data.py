"""``manage.py seed_demo_data --students N --reports M [--seed S] [--reset] [--force]``: a demo school."""

from __future__ import annotations

import datetime as dt
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cfipros.errors import Invalid
from extraction.demo.services import demo_school_delete, demo_school_seed


def _positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Create a realistic demo school: an admin, instructors, students linked to them, cohorts and "
        "reports with codes from the ACS catalogue, the same for the same seed. Does nothing if the "
        "school of that seed exists (--reset replaces it). Refused under production settings unless "
        "--force."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--students", type=_positive, required=True, help="Students (at least 1).")
        parser.add_argument("--reports", type=_positive, required=True, help="Reports between them.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same school (default 1).")
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=None,
            help="Exam dates fall in the year before this day (YYYY-MM-DD; default today).",
        )
        parser.add_argument("--reset", action="store_true", help="Delete this seed's school first.")
        parser.add_argument("--force", action="store_true", help="Run even under production settings.")

    def handle(self, *args: Any, **options: Any) -> None:
        if str(settings.SETTINGS_MODULE).endswith(".production") and not options["force"]:
            raise CommandError("Refusing to seed demo data under production settings; add --force to insist.")
        started = time.perf_counter()
        if options["reset"]:
            demo_school_delete(options["seed"])
        try:
            school = demo_school_seed(
                students=options["students"],
                reports=options["reports"],
                seed=options["seed"],
                as_of=options["as_of"],
            )
        except Invalid as exc:
            raise CommandError(exc.detail) from exc
        figures = (
            f"{school.admins} admin, {school.instructors} instructors, {school.students} students, "
            f"{school.links} links, {school.cohorts} cohorts, "
            f"{school.reports} reports with {school.codes} codes"
        )
        if school.created:
            elapsed = time.perf_counter() - started
            where = f"{school.name} (organization {school.organization_id})"
            self.stdout.write(self.style.SUCCESS(f"Created {where}: {figures} in {elapsed:.1f}s"))
        else:
            self.stdout.write(
                f"{school.name} (organization {school.organization_id}) already exists, nothing done: "
                f"{figures}. Use --reset to recreate it."
            )
