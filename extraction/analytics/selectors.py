"""A cohort's analytics in a fixed number of queries, whatever the number of students and reports.

Four reads: the students, the reports' scores, grades and dates as tuples, codes missed counted
per student and ACS area, and per code; the database counts the codes, Python the rest.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from accounts.cohorts.selectors import cohort_students
from accounts.models import Cohort
from extraction.engine.grammar import roman_value
from extraction.models import Report, ReportCode

# An area missed by more than this share of the cohort's students is a class weakness.
WEAKNESS_SHARE = 0.3
# Codes listed, most missed first.
TOP_CODES = 100
PASS = "PASS"  # noqa: S105  # the printed grade, not a secret


@dataclass(frozen=True)
class AnalyticsFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    exam: str | None = None


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _score_summary(scores: list[int]) -> dict[str, float | int | None]:
    if not scores:
        return {"min": None, "max": None, "mean": None, "median": None, "std_dev": None}
    return {
        "min": min(scores),
        "max": max(scores),
        "mean": round(statistics.fmean(scores), 2),
        "median": statistics.median(scores),
        "std_dev": round(statistics.pstdev(scores), 2),
    }


def _pass_rate(grades: list[str]) -> float | None:
    return round(sum(1 for g in grades if g == PASS) / len(grades), 4) if grades else None


def cohort_analytics(cohort: Cohort, wanted: AnalyticsFilter) -> dict[str, Any]:
    """The cohort's figures over its students' reports taken between ``since`` and ``until``
    (exam dates, inclusive) for ``exam``; five queries, the counting per code and per student and
    area done by the database."""
    students = list(cohort_students(cohort).values_list("pk", "first_name", "last_name", "email", "username"))
    student_ids = [s[0] for s in students]
    reports_qs = Report.objects.filter(owner_id__in=student_ids)
    if wanted.since is not None:
        reports_qs = reports_qs.filter(exam_date__gte=wanted.since)
    if wanted.until is not None:
        reports_qs = reports_qs.filter(exam_date__lte=wanted.until)
    if wanted.exam:
        reports_qs = reports_qs.filter(exam_code=wanted.exam)
    reports = list(reports_qs.values_list("score", "grade", "exam_date", "created_at"))
    codes_qs = ReportCode.objects.filter(report__in=reports_qs)
    per_student_area = codes_qs.exclude(element__area="").filter(element__isnull=False)
    cells: dict[tuple[int, tuple[str, str]], int] = {}
    area_students: dict[tuple[str, str], set[int]] = defaultdict(set)
    area_titles: dict[tuple[str, str], str] = {}
    for owner, prefix, area, title, count in per_student_area.values_list(
        "report__owner_id", "element__prefix", "element__area", "element__area_title"
    ).annotate(n=Count("pk")):
        key = (prefix, area)
        cells[(owner, key)] = cells.get((owner, key), 0) + count
        area_students[key].add(owner)
        area_titles.setdefault(key, title or "")
    per_code = list(
        codes_qs.values("code")
        .annotate(
            reports=Count("report_id", distinct=True),
            students=Count("report__owner_id", distinct=True),
            description=Max("element__description"),
        )
        .order_by("-students", "-reports", "code")[:TOP_CODES]
    )
    total = len(students)
    area_keys = sorted(area_students, key=lambda k: (k[0], roman_value(k[1])))
    areas = [
        {
            "prefix": prefix,
            "area": area,
            "title": area_titles[(prefix, area)],
            "students_missing": len(area_students[(prefix, area)]),
            "share": _share(len(area_students[(prefix, area)]), total),
            "weakness": _share(len(area_students[(prefix, area)]), total) > WEAKNESS_SHARE,
        }
        for prefix, area in area_keys
    ]
    months: dict[str, list[Any]] = defaultdict(list)
    for report in reports:
        day = report[2] or report[3].date()
        months[f"{day:%Y-%m}"].append(report)
    scores = [r[0] for r in reports if r[0] is not None]
    return {
        "students": total,
        "reports": len(reports),
        "pass_rate": _pass_rate([r[1] for r in reports]),
        "score": _score_summary(scores),
        "areas": areas,
        "codes": [
            {
                "code": row["code"],
                "description": row["description"] or "",
                "reports": row["reports"],
                "students": row["students"],
                "share": _share(row["students"], total),
            }
            for row in per_code
        ],
        "heatmap": {
            "students": [
                {"id": pk, "name": f"{first} {last}".strip() or email or username}
                for pk, first, last, email, username in students
            ],
            "areas": [f"{prefix}.{area}" for prefix, area in area_keys],
            "cells": [[cells.get((s[0], key), 0) for key in area_keys] for s in students],
        },
        "trend": [
            {
                "month": month,
                "reports": len(rows),
                "mean_score": round(statistics.fmean(v), 2)
                if (v := [r[0] for r in rows if r[0] is not None])
                else None,
                "pass_rate": _pass_rate([r[1] for r in rows]),
            }
            for month, rows in sorted(months.items())
        ],
    }
