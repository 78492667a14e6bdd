"""Reads of the national statistics: the table of missed codes, the exams, and the picture a
student's report and study plan are set against (docs/statistics.md).

Nothing published rests on fewer than :data:`MIN_REPORTS` reports: a code missed by fewer is left
out of the table, an exam with fewer is left out altogether.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypedDict, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, Sum

from extraction.models import CURRENT_EDITION, AcsElement, CodeDayStatistic, ExamDayStatistic
from extraction.statistics.services import BUCKETS, EXAM_COUNTS, PAST_VERSION_KEY

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
logger = logging.getLogger(__name__)


def cached_for(key: str, seconds: float, compute: Callable[[], T]) -> tuple[T, float]:
    """``compute()``'s value, computed at most once per ``seconds``; returns it and its age.

    The age is checked against the clock here rather than left to the cache's TTL alone, so the
    bound holds whatever the cache back end does with expiry, and the answer can say how much
    longer it may be kept (``Cache-Control: max-age``).
    """
    now = time.time()
    hit = _cache_get(key)
    if hit is not None and 0 <= now - hit[0] < seconds:
        return hit[1], now - hit[0]
    value = compute()
    _cache_set(key, (now, value), seconds)
    return value, 0.0


def _cache_get(key: str) -> Any:
    """What the cache holds under ``key``; an unavailable cache is a miss (it only saves time)."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("statistics cache unavailable; computing the figures", exc_info=True)
        return None


def _cache_set(key: str, value: Any, seconds: float) -> None:
    try:
        cache.set(key, value, timeout=max(1, int(seconds)))
    except Exception:
        logger.warning("statistics cache unavailable; figures not kept", exc_info=True)


def _window(days: int, today: dt.date) -> tuple[dt.date, dt.date]:
    return today - dt.timedelta(days=days - 1), today


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4)


class CodeFigure(TypedDict):
    """One row of the national table, as the API answers it (plain data, cached as it is)."""

    code: str
    description: str
    reports: int
    share: float
    trend_7d: float | None


def _code_sums(
    *,
    exam: str,
    span: tuple[dt.date, dt.date],
    window: tuple[dt.date, dt.date],
    recent: tuple[dt.date, dt.date],
    earlier: tuple[dt.date, dt.date],
) -> dict[str, tuple[int, int, int, str | None]]:
    """Per code of ``exam`` missed in ``span``: (missed in the window, in the last week, in the
    week before, its wording); one statement, summed from the (exam, day) index, each code's
    wording through the catalogue's unique (code, edition) index."""
    stats, elements = CodeDayStatistic._meta.db_table, AcsElement._meta.db_table
    between = "SUM(CASE WHEN day >= %s AND day <= %s THEN missed ELSE 0 END)"
    sql = (
        "SELECT s.code, s.window_missed, s.recent_missed, s.earlier_missed, "  # noqa: S608
        f"(SELECT e.description FROM {elements} e WHERE e.code = s.code AND e.edition = %s) "
        f"FROM (SELECT code, {between} AS window_missed, {between} AS recent_missed, "
        f"{between} AS earlier_missed FROM {stats} WHERE exam = %s AND day >= %s AND day <= %s "
        "GROUP BY code) s"
    )
    params: list[Any] = [CURRENT_EDITION, *window, *recent, *earlier, exam, *span]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # "" for a code the catalogue lacks: known to have no wording, unlike today's codes (None)
        return {code: (w or 0, r or 0, e or 0, text or "") for code, w, r, e, text in cursor.fetchall()}


@dataclass(frozen=True, slots=True)
class _Sums:
    """An exam's reports (window, last week, week before) and its codes' sums over some days."""

    reports: tuple[int, int, int]
    codes: dict[str, tuple[int, int, int, str | None]]


def _sums(*, exam: str, days: int, first: dt.date, last: dt.date, today: dt.date) -> _Sums:
    """The sums of :class:`_Sums` over the days ``first`` to ``last`` of the windows that end on
    ``today``; two queries."""
    since = today - dt.timedelta(days=days - 1)
    recent_since = today - dt.timedelta(days=TREND_DAYS - 1)
    earlier_since = recent_since - dt.timedelta(days=TREND_DAYS)
    earlier_until = recent_since - dt.timedelta(days=1)
    windows = {
        "window": (since, today),
        "recent": (recent_since, today),
        "earlier": (earlier_since, earlier_until),
    }
    totals = ExamDayStatistic.objects.filter(exam=exam, day__gte=first, day__lte=last).aggregate(
        **{
            name: Sum("reports", filter=Q(day__gte=low, day__lte=high))
            for name, (low, high) in windows.items()
        }
    )
    codes = _code_sums(exam=exam, span=(first, last), **windows)
    return _Sums(reports=(totals["window"] or 0, totals["recent"] or 0, totals["earlier"] or 0), codes=codes)


