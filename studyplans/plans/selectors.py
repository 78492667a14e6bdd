"""Reads of study plans: which plans a user may see, one plan in full, its schedule, staleness,
and an owner's export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from accounts.selectors import owners_visible_to
from cfipros.errors import Invalid, NotFound
from extraction.models import Report, ReportCode
from studyplans.models import StudyPlan, StudyPlanItem, StudyPlanSection
from studyplans.plans import planning


def study_plan_list_visible(user: User) -> QuerySet[StudyPlan]:
    """Plans of the owners ``user`` may see (themselves, their students as instructor or admin)."""
    return StudyPlan.objects.filter(owner__in=owners_visible_to(user))


def study_plan_list(user: User, *, status: str | None = None) -> QuerySet[StudyPlan]:
    """Visible plans with item counts annotated and report ids prefetched: two queries a page.

    ``status`` keeps the plans in that status; one that is not a plan status is refused.
    """
    if status is not None and status not in StudyPlan.Status.values:
        raise Invalid(
            f"Unknown status {status!r}.",
            errors={"status": [f"Must be one of: {', '.join(StudyPlan.Status.values)}."]},
        )
    plans = (
        study_plan_list_visible(user)
        .annotate(
            item_count=Count("items", distinct=True),
            done_count=Count("items", filter=Q(items__done=True), distinct=True),
        )
        .prefetch_related(Prefetch("reports", queryset=Report.objects.only("id")))
        .order_by("-created_at", "-id")
    )
    return plans if status is None else plans.filter(status=status)


def study_plan_get(user: User, plan_id: int) -> StudyPlan:
    """One visible plan with its reports, sections and items loaded in four queries."""
    plan = (
        study_plan_list_visible(user)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.only(
                    "id",
                    "exam_code",
                    "exam_title",
                    "exam_date",
                    "score",
                    "grade",
                    "expiration_date",
                    "applicant_name",
                ),
            ),
            Prefetch(
                "sections",
                queryset=StudyPlanSection.objects.order_by("position").prefetch_related(
                    Prefetch("items", queryset=StudyPlanItem.objects.order_by("position"))
                ),
            ),
        )
        .filter(pk=plan_id)
        .first()
    )
    if plan is None:
        raise NotFound("No study plan with this id is visible to you.")
    return plan


def study_plan_item_list(plan: StudyPlan) -> list[StudyPlanItem]:
    """Items in plan order from the prefetched sections."""
    return [item for section in plan.sections.all() for item in section.items.all()]


def study_plan_schedule_get(items: Sequence[StudyPlanItem]) -> list[dict[str, Any]]:
    """Items grouped by the week they are scheduled in, weeks in date order."""
    weeks: dict[dt.date, list[StudyPlanItem]] = {}
    for item in items:
        weeks.setdefault(item.week_start, []).append(item)
    return [
        {
            "week_start": week,
            "estimated_minutes": sum(item.estimated_minutes for item in week_items),
            "items": [
                {
                    "id": item.pk,
                    "code": item.code,
                    "estimated_minutes": item.estimated_minutes,
                    "done": item.done,
                }
                for item in week_items
            ],
        }
        for week, week_items in sorted(weeks.items())
    ]


def study_plans_fingerprint(plans: Sequence[StudyPlan]) -> dict[int, str]:
    """The codes fingerprint each plan would have now, in two queries for any number of plans."""
    through = StudyPlan.reports.through
    links = list(
        through.objects.filter(studyplan_id__in=[p.pk for p in plans]).values_list(
            "studyplan_id", "report_id"
        )
    )
    codes: dict[str, list[str]] = {}
    for report_id, code in ReportCode.objects.filter(report_id__in={r for _, r in links}).values_list(
        "report_id", "code"
    ):
        codes.setdefault(str(report_id), []).append(code)
    per_plan: dict[int, dict[str, list[str]]] = {plan.pk: {} for plan in plans}
    for plan_id, report_id in links:
        per_plan[plan_id][str(report_id)] = codes.get(str(report_id), [])
    return {plan_id: planning.codes_fingerprint(reports.items()) for plan_id, reports in per_plan.items()}


def study_plan_list_stale(plans: Iterable[StudyPlan]) -> list[StudyPlan]:
    """Plans whose reports' codes changed since the plan was generated."""
    plan_list = list(plans)
    now = study_plans_fingerprint(plan_list)
    return [plan for plan in plan_list if now[plan.pk] != plan.codes_fingerprint]


EXPORT_CHUNK = 100


def study_plans_export(owner: User) -> Iterator[dict[str, Any]]:
    """Every plan ``owner`` owns, oldest first, with its reports, items and the progress recorded on
    them: four queries per chunk of plans."""
    items = StudyPlanItem.objects.select_related("section").order_by("position")
    plans = (
        StudyPlan.objects.filter(owner=owner)
        .order_by("created_at", "pk")
        .prefetch_related(
            Prefetch("reports", queryset=Report.objects.only("id")), Prefetch("items", queryset=items)
        )
    )
    for plan in plans.iterator(chunk_size=EXPORT_CHUNK):
        plan_items = list(plan.items.all())
        yield {
            "id": plan.pk,
            "status": plan.status,
            "created_at": plan.created_at,
            "generated_at": plan.generated_at,
            "start_date": plan.start_date,
            "target_date": plan.target_date,
            "hours_per_week": plan.hours_per_week,
            "total_minutes": plan.total_minutes,
            "warnings": plan.warnings,
            "report_ids": [report.pk for report in plan.reports.all()],
            "progress": {
                "items": len(plan_items),
                "done": sum(item.done for item in plan_items),
                "minutes_spent": sum(item.minutes_spent for item in plan_items),
            },
            "items": [
                {
                    "code": item.code,
                    "section": item.section.title,
                    "description": item.description,
                    "week_start": item.week_start,
                    "estimated_minutes": item.estimated_minutes,
                    "resources": item.resources,
                    "done": item.done,
                    "minutes_spent": item.minutes_spent,
                    "done_at": item.done_at,
                }
                for item in plan_items
            ],
        }
