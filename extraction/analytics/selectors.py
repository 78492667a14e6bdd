"""Cohort and school analytics in a fixed number of queries, whatever the number of students and reports.

The database does the counting and sends back only aggregates: reports per month, scores as a
histogram (at most one row per distinct score), codes missed per student and ACS area (the
heatmap's cells), and codes per student rolled up per code. Python then derives the summary
(min, max, mean, median, population standard deviation) exactly from the histogram, so the
figures are the ones a count over every report would give, without every report crossing the
wire. A school's figures add a per-instructor breakdown and the month-over-month drift by area.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from redis.exceptions import RedisError

from accounts.cohorts.selectors import cohort_students
from accounts.models import Cohort, Organization, User
from accounts.organizations.selectors import organization_students, organization_teaching
from extraction.engine.grammar import roman_value
from extraction.models import AcsCatalogVersion, Report, ReportCode

logger = logging.getLogger(__name__)

# An area missed by more than this share of the cohort's students is a class weakness.
WEAKNESS_SHARE = 0.3
# Codes listed, most missed first.
TOP_CODES = 100
PASS = "PASS"  # noqa: S105  # the printed grade, not a secret
# Cached figures are keyed on the data they were computed from, so they are never stale; the
# lifetime only bounds how long unread entries hold memory.
CACHE_SECONDS = 15 * 60

AreaKey = tuple[str, str]


@dataclass(frozen=True)
class AnalyticsFilter:
    since: dt.date | None = None
    until: dt.date | None = None
    exam: str | None = None


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(total: int, count: int) -> float | None:
    # int / int is the correctly rounded quotient, as statistics.fmean gives for integers.
    return round(total / count, 2) if count else None


def _score_summary(histogram: list[tuple[int, int]]) -> dict[str, float | int | None]:
    """Min, max, mean, median and population standard deviation of the scores ``histogram``
    (``(score, count)`` ascending) describes, as :mod:`statistics` would give over the list."""
    n = sum(count for _, count in histogram)
    if not n:
        return {"min": None, "max": None, "mean": None, "median": None, "std_dev": None}
    total = sum(score * count for score, count in histogram)

    def nth(index: int) -> int:
        seen = 0
        for score, count in histogram:
            seen += count
            if index < seen:
                return score
        raise IndexError(index)

    median: float = nth(n // 2) if n % 2 else (nth(n // 2 - 1) + nth(n // 2)) / 2
    mean = Fraction(total, n)
    variance = sum(count * (score - mean) ** 2 for score, count in histogram) / n
    return {
        "min": histogram[0][0],
        "max": histogram[-1][0],
        "mean": round(total / n, 2),
        "median": median,
        "std_dev": round(math.sqrt(variance), 2),
    }


def _reports(students: QuerySet[User], wanted: AnalyticsFilter) -> QuerySet[Report]:
    """The students' reports in the period for the exam; ``students`` nests as a subquery."""
    reports = Report.objects.filter(owner_id__in=students.values("pk"))
    if wanted.since is not None:
        reports = reports.filter(exam_date__gte=wanted.since)
    if wanted.until is not None:
        reports = reports.filter(exam_date__lte=wanted.until)
    if wanted.exam:
        reports = reports.filter(exam_code=wanted.exam)
    return reports.order_by()


def _codes(students: QuerySet[User], wanted: AnalyticsFilter) -> QuerySet[ReportCode]:
    """The codes of those reports, filtered through the join to the report (one scan, no IN list)."""
    codes = ReportCode.objects.filter(report__owner_id__in=students.values("pk"))
    if wanted.since is not None:
        codes = codes.filter(report__exam_date__gte=wanted.since)
    if wanted.until is not None:
        codes = codes.filter(report__exam_date__lte=wanted.until)
    if wanted.exam:
        codes = codes.filter(report__exam_code=wanted.exam)
    return codes.order_by()


# A report without an exam date counts in the month it was stored (UTC, the settings' zone).
_MONTH = TruncMonth(Coalesce("exam_date", TruncDate("created_at")))
_REPORT_MONTH = TruncMonth(Coalesce("report__exam_date", TruncDate("report__created_at")))


