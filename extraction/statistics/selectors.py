"""Reads of the national statistics: the table of missed codes, the exams, and the picture a
student's report and study plan are set against (docs/statistics.md).

Nothing published rests on fewer than :data:`MIN_REPORTS` reports: a code missed by fewer is left
out of the table, an exam with fewer is left out altogether.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, Sum

from extraction.models import CURRENT_EDITION, AcsElement, CodeDayStatistic, ExamDayStatistic
from extraction.statistics.services import BUCKETS, EXAM_COUNTS

MIN_REPORTS = 5
# The windows of the public tables, in days (``days`` of /stats/codes and /stats/exams).
MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 1, 90, 30
# trend_7d compares the last TREND_DAYS days with the TREND_DAYS before them.
TREND_DAYS = 7
# The picture behind a report's codes and a plan's priorities: a longer window, steadier figures.
PICTURE_DAYS = 90
# Fewer reports of an exam than this in the picture's window, and nothing is said of its codes.
PICTURE_MIN_REPORTS = 30
COMMON_SHARE = 0.10
RARE_SHARE = 0.02

T = TypeVar("T")


def cached_for(key: str, seconds: float, compute: Callable[[], T]) -> tuple[T, float]:
    """``compute()``'s value, computed at most once per ``seconds``; returns it and its age.

    The age is checked against the clock here rather than left to the cache's TTL alone, so the
    bound holds whatever the cache back end does with expiry, and the answer can say how much
    longer it may be kept (``Cache-Control: max-age``).
    """
    now = time.time()
    hit = cache.get(key)
    if hit is not None and 0 <= now - hit[0] < seconds:
        return hit[1], now - hit[0]
    value = compute()
    cache.set(key, (now, value), timeout=max(1, int(seconds)))
    return value, 0.0


def _window(days: int, today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=days - 1), today


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4)


@dataclass(frozen=True, slots=True)
class CodeFigure:
    code: str
    description: str
    reports: int
    share: float
    trend_7d: float | None


def _code_rows(
    *,
    exam: str,
    span: tuple[dt.date, dt.date],
    window: tuple[dt.date, dt.date],
    recent: tuple[dt.date, dt.date],
    earlier: tuple[dt.date, dt.date],
) -> list[tuple[str, int, int, int, str | None]]:
    """(code, missed in the window, in the last week, in the week before, its wording) for every
    code missed by MIN_REPORTS reports or more in the window, most missed first.

    One statement: the counts are summed from the (exam, day) index first, and only the codes
    kept look their wording up, each through the catalogue's unique (code, edition) index.
    """
    stats, elements = CodeDayStatistic._meta.db_table, AcsElement._meta.db_table
    between = "SUM(CASE WHEN day >= %s AND day <= %s THEN missed ELSE 0 END)"
    sql = (
        "SELECT s.code, s.window_missed, s.recent_missed, s.earlier_missed, "  # noqa: S608
        f"(SELECT e.description FROM {elements} e WHERE e.code = s.code AND e.edition = %s) "
        f"FROM (SELECT code, {between} AS window_missed, {between} AS recent_missed, "
        f"{between} AS earlier_missed FROM {stats} WHERE exam = %s AND day >= %s AND day <= %s "
        "GROUP BY code) s WHERE s.window_missed >= %s ORDER BY s.window_missed DESC, s.code"
    )
    params: list[Any] = [CURRENT_EDITION, *window, *recent, *earlier, exam, *span, MIN_REPORTS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


@dataclass(frozen=True, slots=True)
class NationalCodes:
    exam: str
    days: int
    reports: int | None
    codes: list[CodeFigure]


def national_codes(*, exam: str, days: int, today: dt.date) -> NationalCodes:
    """The codes applicants of ``exam`` missed in the ``days`` days to ``today``, most missed
    first; two queries, whatever the number of reports.

    ``share`` is the fraction of the window's reports that missed the code; ``trend_7d`` is its
    share over the last 7 days minus its share over the 7 days before, null when either week has
    fewer than :data:`MIN_REPORTS` reports of the exam.
    """
    since, until = _window(days, today)
    recent_since = today - dt.timedelta(days=TREND_DAYS - 1)
    earlier_since = recent_since - dt.timedelta(days=TREND_DAYS)
    earlier_until = recent_since - dt.timedelta(days=1)
    window = Q(day__gte=since, day__lte=until)
    recent = Q(day__gte=recent_since, day__lte=until)
    earlier = Q(day__gte=earlier_since, day__lte=earlier_until)
    span = Q(day__gte=min(since, earlier_since), day__lte=until)

    totals = ExamDayStatistic.objects.filter(span, exam=exam).aggregate(
        window=Sum("reports", filter=window),
        recent=Sum("reports", filter=recent),
        earlier=Sum("reports", filter=earlier),
    )
    reports = totals["window"] or 0
    if reports < MIN_REPORTS:
        return NationalCodes(exam=exam, days=days, reports=None, codes=[])
    recent_reports, earlier_reports = totals["recent"] or 0, totals["earlier"] or 0
    with_trend = recent_reports >= MIN_REPORTS and earlier_reports >= MIN_REPORTS

    rows = _code_rows(
        exam=exam,
        span=(min(since, earlier_since), until),
        window=(since, until),
        recent=(recent_since, until),
        earlier=(earlier_since, earlier_until),
    )
    codes = [
        CodeFigure(
            code=code,
            description=text or "",
            reports=missed,
            share=_share(missed, reports),
            trend_7d=(
                round((recent or 0) / recent_reports - (earlier or 0) / earlier_reports, 4)
                if with_trend
                else None
            ),
        )
        for code, missed, recent, earlier, text in rows
    ]
    return NationalCodes(exam=exam, days=days, reports=reports, codes=codes)


def national_codes_cached(*, exam: str, days: int, today: dt.date) -> tuple[dict[str, Any], float]:
    """:func:`national_codes` as plain data (what the API answers, so a cached answer needs no
    serializer), computed at most once per ``STATISTICS_CACHE_SECONDS`` (5 s)."""
    return cached_for(
        f"cfipros:stats:codes:{exam}:{days}:{today.isoformat()}",
        settings.STATISTICS_CACHE_SECONDS,
        lambda: _codes_data(national_codes(exam=exam, days=days, today=today)),
    )


def _codes_data(table: NationalCodes) -> dict[str, Any]:
    """The table as plain data; field by field, several times faster than ``dataclasses.asdict``."""
    fields = [field.name for field in dataclasses.fields(CodeFigure)]
    return {
        "exam": table.exam,
        "days": table.days,
        "reports": table.reports,
        "codes": [{name: getattr(code, name) for name in fields} for code in table.codes],
    }


@dataclass(frozen=True, slots=True)
class ScoreBucket:
    low: int
    high: int
    reports: int


@dataclass(frozen=True, slots=True)
class ExamFigure:
    exam: str
    reports: int
    pass_rate: float
    mean_score: float | None
    scores: list[ScoreBucket]


def national_exams(*, days: int, today: dt.date) -> list[ExamFigure]:
    """Every exam with at least :data:`MIN_REPORTS` reports in the window, most reports first: its
    pass rate and score distribution (10-point buckets, the last one 90 to 100); one query."""
    since, until = _window(days, today)
    totals: dict[str, Any] = {f"total_{name}": Sum(name) for name in EXAM_COUNTS}
    found: Iterable[Any] = (
        ExamDayStatistic.objects.filter(day__gte=since, day__lte=until).values("exam").annotate(**totals)
    )
    rows: list[dict[str, Any]] = list(found)
    # A few dozen exams at most: kept and ordered here rather than by a HAVING over names the
    # annotation builds.
    rows = [row for row in rows if (row["total_reports"] or 0) >= MIN_REPORTS]
    rows.sort(key=lambda row: (-row["total_reports"], row["exam"]))
    return [_exam_figure(row) for row in rows]


def _exam_figure(row: dict[str, Any]) -> ExamFigure:
    reports, scored = row["total_reports"], row["total_scored"]
    return ExamFigure(
        exam=row["exam"],
        reports=reports,
        pass_rate=_share(row["total_passed"], reports),
        mean_score=round(row["total_score_sum"] / scored, 2) if scored else None,
        scores=[
            ScoreBucket(
                low=low, high=100 if low == BUCKETS[-1] else low + 9, reports=row[f"total_score_{low}"]
            )
            for low in BUCKETS
        ],
    )


def national_exams_cached(*, days: int, today: dt.date) -> tuple[list[dict[str, Any]], float]:
    """:func:`national_exams` as plain data, computed at most once per
    ``STATISTICS_CACHE_SECONDS`` (5 s)."""
    return cached_for(
        f"cfipros:stats:exams:{days}:{today.isoformat()}",
        settings.STATISTICS_CACHE_SECONDS,
        lambda: [dataclasses.asdict(exam) for exam in national_exams(days=days, today=today)],
    )


# --- The picture behind one person's codes ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExamPicture:
    """How often applicants of one exam missed each code over :data:`PICTURE_DAYS` days."""

    reports: int
    missed: dict[str, int]

    def share(self, code: str) -> float | None:
        """The published share of ``code``: None when the exam or the code has too few reports."""
        missed = self.missed.get(code, 0)
        if self.reports < MIN_REPORTS or missed < MIN_REPORTS:
            return None
        return _share(missed, self.reports)

    def frequency(self, code: str) -> str | None:
        """``common`` (missed by 10% or more), ``rare`` (under 2%, or by fewer than 5 reports),
        ``occasional`` between; None when the exam has fewer than 30 reports to say it from."""
        if self.reports < PICTURE_MIN_REPORTS:
            return None
        share = self.share(code)
        if share is None or share < RARE_SHARE:
            return "rare"
        return "common" if share >= COMMON_SHARE else "occasional"


NO_PICTURE = ExamPicture(reports=0, missed={})


def national_pictures(exams: Iterable[str], *, today: dt.date) -> dict[str, ExamPicture]:
    """The picture of each exam in ``exams``: one cache read for all of them and, for those not
    cached, one query per table whatever their number (the codes' only for exams with 5 reports
    or more); kept ``STATISTICS_PICTURE_CACHE_SECONDS``."""
    wanted = sorted({exam for exam in exams if exam})
    if not wanted:
        return {}
    keys = {exam: f"cfipros:stats:picture:{exam}:{today.isoformat()}" for exam in wanted}
    found = cache.get_many(list(keys.values()))
    pictures = {exam: found[key] for exam, key in keys.items() if key in found}
    missing = [exam for exam in wanted if exam not in pictures]
    if missing:
        since, until = _window(PICTURE_DAYS, today)
        window = Q(exam__in=missing, day__gte=since, day__lte=until)
        reports = dict(
            ExamDayStatistic.objects.filter(window)
            .values("exam")
            .annotate(n=Sum("reports"))
            .values_list("exam", "n")
        )
        missed: dict[str, dict[str, int]] = {exam: {} for exam in missing}
        # An exam under MIN_REPORTS publishes no share, so its codes need not be read.
        enough = [exam for exam in missing if (reports.get(exam) or 0) >= MIN_REPORTS]
        codes = (
            CodeDayStatistic.objects.filter(exam__in=enough, day__gte=since, day__lte=until)
            .values("exam", "code")
            .annotate(n=Sum("missed"))
            .filter(n__gte=MIN_REPORTS)
            .values_list("exam", "code", "n")
        )
        for exam, code, n in codes if enough else []:
            missed[exam][code] = n
        fresh = {exam: ExamPicture(reports=reports.get(exam) or 0, missed=missed[exam]) for exam in missing}
        cache.set_many(
            {keys[exam]: picture for exam, picture in fresh.items()},
            settings.STATISTICS_PICTURE_CACHE_SECONDS,
        )
        pictures |= fresh
    return pictures


def national_code_shares(codes_by_exam: Iterable[tuple[str, str]], *, today: dt.date) -> dict[str, float]:
    """For (exam, code) pairs, each code's published national share under its exam (the highest
    when a code is missed under several exams); codes without one are left out."""
    pairs = list(codes_by_exam)
    pictures = national_pictures((exam for exam, _ in pairs), today=today)
    shares: dict[str, float] = {}
    for exam, code in pairs:
        share = pictures.get(exam, NO_PICTURE).share(code)
        if share is not None:
            shares[code] = max(share, shares.get(code, 0.0))
    return shares
