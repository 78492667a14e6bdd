"""Helpers of the national statistics tests: a report stored through the real path
(``report_store_result``) and the counts summed. The root conftest clears the cached tables."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from accounts.models import User
from extraction.models import CodeDayStatistic, ExamDayStatistic, Report
from extraction.reports.services import report_store_result
from tests.factories import ExtractionResultFactory

_exam_ids = itertools.count(1)


def store(
    owner: User | None,
    codes: Sequence[str] = ("PA.I.A.K1",),
    *,
    exam: str = "PAR",
    score: int | None = 82,
    grade: str = "PASS",
    **fields: Any,
) -> Report:
    """A report stored as an upload stores it; each gets its own exam id unless one is given."""
    fields.setdefault("exam_id", f"EXAM-{next(_exam_ids):05d}")
    result = ExtractionResultFactory(exam_code=exam, score=score, grade=grade, codes=list(codes), **fields)
    return report_store_result(owner=owner, result=result).report


def missed() -> dict[tuple[str, str], int]:
    """Reports missing each (exam, code), over every day, live and purged rows together."""
    totals: dict[tuple[str, str], int] = {}
    for exam, code, n in CodeDayStatistic.objects.values_list("exam", "code", "missed"):
        totals[exam, code] = totals.get((exam, code), 0) + n
    return {key: n for key, n in totals.items() if n}


def exam_totals(exam: str = "PAR") -> dict[str, int]:
    """The exam's counts summed over every day, live and purged rows together."""
    totals: dict[str, int] = {}
    for row in ExamDayStatistic.objects.filter(exam=exam).values():
        for name, value in row.items():
            if name not in ("id", "exam", "day", "purged"):
                totals[name] = totals.get(name, 0) + value
    return totals