def _today_sums(*, exam: str, today: dt.date) -> _Sums:
    """Today's reports and codes of ``exam`` (today is in the window and the last week, never in
    the week before); two queries over one day's rows, the codes' wording left to the caller."""
    reports = ExamDayStatistic.objects.filter(exam=exam, day=today).aggregate(n=Sum("reports"))["n"] or 0
    missed = CodeDayStatistic.objects.filter(exam=exam, day=today).values("code").annotate(n=Sum("missed"))
    return _Sums(
        reports=(reports, reports, 0),
        codes={code: (n, n, 0, None) for code, n in missed.values_list("code", "n")},
    )


def _past_sums(*, exam: str, days: int, first: dt.date, today: dt.date) -> _Sums:
    """The sums over the days before today, which new reports never change (they count on the
    day they are received): kept ``STATISTICS_PAST_CACHE_SECONDS`` under a version that every
    change to an earlier day (a deletion, an opt-out, a correction, a rebuild) moves on
    (``statistics.services``). An unavailable cache computes them."""
    yesterday = today - dt.timedelta(days=1)
    try:
        version = cache.get(PAST_VERSION_KEY, "")
    except Exception:  # the cache only saves time
        return _sums(exam=exam, days=days, first=first, last=yesterday, today=today)
    key = f"cfipros:stats:past:{exam}:{days}:{today.isoformat()}:{version}"
    found: _Sums | None = _cache_get(key)
    if found is None:
        found = _sums(exam=exam, days=days, first=first, last=yesterday, today=today)
        _cache_set(key, found, settings.STATISTICS_PAST_CACHE_SECONDS)
    return found


@dataclass(frozen=True, slots=True)
class NationalCodes:
    exam: str
    days: int
    reports: int | None
    codes: list[CodeFigure]


def national_codes(*, exam: str, days: int, today: dt.date) -> NationalCodes:
    """The codes applicants of ``exam`` missed in the ``days`` days to ``today``, most missed
    first: the sums of the days before today (cached until one of them changes) plus today's,
    read fresh (two queries; two more when the earlier days' sums are not cached).

    ``share`` is the fraction of the window's reports that missed the code; ``trend_7d`` is its
    share over the last 7 days minus its share over the 7 days before, null when either week has
    fewer than :data:`MIN_REPORTS` reports of the exam.
    """
    first = min(today - dt.timedelta(days=days - 1), today - dt.timedelta(days=2 * TREND_DAYS - 1))
    past = _past_sums(exam=exam, days=days, first=first, today=today)
    now = _today_sums(exam=exam, today=today)
    reports, recent_reports, earlier_reports = (a + b for a, b in zip(past.reports, now.reports, strict=True))
    if reports < MIN_REPORTS:
        return NationalCodes(exam=exam, days=days, reports=None, codes=[])
    with_trend = recent_reports >= MIN_REPORTS and earlier_reports >= MIN_REPORTS
    none: tuple[int, int, int, str | None] = (0, 0, 0, None)
    rows = []
    for code in past.codes.keys() | now.codes.keys():
        before, today_sums = past.codes.get(code, none), now.codes.get(code, none)
        missed = before[0] + today_sums[0]
        if missed >= MIN_REPORTS:
            recent, earlier = before[1] + today_sums[1], before[2] + today_sums[2]
            rows.append((code, missed, recent, earlier, before[3]))
    rows.sort(key=lambda row: (-row[1], row[0]))
    unworded = [row[0] for row in rows if row[4] is None]
    if unworded:  # codes first missed today: their wording, in one query
        wording = dict(
            AcsElement.objects.filter(code__in=unworded, edition=CURRENT_EDITION).values_list(
                "code", "description"
            )
        )
        rows = [
            (code, missed, recent, earlier, wording.get(code, "") if text is None else text)
            for code, missed, recent, earlier, text in rows
        ]
    codes = [
        CodeFigure(
            code=code,
            description=text or "",
            reports=missed,
            share=round(missed / reports, 4),
            trend_7d=round(recent / recent_reports - earlier / earlier_reports, 4) if with_trend else None,
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
    """The table as plain data (its rows already are)."""
    return {"exam": table.exam, "days": table.days, "reports": table.reports, "codes": table.codes}


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
    try:
        found = cache.get_many(list(keys.values()))
    except Exception:  # the cache only saves time
        logger.warning("statistics cache unavailable; computing the pictures", exc_info=True)
        found = {}
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
        try:
            cache.set_many(
                {keys[exam]: picture for exam, picture in fresh.items()},
                settings.STATISTICS_PICTURE_CACHE_SECONDS,
            )
        except Exception:
            logger.warning("statistics cache unavailable; pictures not kept", exc_info=True)
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
