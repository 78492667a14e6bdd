"""Reads of the studyplans app: visible plans, progress, the schedule and the endorsement text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from accounts.selectors import owners_visible_to
from extraction.engine.grammar import PLT_CODE_RE, roman_value
from extraction.models import Report, ReportCode
from studyplans.models import StudyPlan, StudyPlanItem, StudyPlanSection
from studyplans.planning import ReportDates, knowledge_test_expiry


def plans_visible_to(user: User) -> QuerySet[StudyPlan]:
    """Plans of the owners ``user`` may see (themselves, their students as instructor or admin)."""
    return StudyPlan.objects.filter(owner__in=owners_visible_to(user))


def plan_list(user: User) -> QuerySet[StudyPlan]:
    """Visible plans with item counts annotated and report ids prefetched: two queries a page."""
    return (
        plans_visible_to(user)
        .annotate(
            item_count=Count("items", distinct=True),
            done_count=Count("items", filter=Q(items__done=True), distinct=True),
        )
        .prefetch_related(Prefetch("reports", queryset=Report.objects.only("id")))
        .order_by("-created_at", "-id")
    )


def plan_detail(user: User, plan_id: int) -> StudyPlan | None:
    """One visible plan with its reports, sections and items loaded in four queries."""
    return (
        plans_visible_to(user)
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


def plan_items(plan: StudyPlan) -> list[StudyPlanItem]:
    """Items in plan order from the prefetched sections."""
    return [item for section in plan.sections.all() for item in section.items.all()]


def _percent(done: int, total: int) -> float:
    return round(100.0 * done / total, 1) if total else 100.0


def plan_progress(plan: StudyPlan, items: Sequence[StudyPlanItem] | None = None) -> dict[str, Any]:
    """Done counts and minutes for the plan, and the same per ACS area (instructor-review last)."""
    items = plan_items(plan) if items is None else items
    sections = {section.pk: section for section in plan.sections.all()}
    areas: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        section = sections[item.section_id]
        key = (section.prefix, section.area)
        area = areas.setdefault(
            key,
            {
                "prefix": section.prefix,
                "area": section.area,
                "area_title": section.area_title if section.area else section.title,
                "done_items": 0,
                "total_items": 0,
            },
        )
        area["total_items"] += 1
        area["done_items"] += int(item.done)
    for area in areas.values():
        area["percent"] = _percent(area["done_items"], area["total_items"])
    done_items = sum(1 for item in items if item.done)
    return {
        "done_items": done_items,
        "total_items": len(items),
        "percent": _percent(done_items, len(items)),
        "done_minutes": sum(item.estimated_minutes for item in items if item.done),
        "minutes_spent": sum(item.minutes_spent for item in items),
        "areas": sorted(
            areas.values(),
            key=lambda a: (not a["area"], a["prefix"], roman_value(a["area"])),
        ),
    }


def list_progress(plan: StudyPlan) -> dict[str, Any]:
    """Progress from the list annotations, without loading items."""
    total = int(getattr(plan, "item_count", 0))
    done = int(getattr(plan, "done_count", 0))
    return {"done_items": done, "total_items": total, "percent": _percent(done, total)}


def plan_schedule(items: Sequence[StudyPlanItem]) -> list[dict[str, Any]]:
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


# --- Endorsement -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeficientTask:
    task: str
    title: str
    codes: list[str]


@dataclass(frozen=True)
class DeficientArea:
    prefix: str
    area: str
    title: str
    tasks: list[DeficientTask]


@dataclass(frozen=True)
class Endorsement:
    report: Report
    applicant_name: str
    test: str
    exam_date: dt.date | None
    expiration_date: dt.date | None
    areas: list[DeficientArea]
    other_codes: list[str]
    text: str


def report_visible(user: User, report_id: UUID) -> Report | None:
    return (
        Report.objects.filter(pk=report_id, owner__in=owners_visible_to(user)).select_related("owner").first()
    )


def _deficient_areas(codes: Sequence[ReportCode]) -> tuple[list[DeficientArea], list[str]]:
    areas: dict[tuple[str, str], dict[str, Any]] = {}
    other: list[str] = []
    for row in codes:
        element = row.element
        if element is None:
            other.append(row.code)
            continue
        area = areas.setdefault((element.prefix, element.area), {"title": element.area_title, "tasks": {}})
        task = area["tasks"].setdefault(element.task, {"title": element.task_title, "codes": []})
        task["codes"].append(row.code)
    result = [
        DeficientArea(
            prefix=prefix,
            area=area,
            title=values["title"],
            tasks=[
                DeficientTask(task=letter, title=task["title"], codes=sorted(task["codes"]))
                for letter, task in sorted(values["tasks"].items())
            ],
        )
        for (prefix, area), values in sorted(areas.items(), key=lambda kv: (kv[0][0], roman_value(kv[0][1])))
    ]
    return result, sorted(other)


BLANK = "_" * 32


def endorsement_for(report: Report) -> Endorsement:
    """The 14 CFR 61.39(a)(6)(iii) statement prepared for an instructor to review and sign.

    The instructor's name, certificate number, expiration and signature stay blank: the
    endorsement is only valid once an authorized instructor has actually reviewed every
    deficient area with the applicant and signs it.
    """
    codes = list(
        ReportCode.objects.filter(report=report).select_related("element").order_by("position", "id")
    )
    areas, other = _deficient_areas(codes)
    name = report.applicant_name or BLANK
    test = report.exam_title or "airman knowledge test"
    if report.exam_code and f"({report.exam_code})" not in test:
        test = f"{test} ({report.exam_code})"
    expiry = knowledge_test_expiry_for(report)
    lines = [
        "Endorsement for a practical test after a knowledge test (14 CFR 61.39(a)(6)(iii))",
        "",
        (
            f"I certify that {name} has received and logged the additional training I gave in each "
            f"subject area listed below, in which the applicant was found deficient on the {test} "
            f"knowledge test"
            + (f" taken on {report.exam_date.isoformat()}" if report.exam_date else "")
            + ", and that the applicant has now shown satisfactory knowledge of those areas."
        ),
        "",
    ]
    if areas or other:
        lines.append("Deficient subject areas:")
        for area in areas:
            lines.append(f"  {area.prefix}.{area.area} {area.title}")
            for task in area.tasks:
                lines.append(f"    Task {task.task}. {task.title} ({', '.join(task.codes)})")
        plt = [code for code in other if PLT_CODE_RE.match(code)]
        unmatched = [code for code in other if not PLT_CODE_RE.match(code)]
        if plt:
            lines.append("  Learning statement codes: " + ", ".join(plt))
        if unmatched:
            lines.append("  Other codes as printed on the report: " + ", ".join(unmatched))
    else:
        lines.append("The report lists no deficient subject areas.")
    if expiry is not None:
        lines += ["", f"Knowledge test valid through: {expiry.isoformat()}"]
    lines += [
        "",
        f"Instructor signature: {BLANK}   Date: {BLANK}",
        f"Instructor name: {BLANK}",
        f"Certificate number: {BLANK}   Expiration date: {BLANK}",
    ]
    return Endorsement(
        report=report,
        applicant_name=report.applicant_name,
        test=test,
        exam_date=report.exam_date,
        expiration_date=expiry,
        areas=areas,
        other_codes=other,
        text="\n".join(lines) + "\n",
    )


def knowledge_test_expiry_for(report: Report) -> dt.date | None:
    return knowledge_test_expiry(
        ReportDates(
            exam_code=report.exam_code, exam_date=report.exam_date, expiration_date=report.expiration_date
        )
    )
