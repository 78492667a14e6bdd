"""Rows of ``GET /api/v1/students``: one page of an instructor's students in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.links.selectors import students_of
from accounts.models import User
from extraction.engine.grammar import roman_value
from extraction.models import Report, ReportCode
from studyplans.models import StudyPlan, StudyPlanItem
from studyplans.plans.planning import ReportDates, knowledge_test_expiry
from studyplans.students.readiness import readiness

# Areas listed as weakest, most codes first.
WEAKEST_AREAS = 3


@dataclass(frozen=True)
class WeakArea:
    prefix: str
    area: str
    title: str
    codes: list[str]


@dataclass(frozen=True)
class StudentRow:
    id: int
    name: str
    latest_report: Report | None
    weakest_areas: list[WeakArea]
    plan_progress: float | None
    knowledge_test_expires: dt.date | None
    readiness: int


def students_list(user: User) -> QuerySet[User]:
    """The students ``user`` teaches, each with the id of their latest report and active plan."""
    latest_report = Report.objects.filter(owner=OuterRef("pk")).order_by(
        F("exam_date").desc(nulls_last=True), "-created_at", "-pk"
    )
    active_plan = StudyPlan.objects.filter(owner=OuterRef("pk"), status=StudyPlan.Status.ACTIVE).order_by(
        "-generated_at", "-pk"
    )
    return students_of(user).annotate(
        latest_report_id=Subquery(latest_report.values("pk")[:1]),
        active_plan_id=Subquery(active_plan.values("pk")[:1]),
    )


def _areas(report: Report) -> list[WeakArea]:
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for row in report.codes.all():
        element = row.element
        if element is None or not element.area:
            continue
        area = grouped.setdefault((element.prefix, element.area), {"title": element.area_title, "codes": []})
        area["codes"].append(row.code)
    ordered = sorted(grouped.items(), key=lambda kv: (-len(kv[1]["codes"]), kv[0][0], roman_value(kv[0][1])))
    return [
        WeakArea(prefix=prefix, area=area, title=values["title"], codes=sorted(values["codes"]))
        for (prefix, area), values in ordered
    ]


def student_rows(students: Sequence[User], *, today: dt.date) -> list[StudentRow]:
    """Rows for ``students`` (from ``students_list``): four queries, whatever their number."""
    report_ids = [getattr(s, "latest_report_id", None) for s in students]
    plan_ids = [getattr(s, "active_plan_id", None) for s in students]
    codes = ReportCode.objects.select_related("element").order_by("position", "pk")
    reports = {
        report.pk: report
        for report in Report.objects.filter(pk__in=[pk for pk in report_ids if pk]).prefetch_related(
            Prefetch("codes", queryset=codes)
        )
    }
    done_areas: dict[int, set[tuple[str, str]]] = defaultdict(set)
    progress: dict[int, tuple[int, int]] = {}
    per_area = (
        StudyPlanItem.objects.filter(plan_id__in=[pk for pk in plan_ids if pk])
        .values("plan_id", "section__prefix", "section__area")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(done=True)))
    )
    for row in per_area:
        done, total = progress.get(row["plan_id"], (0, 0))
        progress[row["plan_id"]] = (done + row["done"], total + row["total"])
        if row["done"] == row["total"]:
            done_areas[row["plan_id"]].add((row["section__prefix"], row["section__area"]))
    rows = []
    for student, report_id, plan_id in zip(students, report_ids, plan_ids, strict=True):
        report = reports.get(report_id) if report_id else None
        areas = _areas(report) if report is not None else []
        plan_percent = None
        if plan_id is not None:
            done, total = progress.get(plan_id, (0, 0))
            plan_percent = round(100.0 * done / total, 1) if total else 100.0
        expires = (
            knowledge_test_expiry(ReportDates(report.exam_code, report.exam_date, report.expiration_date))
            if report is not None
            else None
        )
        open_areas = sum(1 for a in areas if (a.prefix, a.area) not in done_areas.get(plan_id or 0, set()))
        rows.append(
            StudentRow(
                id=student.pk,
                name=student.get_full_name() or student.email or student.username,
                latest_report=report,
                weakest_areas=areas[:WEAKEST_AREAS],
                plan_progress=plan_percent,
                knowledge_test_expires=expires,
                readiness=readiness(
                    score=report.score if report is not None else None,
                    open_areas=open_areas,
                    plan_percent=plan_percent,
                    expires=expires,
                    today=today,
                ),
            )
        )
    return rows