def _months(reports: QuerySet[Report]) -> list[dict[str, Any]]:
    rows = (
        reports.annotate(month=_MONTH)
        .values("month")
        .annotate(
            reports=Count("pk"),
            passed=Count("pk", filter=Q(grade=PASS)),
            scored=Count("score"),
            total=Sum("score"),
        )
        .order_by("month")
    )
    return [
        {
            "month": f"{row['month']:%Y-%m}",
            "reports": row["reports"],
            "passed": row["passed"],
            "scored": row["scored"],
            "total": row["total"] or 0,
        }
        for row in rows
    ]


def _histogram(reports: QuerySet[Report]) -> list[tuple[int, int]]:
    rows = reports.filter(score__isnull=False).values_list("score").annotate(n=Count("pk")).order_by("score")
    return [(int(score), int(n)) for score, n in rows]


def _area_cells(
    codes: QuerySet[ReportCode],
) -> tuple[dict[int, dict[AreaKey, int]], dict[AreaKey, set[int]], dict[AreaKey, str]]:
    """Codes missed per student and area, the students missing each area and each area's title."""
    cells: dict[int, dict[AreaKey, int]] = defaultdict(dict)
    area_students: dict[AreaKey, set[int]] = defaultdict(set)
    area_titles: dict[AreaKey, str] = {}
    rows = (
        codes.filter(element__isnull=False)
        .exclude(element__area="")
        .values_list("report__owner_id", "element__prefix", "element__area", "element__area_title")
        .annotate(n=Count("pk"))
    )
    for owner, prefix, area, title, count in rows:
        key = (prefix, area)
        mine = cells[owner]
        mine[key] = mine.get(key, 0) + count
        area_students[key].add(owner)
        area_titles.setdefault(key, title or "")
    return cells, area_students, area_titles


