"""Read queries of batches: the caller's batches with their progress, a batch's files, its summary.

Every function here runs a fixed number of queries whatever the batch size: one for the batch
with its counts, one for its files, one for their reports and one for the reports' codes.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from cfipros.errors import NotFound
from extraction.engine.grammar import ACS_CODE_RE
from extraction.models import Batch, BatchFile, Report, ReportCode

# A task is a consistent weak area of a batch when it appears in more than this share of the
# batch's reports (the product's published rule).
WEAK_AREA_SHARE = 0.3


def _with_progress(queryset: QuerySet[Batch]) -> QuerySet[Batch]:
    return queryset.annotate(
        succeeded_files=Count("files", filter=Q(files__status=BatchFile.Status.SUCCEEDED)),
        failed_files=Count("files", filter=Q(files__status=BatchFile.Status.FAILED)),
    )


def batches_of_owner(owner: User) -> QuerySet[Batch]:
    """The owner's batches, newest first, each annotated with ``succeeded_files`` and ``failed_files``."""
    return _with_progress(Batch.objects.filter(owner=owner)).order_by("-created_at", "-id")


def batch_get_owned(owner: User, batch_id: UUID | str) -> Batch:
    """One of the owner's batches with its progress counts; anyone else's does not exist."""
    try:
        pk = batch_id if isinstance(batch_id, UUID) else UUID(batch_id)
    except ValueError:
        pk = None
    batch = batches_of_owner(owner).filter(pk=pk).first() if pk is not None else None
    if batch is None:
        raise NotFound("No batch has this id.")
    return batch


def batch_files_list(batch: Batch) -> list[BatchFile]:
    return list(
        BatchFile.objects.filter(batch=batch)
        .only("id", "batch_id", "position", "name", "status", "report_id", "error_code", "error_message")
        .order_by("position")
    )


@dataclass(frozen=True, slots=True)
class CodeRow:
    code: str
    task: str | None
    task_title: str
    area_title: str
    description: str


@dataclass(slots=True)
class ReportRow:
    id: UUID
    applicant_name: str
    exam_code: str
    exam_title: str
    exam_date: date | None
    score: int | None
    grade: str
    take: int | None
    status: str
    codes: list[CodeRow] = field(default_factory=list)
    review_reasons: list[str] = field(default_factory=list)

    @property
    def review(self) -> bool:
        """Still awaiting staff review (see ``Report.review``)."""
        return self.status == Report.Status.NEEDS_REVIEW


def _task_of(code: str, element: Mapping[str, Any]) -> str | None:
    """``PA.I.B`` for ``PA.I.B.K1a``: from the catalogue link, or read from the code itself."""
    if element.get("element__prefix"):
        return f"{element['element__prefix']}.{element['element__area']}.{element['element__task']}"
    match = ACS_CODE_RE.match(code)
    return f"{match['prefix']}.{match['area']}.{match['task']}" if match else None


def batch_report_rows(files: list[BatchFile]) -> list[ReportRow]:
    """The distinct reports of the files, in file order, with their codes (two queries)."""
    ids = list(dict.fromkeys(f.report_id for f in files if f.report_id is not None))
    if not ids:
        return []
    rows = {
        r["id"]: ReportRow(**r)
        for r in Report.objects.filter(pk__in=ids).values(
            "id",
            "applicant_name",
            "exam_code",
            "exam_title",
            "exam_date",
            "score",
            "grade",
            "take",
            "status",
            "review_reasons",
        )
    }
    codes = ReportCode.objects.filter(report_id__in=ids).order_by("report_id", "position", "code")
    for c in codes.values(
        "report_id",
        "code",
        "element__prefix",
        "element__area",
        "element__task",
        "element__task_title",
        "element__area_title",
        "element__description",
    ):
        rows[c["report_id"]].codes.append(
            CodeRow(
                code=c["code"],
                task=_task_of(c["code"], c),
                task_title=c["element__task_title"] or "",
                area_title=c["element__area_title"] or "",
                description=c["element__description"] or "",
            )
        )
    return [rows[i] for i in ids if i in rows]


def _round(value: float) -> float:
    return round(value, 2)


def batch_summarize(reports: list[ReportRow]) -> dict[str, Any]:
    """Code frequencies, consistent weak areas, score statistics, exam distribution, reviews.

    Counts are of reports, not of printed lines: a code or task counts once per report.
    ``needs_review`` counts the reports whose result the engine doubted and staff have not yet
    confirmed, so an instructor knows how much of the summary may still change.
    """
    total = len(reports)
    code_counts: Counter[str] = Counter()
    task_counts: Counter[str] = Counter()
    task_titles: dict[str, tuple[str, str]] = {}
    for report in reports:
        code_counts.update({c.code for c in report.codes})
        tasks = {c.task for c in report.codes if c.task}
        task_counts.update(tasks)
        for c in report.codes:
            if c.task and (c.task not in task_titles or not task_titles[c.task][0]):
                task_titles[c.task] = (c.task_title, c.area_title)

    weak_areas = [
        {
            "task": task,
            "title": task_titles.get(task, ("", ""))[0],
            "area_title": task_titles.get(task, ("", ""))[1],
            "reports": count,
            "share": _round(count / total),
        }
        for task, count in sorted(task_counts.items(), key=lambda item: (-item[1], item[0]))
        if count / total > WEAK_AREA_SHARE
    ]
    scores = [r.score for r in reports if r.score is not None]
    exams: dict[str, int] = defaultdict(int)
    for report in reports:
        exams[report.exam_code or ""] += 1
    return {
        "reports": total,
        "needs_review": sum(1 for r in reports if r.review),
        "code_frequencies": [
            {"code": code, "reports": count, "share": _round(count / total)}
            for code, count in sorted(code_counts.items(), key=lambda item: (-item[1], item[0]))
        ],
        "weak_areas": weak_areas,
        "score": {
            "count": len(scores),
            "min": min(scores) if scores else None,
            "max": max(scores) if scores else None,
            "mean": _round(statistics.fmean(scores)) if scores else None,
            "median": _round(float(statistics.median(scores))) if scores else None,
        },
        "exam_distribution": [
            {"exam_code": exam, "reports": count}
            for exam, count in sorted(exams.items(), key=lambda item: (-item[1], item[0]))
        ],
    }


EXPORT_CHUNK = 200


def batches_export(owner: User) -> Iterator[dict[str, Any]]:
    """Every batch ``owner`` uploaded, oldest first, with its files and the report each produced:
    two queries per chunk of batches."""
    files = BatchFile.objects.order_by("position").only(
        "batch_id", "position", "name", "size", "status", "report_id", "error_code", "error_message"
    )
    batches = (
        Batch.objects.filter(owner=owner)
        .order_by("created_at", "pk")
        .prefetch_related(Prefetch("files", queryset=files))
    )
    for batch in batches.iterator(chunk_size=EXPORT_CHUNK):
        yield {
            "id": batch.pk,
            "status": batch.status,
            "total_files": batch.total_files,
            "created_at": batch.created_at,
            "completed_at": batch.completed_at,
            "files": [
                {
                    "position": f.position,
                    "name": f.name,
                    "size": f.size,
                    "status": f.status,
                    "report_id": f.report_id,
                    "error_code": f.error_code,
                    "error_message": f.error_message,
                }
                for f in batch.files.all()
            ],
        }
