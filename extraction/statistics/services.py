"""Writes of the national statistics: every stored, changed or deleted report moves the daily counts.

A report counts when it has an exam code and either has no owner (an anonymous result) or an owner
who contributes (``User.contribute_to_statistics``). Its day is the UTC day it was received
(``Report.created_at``), which never changes, so a report always adds to and takes from the
same rows.

Two ways to move the counts, one per size of work:

* one report (stored, re-uploaded, claimed, corrected, deleted): the caller passes what the report
  counted for before and after as :class:`ReportFigures`, and :func:`statistics_report_changed`
  writes the difference with one ``INSERT … ON CONFLICT DO UPDATE`` per table;
* many reports (an owner opting out or in, the hourly purge, a rebuild): one
  ``INSERT … SELECT … ON CONFLICT DO UPDATE`` per table over the reports, done in the database.

Rows are written in key order, codes table first, so concurrent writers lock them in the same
order and never deadlock each other.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from extraction.models import CodeDayStatistic, ExamDayStatistic, Report, ReportCode

logger = logging.getLogger(__name__)

PASS_GRADE = "PASS"  # noqa: S105  # the printed grade, not a secret
# The score buckets' lower bounds: score_0 counts scores below 10, score_90 those of 90 and more.
BUCKETS = tuple(range(0, 100, 10))
EXAM_COUNTS = ("reports", "passed", "scored", "score_sum", *(f"score_{low}" for low in BUCKETS))


def received_day(moment: dt.datetime) -> dt.date:
    """The UTC day a report was received: the day its national counts belong to."""
    return moment.astimezone(dt.UTC).date()


def score_bucket(score: int) -> int:
    """The lower bound of the bucket of ``score``: below 10 in the first, 90 and more in the last."""
    return min(max(score, 0) // 10 * 10, BUCKETS[-1])


@dataclass(frozen=True, slots=True)
class ReportFigures:
    """What one counted report adds to the national counts: nothing that names it or its owner."""

    exam: str
    day: dt.date
    score: int | None
    passed: bool
    codes: tuple[str, ...]


def report_figures(report: Report, codes: Iterable[str]) -> ReportFigures | None:
    """The figures of ``report`` with ``codes``; None for a report without an exam code (it belongs
    to no exam's table). Whether the report counts at all is the caller's to decide."""
    if not report.exam_code:
        return None
    return ReportFigures(
        exam=report.exam_code,
        day=received_day(report.created_at),
        score=report.score,
        passed=report.grade == PASS_GRADE,
        codes=tuple(dict.fromkeys(codes)),
    )


def report_figures_stored(report: Report) -> ReportFigures | None:
    """The figures of ``report`` as stored now (one query for its codes)."""
    if not report.exam_code:
        return None
    codes = ReportCode.objects.filter(report_id=report.pk).order_by("position").values_list("code", flat=True)
    return report_figures(report, list(codes))


def owner_contributes(owner_id: int | None) -> bool:
    """Whether a report of ``owner_id`` counts: anonymous results always do (nobody to ask, nothing
    that names anyone), an owner's as long as they have not opted out."""
    if owner_id is None:
        return True
    return bool(User.objects.filter(pk=owner_id).values_list("contribute_to_statistics", flat=True).first())


@dataclass
class _Delta:
    codes: Counter[tuple[str, str, dt.date]] = field(default_factory=Counter)
    exams: dict[tuple[str, dt.date], Counter[str]] = field(default_factory=dict)

    def add(self, figures: ReportFigures | None, sign: int) -> None:
        if figures is None:
            return
        for code in figures.codes:
            self.codes[figures.exam, code, figures.day] += sign
        counts = self.exams.setdefault((figures.exam, figures.day), Counter())
        counts["reports"] += sign
        counts["passed"] += sign * figures.passed
        if figures.score is not None:
            counts["scored"] += sign
            counts["score_sum"] += sign * figures.score
            counts[f"score_{score_bucket(figures.score)}"] += sign


def _quoted(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _upsert(
    model: type[Any], keys: Sequence[str], counts: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Add ``rows`` (keys then counts) to ``model``'s rows in one statement, creating missing ones."""
    if not rows:
        return
    table = _quoted(model)
    columns = [*keys, *counts]
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in counts)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([placeholders] * len(rows))} "  # noqa: S608
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in sorted(rows) for value in row])


