"""Regenerate the study plans whose reports' codes changed since the plan was generated."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from studyplans.models import StudyPlan
from studyplans.plans.selectors import study_plan_list_stale
from studyplans.plans.services import study_plan_regenerate

BATCH = 500


class Command(BaseCommand):
    help = (
        "Find plans whose report codes were corrected after generation and rebuild them, keeping "
        "progress on codes that remain. Re-running finds nothing left to do."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List the plans without changing them.")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        ids = list(StudyPlan.objects.order_by("pk").values_list("pk", flat=True))
        stale: list[StudyPlan] = []
        for start in range(0, len(ids), BATCH):
            batch = StudyPlan.objects.filter(pk__in=ids[start : start + BATCH]).order_by("pk")
            stale += study_plan_list_stale(batch)
        self.stdout.write(f"checked {len(ids)} plans, {len(stale)} out of date")
        for number, plan in enumerate(stale, start=1):
            if dry_run:
                self.stdout.write(f"[{number}/{len(stale)}] would regenerate plan {plan.pk}")
                continue
            study_plan_regenerate(plan=plan)
            self.stdout.write(f"[{number}/{len(stale)}] regenerated plan {plan.pk}")
        verb = "would regenerate" if dry_run else "regenerated"
        self.stdout.write(f"{verb} {len(stale)} plans")
