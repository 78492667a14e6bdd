"""The CSV download of a batch: one row per report and code, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from uuid import UUID

from cfipros.spreadsheet import safe_cell
from extraction.batches import selectors as batch_selectors
from extraction.models import BatchFile

CSV_COLUMNS = [
    "report_id",
    "file_names",
    "applicant_name",
    "exam_code",
    "exam_date",
    "score",
    "grade",
    "take",
    "status",
    "review_reasons",
    "code",
    "task",
    "task_title",
    "description",
]


def batch_export_csv(files: list[BatchFile], reports: list[batch_selectors.ReportRow]) -> str:
    """One row per report and code; a report without codes has one row with an empty code."""
    names: dict[UUID, list[str]] = {}
    for f in files:
        if f.report_id is not None:
            names.setdefault(f.report_id, []).append(f.name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for report in reports:
        head = [
            report.id,
            "; ".join(names.get(report.id, [])),
            report.applicant_name,
            report.exam_code,
            report.exam_date.isoformat() if report.exam_date else "",
            report.score,
            report.grade,
            report.take,
            report.status,
            "; ".join(report.review_reasons),
        ]
        codes: list[batch_selectors.CodeRow | None] = [*report.codes] or [None]
        for code in codes:
            tail = [code.code, code.task, code.task_title, code.description] if code else ["", "", "", ""]
            writer.writerow([safe_cell(v) for v in head + tail])
    return out.getvalue()