# The version of the sums of days before today that the tables cache (``statistics.selectors``):
# a random stamp, so a version lost from the cache is never reused.
PAST_VERSION_KEY = "cfipros:stats:past-version"


def _past_version_move() -> None:
    try:
        cache.set(PAST_VERSION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:  # the cached sums then live out their STATISTICS_PAST_CACHE_SECONDS
        logger.warning("statistics cache unavailable; earlier days' sums not invalidated", exc_info=True)


def statistics_past_changed() -> None:
    """Counts of a day before today changed: the tables' cached sums of those days are dropped,
    now and again once the change commits (so no reader caches what it read before the commit)."""
    _past_version_move()
    transaction.on_commit(_past_version_move)


def statistics_report_changed(*, before: ReportFigures | None, after: ReportFigures | None) -> None:
    """Move the counts from what a report counted for (``before``) to what it counts for now
    (``after``); None on either side is "counted for nothing" (new, deleted, not counted)."""
    delta = _Delta()
    delta.add(before, -1)
    delta.add(after, +1)
    code_rows = [(exam, code, day, False, n) for (exam, code, day), n in delta.codes.items() if n]
    exam_rows = [
        (exam, day, False, *(counts[name] for name in EXAM_COUNTS))
        for (exam, day), counts in delta.exams.items()
        if any(counts.values())
    ]
    with transaction.atomic():
        _upsert(CodeDayStatistic, ("exam", "code", "day", "purged"), ("missed",), code_rows)
        _upsert(ExamDayStatistic, ("exam", "day", "purged"), EXAM_COUNTS, exam_rows)
    today = received_day(timezone.now())
    if any(day < today for _, day in delta.exams):
        statistics_past_changed()


# --- Many reports at once, in the database ---------------------------------------------------------


def _day_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"(({column}) AT TIME ZONE 'UTC')::date"
    return f"date({column})"


def _bucket_sql(low: int) -> str:
    if low == BUCKETS[0]:
        return "r.score < 10"
    if low == BUCKETS[-1]:
        return f"r.score >= {low}"
    return f"r.score >= {low} AND r.score < {low + 10}"


def _apply_many(reports: QuerySet[Report], *, sign: int, purged: bool, counted_only: bool) -> None:
    """Add (``sign`` 1) or take away (-1) what ``reports`` count for, in rows marked ``purged``.

    ``counted_only`` keeps to reports that count now; without it, every report with an exam code
    is taken, which is what an owner who has just opted out contributed until then.
    """
    scope, params = reports.order_by().values("pk").query.sql_with_params()
    report_table, code_table = _quoted(Report), _quoted(ReportCode)
    day = _day_sql("r.created_at")
    counted = (
        f" AND (r.owner_id IS NULL OR r.owner_id IN (SELECT id FROM {_quoted(User)} "  # noqa: S608
        "WHERE contribute_to_statistics))"
        if counted_only
        else ""
    )
    where = f"r.id IN ({scope}) AND r.exam_code <> ''{counted}"
    stats = _quoted(CodeDayStatistic)
    codes_sql = (
        f"INSERT INTO {stats} (exam, code, day, purged, missed) "  # noqa: S608
        f"SELECT r.exam_code, c.code, {day}, %s, %s * COUNT(*) "
        f"FROM {report_table} r JOIN {code_table} c ON c.report_id = r.id WHERE {where} "
        f"GROUP BY r.exam_code, c.code, {day} ORDER BY r.exam_code, c.code, {day} "
        f"ON CONFLICT (exam, code, day, purged) DO UPDATE SET missed = {stats}.missed + EXCLUDED.missed"
    )
    exams = _quoted(ExamDayStatistic)
    sums = [
        "COUNT(*)",
        f"SUM(CASE WHEN r.grade = '{PASS_GRADE}' THEN 1 ELSE 0 END)",
        "COUNT(r.score)",
        "COALESCE(SUM(r.score), 0)",
        *(f"SUM(CASE WHEN {_bucket_sql(low)} THEN 1 ELSE 0 END)" for low in BUCKETS),
    ]
    updates = ", ".join(f"{c} = {exams}.{c} + EXCLUDED.{c}" for c in EXAM_COUNTS)
    exams_sql = (
        f"INSERT INTO {exams} (exam, day, purged, {', '.join(EXAM_COUNTS)}) "  # noqa: S608
        f"SELECT r.exam_code, {day}, %s, {', '.join(f'%s * {s}' for s in sums)} "
        f"FROM {report_table} r WHERE {where} "
        f"GROUP BY r.exam_code, {day} ORDER BY r.exam_code, {day} "
        f"ON CONFLICT (exam, day, purged) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(codes_sql, [purged, sign, *params])
        cursor.execute(exams_sql, [purged, *([sign] * len(sums)), *params])


@transaction.atomic
def statistics_owner_contribution_set(*, owner: User, contribute: bool) -> None:
    """An owner opted in (their reports are added back) or out (what they contributed is taken
    away); called once the preference changed, under the lock on the owner's row."""
    _apply_many(
        Report.objects.filter(owner=owner), sign=1 if contribute else -1, purged=False, counted_only=False
    )
    statistics_past_changed()


def statistics_owner_withdraw(*, owner: User) -> None:
    """Take away what an owner's reports count for, before they are deleted with the owner."""
    _apply_many(Report.objects.filter(owner=owner), sign=-1, purged=False, counted_only=True)
    statistics_past_changed()


@transaction.atomic
def statistics_reports_retain(*, reports: QuerySet[Report]) -> None:
    """Keep what ``reports`` count for once they are gone: moved to the ``purged`` rows, which a
    rebuild leaves alone. For anonymous results about to be purged (docs/statistics.md)."""
    _apply_many(reports, sign=-1, purged=False, counted_only=True)
    _apply_many(reports, sign=1, purged=True, counted_only=True)


# --- Rebuild ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RebuildOutcome:
    reports: int
    code_rows: int
    exam_rows: int
    code_rows_corrected: int
    exam_rows_corrected: int


def _live_rows() -> tuple[dict[tuple[Any, ...], int], dict[tuple[Any, ...], tuple[int, ...]]]:
    codes = {
        (exam, code, day): missed
        for exam, code, day, missed in CodeDayStatistic.objects.filter(purged=False)
        .exclude(missed=0)
        .values_list("exam", "code", "day", "missed")
        .iterator(chunk_size=10_000)
    }
    exams = {
        (exam, day): tuple(counts)
        for exam, day, *counts in ExamDayStatistic.objects.filter(purged=False)
        .exclude(reports=0)
        .values_list("exam", "day", *EXAM_COUNTS)
        .iterator(chunk_size=10_000)
    }
    return codes, exams


def _corrected(before: dict[Any, Any], after: dict[Any, Any]) -> int:
    return sum(1 for key in before.keys() | after.keys() if before.get(key) != after.get(key))


@transaction.atomic
def statistics_rebuild() -> RebuildOutcome:
    """Recount every live row from the reports on file; idempotent.

    The tables are locked against writers for the transaction (reports stored meanwhile wait,
    then add to the rebuilt rows), so nothing is counted twice or lost. The ``purged`` rows,
    what purged anonymous results contributed, have no report left to recount and stay as they
    are. Returns how many rows differed from the recount (zero when the counts were right).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = f"{_quoted(CodeDayStatistic)}, {_quoted(ExamDayStatistic)}"
            cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
    codes_before, exams_before = _live_rows()
    CodeDayStatistic.objects.filter(purged=False).delete()
    ExamDayStatistic.objects.filter(purged=False).delete()
    _apply_many(Report.objects.all(), sign=1, purged=False, counted_only=True)
    codes_after, exams_after = _live_rows()
    statistics_past_changed()
    return RebuildOutcome(
        reports=sum(counts[0] for counts in exams_after.values()),
        code_rows=len(codes_after),
        exam_rows=len(exams_after),
        code_rows_corrected=_corrected(codes_before, codes_after),
        exam_rows_corrected=_corrected(exams_before, exams_after),
    )