def _top_codes(codes: QuerySet[ReportCode], limit: int) -> list[tuple[str, int, int, str | None]]:
    """``(code, reports, students, description)`` for the codes missed by the most students.

    Counted in two steps, per (code, student) then per code, so the database aggregates by hash
    instead of sorting every code row for a COUNT(DISTINCT); a code appears once per report (a
    unique constraint), so the report count is the sum of the per-student counts.
    """
    per_student = codes.values("code", student=F("report__owner_id")).annotate(
        n=Count("pk"), description=Max("element__description")
    )
    inner, params = per_student.query.sql_with_params()
    sql = (
        'SELECT "code", SUM("n") AS "reports", COUNT(*) AS "students", MAX("description") '  # noqa: S608
        f"FROM ({inner}) AS per_student "
        'GROUP BY "code" ORDER BY 3 DESC, 2 DESC, "code" LIMIT %s'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [
            (code, int(reports), int(students), desc) for code, reports, students, desc in cursor.fetchall()
        ]


def _display_name(first: str, last: str, email: str, username: str) -> str:
    return f"{first} {last}".strip() or email or username


@dataclass(frozen=True)
class _Student:
    """One student of the roster, with their reports in the period counted by the database."""

    pk: int
    name: str
    reports: int
    passed: int
    scored: int
    total: int
    latest_change: dt.datetime | None


def _roster(students: QuerySet[User], wanted: AnalyticsFilter) -> tuple[list[_Student], str]:
    """The students in heatmap order, each with their reports' counts, and the catalogue's stamp.

    One query. The counts feed the per-instructor breakdown, and with the latest ``updated_at``
    they are the data version the cached figures are keyed on: a report stored, edited (its codes
    corrected, its owner changed) or deleted changes a student's count or latest change.
    """
    period = Q()
    if wanted.since is not None:
        period &= Q(reports__exam_date__gte=wanted.since)
    if wanted.until is not None:
        period &= Q(reports__exam_date__lte=wanted.until)
    if wanted.exam:
        period &= Q(reports__exam_code=wanted.exam)
    stamp = AcsCatalogVersion.objects.filter(pk=1).values("stamp")[:1]
    rows = students.values_list("pk", "first_name", "last_name", "email", "username").annotate(
        n_reports=Count("reports", filter=period),
        n_passed=Count("reports", filter=period & Q(reports__grade=PASS)),
        n_scored=Count("reports__score", filter=period),
        score_total=Sum("reports__score", filter=period),
        latest_change=Max("reports__updated_at", filter=period),
        catalog=Subquery(stamp),
    )
    roster, catalog = [], "initial"
    for pk, first, last, email, username, n, passed, scored, total, latest, stamp_value in rows:
        roster.append(
            _Student(pk, _display_name(first, last, email, username), n, passed, scored, total or 0, latest)
        )
        catalog = stamp_value or catalog
    return roster, catalog


def _version(kind: str, roster: list[_Student], catalog: str, wanted: AnalyticsFilter, *extra: Any) -> str:
    """The cache key of figures computed from exactly this data: any change to it is a new key."""
    digest = hashlib.sha256(
        repr(
            (
                kind,
                catalog,
                wanted,
                [(s.pk, s.name, s.reports, s.latest_change) for s in roster],
                extra,
            )
        ).encode()
    ).hexdigest()
    return f"cfipros:analytics:{kind}:{digest}"


def _cached(key: str) -> dict[str, Any] | None:
    """Figures kept under ``key``; an unavailable cache is a miss (it only saves time)."""
    try:
        figures: dict[str, Any] | None = cache.get(key)
    except (RedisError, OSError):
        logger.warning("analytics cache unavailable; computing the figures", exc_info=True)
        return None
    return figures


def _keep(key: str, figures: dict[str, Any]) -> None:
    try:
        cache.set(key, figures, CACHE_SECONDS)
    except (RedisError, OSError):
        logger.warning("analytics cache unavailable; figures not kept", exc_info=True)


def _figures(roster: list[_Student], students: QuerySet[User], wanted: AnalyticsFilter) -> dict[str, Any]:
    """The figures of the ``roster`` (whose students ``students`` selects) over their reports."""
    reports = _reports(students, wanted)
    codes = _codes(students, wanted)
    months = _months(reports)
    histogram = _histogram(reports)
    cells, area_students, area_titles = _area_cells(codes)
    top = _top_codes(codes, TOP_CODES)
    total = len(roster)
    count = sum(s.reports for s in roster)
    area_keys = sorted(area_students, key=lambda k: (k[0], roman_value(k[1])))
    return {
        "students": total,
        "reports": count,
        "pass_rate": _rate(sum(s.passed for s in roster), count),
        "score": _score_summary(histogram),
        "areas": [
            {
                "prefix": prefix,
                "area": area,
                "title": area_titles[(prefix, area)],
                "students_missing": len(area_students[(prefix, area)]),
                "share": _share(len(area_students[(prefix, area)]), total),
                "weakness": _share(len(area_students[(prefix, area)]), total) > WEAKNESS_SHARE,
            }
            for prefix, area in area_keys
        ],
        "codes": [
            {
                "code": code,
                "description": description or "",
                "reports": n_reports,
                "students": n_students,
                "share": _share(n_students, total),
            }
            for code, n_reports, n_students, description in top
        ],
        "heatmap": {
            "students": [{"id": s.pk, "name": s.name} for s in roster],
            "areas": [f"{prefix}.{area}" for prefix, area in area_keys],
            "cells": [
                [row.get(key, 0) for key in area_keys] for row in (cells.get(s.pk, {}) for s in roster)
            ],
        },
        "trend": [
            {
                "month": m["month"],
                "reports": m["reports"],
                "mean_score": _mean(m["total"], m["scored"]),
                "pass_rate": _rate(m["passed"], m["reports"]),
            }
            for m in months
        ],
    }


def cohort_analytics(cohort: Cohort, wanted: AnalyticsFilter) -> dict[str, Any]:
    """The cohort's figures over its students' reports taken between ``since`` and ``until``
    (exam dates, inclusive) for ``exam``.

    Two queries when the cohort's data is unchanged since the figures were last computed (the
    roster, then the cache), six when not, whatever the cohort's size.
    """
    students = cohort_students(cohort)
    roster, catalog = _roster(students, wanted)
    key = _version("cohort", roster, catalog, wanted)
    figures = _cached(key)
    if figures is None:
        figures = _figures(roster, students, wanted)
        _keep(key, figures)
    return figures


def _instructor_breakdown(
    instructors: list[tuple[int, str, str]], taught: set[tuple[int, int]], roster: list[_Student]
) -> list[dict[str, Any]]:
    """Per instructor of the school: the school's students they teach and those students' results."""
    by_pk = {s.pk: s for s in roster}
    students_of: dict[int, list[_Student]] = defaultdict(list)
    for instructor_id, student_id in sorted(taught):
        if student_id in by_pk:
            students_of[instructor_id].append(by_pk[student_id])
    breakdown = []
    for pk, name, role in instructors:
        rows = students_of.get(pk, [])
        n_reports = sum(s.reports for s in rows)
        breakdown.append(
            {
                "id": pk,
                "name": name,
                "role": role,
                "students": len(rows),
                "reports": n_reports,
                "pass_rate": _rate(sum(s.passed for s in rows), n_reports),
                "mean_score": _mean(sum(s.total for s in rows), sum(s.scored for s in rows)),
            }
        )
    return breakdown


def _drift(
    codes: QuerySet[ReportCode], months: Iterable[dict[str, Any]], areas: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per area, per month with reports: the share of that month's reports missing the area and
    its change from the previous calendar month (null when that month had no report)."""
    reports_in = {m["month"]: m["reports"] for m in months}
    missing: dict[tuple[str, str, str], int] = {}
    rows = (
        codes.filter(element__isnull=False)
        .exclude(element__area="")
        .annotate(month=_REPORT_MONTH)
        .values_list("month", "element__prefix", "element__area")
        .annotate(n=Count("report_id", distinct=True))
    )
    for month, prefix, area, n in rows:
        missing[(f"{month:%Y-%m}", prefix, area)] = n
    drift = []
    for figure in areas:
        series = []
        for month, n_reports in reports_in.items():
            share = _share(missing.get((month, figure["prefix"], figure["area"]), 0), n_reports)
            previous = _previous_month(month)
            before = (
                _share(missing.get((previous, figure["prefix"], figure["area"]), 0), reports_in[previous])
                if previous in reports_in
                else None
            )
            series.append(
                {
                    "month": month,
                    "reports_missing": missing.get((month, figure["prefix"], figure["area"]), 0),
                    "share": share,
                    "change": round(share - before, 4) if before is not None else None,
                }
            )
        drift.append(
            {"prefix": figure["prefix"], "area": figure["area"], "title": figure["title"], "months": series}
        )
    return drift


def _previous_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def organization_analytics(organization: Organization, wanted: AnalyticsFilter) -> dict[str, Any]:
    """A school's figures over all its students (as a cohort's), with a per-instructor breakdown
    and the month-over-month drift by area.

    Four queries when the school's data is unchanged since the figures were last computed (the
    roster, the instructors, who teaches whom, then the cache), nine when not, whatever its size.
    """
    students = organization_students(organization)
    roster, catalog = _roster(students, wanted)
    teaching = organization_teaching(organization)
    instructors = [
        (m.pk, _display_name(m.first_name, m.last_name, m.email, m.username), m.role) for m in teaching.staff
    ]
    taught = teaching.pairs
    key = _version("organization", roster, catalog, wanted)
    figures = _cached(key)
    if figures is None:
        figures = _figures(roster, students, wanted)
        months = [{"month": m["month"], "reports": m["reports"]} for m in figures["trend"]]
        figures["drift"] = _drift(_codes(students, wanted), months, figures["areas"])
        _keep(key, figures)
    return {**figures, "instructors": _instructor_breakdown(instructors, taught, roster)}
