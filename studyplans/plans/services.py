"""Writes of study plans: a plan generated from reports, and regenerated when their codes change.

The algorithm itself is :mod:`studyplans.plans.planning` (pure functions); this module gathers its
inputs in a fixed number of queries and stores its output with bulk inserts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import owners_visible_to
from cfipros.errors import Invalid, NotFound
from extraction.models import AcsElement, Report, ReportCode
from extraction.statistics.selectors import national_code_shares
from studyplans.models import StudyPlan, StudyPlanItem, StudyPlanSection, StudyResource
from studyplans.plans import planning
from studyplans.plans.events import study_plan_created_announce


@dataclass(frozen=True)
class _Inputs:
    codes: list[planning.MissedCode]
    resources: dict[planning.TaskKey, list[planning.ResourceInfo]]
    dates: list[planning.ReportDates]
    fingerprint: str
    national: dict[str, float]


def _element_info(element: AcsElement) -> planning.ElementInfo:
    return planning.ElementInfo(
        prefix=element.prefix,
        area=element.area,
        area_title=element.area_title,
        task=element.task,
        task_title=element.task_title,
        element_type=element.element_type,
        description=element.description,
    )


RESOURCE_COLUMNS = (
    "task__prefix",
    "task__area",
    "task__task",
    "task__area_title",
    "task__task_title",
    "element_code",
    "publication",
    "publication_title",
    "chapter",
    "title",
    "url",
    "estimated_minutes",
)


def _resources_for(keys: set[planning.TaskKey]) -> dict[planning.TaskKey, list[planning.ResourceInfo]]:
    """Every resource of the given tasks in one query, whatever the number of tasks.

    The filter is the product of the wanted prefixes, areas and letters (a small superset that
    the unique (prefix, area, task) index answers); rows of other tasks are dropped here.
    """
    found: dict[planning.TaskKey, list[planning.ResourceInfo]] = {}
    if not keys:
        return found
    rows = (
        StudyResource.objects.filter(
            task__prefix__in={k[0] for k in keys},
            task__area__in={k[1] for k in keys},
            task__task__in={k[2] for k in keys},
        )
        .order_by("task_id", "element_code", "position", "id")
        .values_list(*RESOURCE_COLUMNS)
    )
    for prefix, area, task, area_title, task_title, element_code, *snapshot in rows:
        key = (prefix, area, task)
        if key not in keys:
            continue
        publication, publication_title, chapter, title, url, minutes = snapshot
        found.setdefault(key, []).append(
            planning.ResourceInfo(
                element_code=element_code,
                estimated_minutes=minutes,
                snapshot={
                    "publication": publication,
                    "publication_title": publication_title,
                    "chapter": chapter,
                    "title": title,
                    "url": url,
                    "estimated_minutes": minutes,
                },
                task_title=task_title,
                area_title=area_title,
            )
        )
    return found


def _collect_inputs(reports: Sequence[Report]) -> _Inputs:
    index = {report.pk: position for position, report in enumerate(reports)}
    rows = list(
        ReportCode.objects.filter(report_id__in=list(index))
        .select_related("element")
        .only(
            "report_id",
            "code",
            "element__prefix",
            "element__area",
            "element__area_title",
            "element__task",
            "element__task_title",
            "element__element_type",
            "element__description",
        )
        .order_by("report_id", "position", "id")
    )
    codes = [
        planning.MissedCode(
            code=row.code,
            report=index[row.report_id],
            element_id=row.element_id,
            element=_element_info(row.element) if row.element is not None else None,
        )
        for row in rows
    ]
    keys = {key for key in (planning.task_key_of(c.code) for c in codes) if key is not None}
    per_report: dict[str, list[str]] = {str(report.pk): [] for report in reports}
    for row in rows:
        per_report[str(row.report_id)].append(row.code)
    return _Inputs(
        codes=codes,
        resources=_resources_for(keys),
        dates=[
            planning.ReportDates(
                exam_code=report.exam_code, exam_date=report.exam_date, expiration_date=report.expiration_date
            )
            for report in reports
        ],
        fingerprint=planning.codes_fingerprint(per_report.items()),
        # How often applicants of each report's exam missed its codes, nationally (cached).
        national=national_code_shares(
            ((reports[c.report].exam_code, c.code) for c in codes), today=timezone.now().date()
        ),
    )


def _write_draft(plan: StudyPlan, draft: planning.PlanDraft, previous: dict[str, StudyPlanItem]) -> None:
    """Sections then items with two bulk inserts; done state carries over by code."""
    sections = StudyPlanSection.objects.bulk_create(
        [
            StudyPlanSection(
                plan=plan,
                position=position,
                prefix=section.prefix,
                area=section.area,
                area_title=section.area_title,
                task=section.task,
                title=section.title[:300],
                priority=section.priority,
                report_count=section.report_count,
                estimated_minutes=section.estimated_minutes,
            )
            for position, section in enumerate(draft.sections)
        ]
    )
    items: list[StudyPlanItem] = []
    for section_row, section in zip(sections, draft.sections, strict=True):
        for item in section.items:
            before = previous.get(item.code)
            assert item.week_start is not None
            items.append(
                StudyPlanItem(
                    plan=plan,
                    section=section_row,
                    position=len(items),
                    code=item.code,
                    element_id=item.element_id,
                    element_type=item.element_type,
                    description=item.description,
                    resources=item.resources,
                    estimated_minutes=item.estimated_minutes,
                    week_start=item.week_start,
                    done=before.done if before else False,
                    minutes_spent=before.minutes_spent if before else 0,
                    done_at=before.done_at if before else None,
                    national_share=item.national_share,
                )
            )
    StudyPlanItem.objects.bulk_create(items)


def _status_for(items: Sequence[StudyPlanItem]) -> str:
    """Completed when nothing is left to study (including a plan with no items)."""
    if all(item.done for item in items):
        return StudyPlan.Status.COMPLETED
    return StudyPlan.Status.ACTIVE


def study_plan_create(
    *,
    user: User,
    report_ids: Sequence[UUID],
    hours_per_week: int = 5,
    target_date: dt.date | None = None,
    today: dt.date | None = None,
) -> StudyPlan:
    """Generate and store a plan from reports ``user`` may see (a fixed number of queries).

    The plan belongs to the reports' owner, so an instructor can prepare a plan that the
    student then works through; reports of different people cannot share a plan.
    """
    today = today or timezone.localdate()
    wanted = list(dict.fromkeys(report_ids))
    reports = list(
        Report.objects.filter(pk__in=wanted, owner__in=owners_visible_to(user)).select_related("owner")
    )
    if len(reports) != len(wanted):
        found = {report.pk for report in reports}
        missing = [str(pk) for pk in wanted if pk not in found]
        raise NotFound(
            "No report with id " + ", ".join(missing) + " is visible to you.", code="report_not_found"
        )
    owners = {report.owner_id for report in reports}
    if len(owners) != 1:
        raise Invalid(
            "A study plan is built from the reports of one person.", code="reports_of_different_owners"
        )
    reports.sort(key=lambda report: wanted.index(report.pk))
    owner = reports[0].owner
    assert owner is not None, "owners_visible_to never matches a report without owner"
    inputs = _collect_inputs(reports)
    draft = planning.build_plan(
        inputs.codes,
        inputs.resources,
        inputs.dates,
        hours_per_week=hours_per_week,
        start=today,
        target_date=target_date,
        national_shares=inputs.national,
    )
    with transaction.atomic():
        plan = StudyPlan.objects.create(
            owner=owner,
            created_by=user,
            hours_per_week=hours_per_week,
            target_date=target_date,
            start_date=today,
            status=StudyPlan.Status.ACTIVE if draft.items else StudyPlan.Status.COMPLETED,
            total_minutes=draft.total_minutes,
            warnings=draft.warnings,
            codes_fingerprint=inputs.fingerprint,
            generated_at=timezone.now(),
        )
        StudyPlan.reports.through.objects.bulk_create(
            [StudyPlan.reports.through(studyplan_id=plan.pk, report_id=report.pk) for report in reports]
        )
        _write_draft(plan, draft, {})
        study_plan_created_announce(plan, reports)
    return plan


def study_plan_regenerate(*, plan: StudyPlan) -> StudyPlan:
    """Rebuild sections and items from the reports' current codes and resources.

    Progress on codes that are still in the plan is kept; the schedule restarts from the original
    start date so weeks already planned do not move.
    """
    reports = list(plan.reports.all().order_by("created_at"))
    inputs = _collect_inputs(reports)
    draft = planning.build_plan(
        inputs.codes,
        inputs.resources,
        inputs.dates,
        hours_per_week=plan.hours_per_week,
        start=plan.start_date,
        target_date=plan.target_date,
        national_shares=inputs.national,
    )
    with transaction.atomic():
        previous = {item.code: item for item in plan.items.all()}
        plan.sections.all().delete()
        _write_draft(plan, draft, previous)
        items = list(plan.items.all())
        plan.total_minutes = draft.total_minutes
        plan.warnings = draft.warnings
        plan.codes_fingerprint = inputs.fingerprint
        plan.generated_at = timezone.now()
        plan.status = _status_for(items)
        plan.save(
            update_fields=[
                "total_minutes",
                "warnings",
                "codes_fingerprint",
                "generated_at",
                "status",
                "updated_at",
            ]
        )
    return plan
