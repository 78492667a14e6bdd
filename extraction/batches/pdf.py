"""A batch as a printable class report: summary, weak areas charted, top missed codes, one table per student.

Each student is named by the file uploaded for them, as the batch page names them: the applicant's
name, FTN and exam id printed on the report stay out of a document made to be printed and passed
around. Every code any report of the batch carries appears in its student's table, so nothing the
class missed is left out of the printout, however long the list of top codes is cut.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from cfipros.pdf import Bar, ReportPDF, bar_chart
from extraction.batches import selectors as batch_selectors
from extraction.models import Batch, BatchFile

PASS = "PASS"  # noqa: S105  # the printed grade, not a secret
# Score bands of the distribution; the FAA's pass mark is 70.
SCORE_BANDS: tuple[tuple[int, int], ...] = ((0, 59), (60, 69), (70, 79), (80, 89), (90, 100))
TOP_CODES = 25
CHARTED_TASKS = 20


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _score_bands(reports: Sequence[batch_selectors.ReportRow]) -> list[tuple[str, int]]:
    scores = [r.score for r in reports if r.score is not None]
    return [(f"{low}-{high}", sum(1 for s in scores if low <= s <= high)) for low, high in SCORE_BANDS]


def _class_summary(
    pdf: ReportPDF, batch: Batch, files: Sequence[BatchFile], reports: Sequence[batch_selectors.ReportRow]
) -> dict[str, Any]:
    summary = batch_selectors.batch_summarize(list(reports))
    graded = [r.grade.upper() for r in reports if r.grade]
    passed = sum(1 for g in graded if g == PASS)
    failed_files = sum(1 for f in files if f.status == BatchFile.Status.FAILED)
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, "Class report", new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(f"Batch uploaded {batch.created_at:%Y-%m-%d %H:%M} UTC, status {batch.status}.")
    pdf.heading("Class summary")
    score = summary["score"]
    lines = [
        f"Files: {len(files)} uploaded, {len(files) - failed_files} read, {failed_files} not read.",
        f"Reports: {len(reports)}, of which {summary['needs_review']} still await review.",
        (
            f"Pass rate: {_percent(passed / len(graded))} ({passed} of {len(graded)} graded)."
            if graded
            else "Pass rate: no graded report."
        ),
    ]
    if score["count"]:
        lines.append(
            f"Scores: min {score['min']}, median {score['median']}, mean {score['mean']}, max {score['max']}."
        )
    exams = ", ".join(f"{e['exam_code'] or 'unknown'} ({e['reports']})" for e in summary["exam_distribution"])
    if exams:
        lines.append(f"Exams: {exams}.")
    for line in lines:
        pdf.paragraph(line)
    if score["count"]:
        pdf.heading("Score distribution", size=11)
        bands = _score_bands(reports)
        bar_chart(
            pdf,
            [
                Bar(label=f"{band} %", value=count / score["count"], note=f"{count} reports")
                for band, count in bands
            ],
        )
    return summary


def _weak_areas(pdf: ReportPDF, reports: Sequence[batch_selectors.ReportRow]) -> None:
    """Every ACS task the class missed, most missed first; those over the 30% rule in red."""
    total = len(reports)
    counts: Counter[str] = Counter()
    titles: dict[str, str] = {}
    for report in reports:
        tasks = {c.task for c in report.codes if c.task}
        counts.update(tasks)
        for c in report.codes:
            if c.task and c.task_title and c.task not in titles:
                titles[c.task] = c.task_title
    pdf.heading("Weak areas")
    weak = batch_selectors.WEAK_AREA_SHARE
    pdf.paragraph(
        f"Share of the reports missing each ACS task. A task missed by more than {_percent(weak)} of the "
        "class (the dashed rule) is a consistent weak area, drawn in red."
    )
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if not ranked:
        pdf.paragraph("No report of this batch lists a deficient ACS task.", style="I")
        return
    bars = [
        Bar(
            label=f"{task} {titles.get(task, '')}".strip(),
            value=count / total,
            note=f"{count}/{total} ({_percent(count / total)})",
            emphasis=count / total > weak,
        )
        for task, count in ranked[:CHARTED_TASKS]
    ]
    bar_chart(pdf, bars, threshold=weak)
    if len(ranked) > CHARTED_TASKS:
        pdf.paragraph(f"{len(ranked) - CHARTED_TASKS} more tasks, each missed less often, are not charted.")


def _top_codes(pdf: ReportPDF, summary: dict[str, Any], reports: Sequence[batch_selectors.ReportRow]) -> None:
    descriptions: dict[str, str] = {}
    for report in reports:
        for c in report.codes:
            descriptions.setdefault(c.code, c.description)
    frequencies = summary["code_frequencies"]
    pdf.heading("Top missed codes")
    if not frequencies:
        pdf.paragraph("No deficient codes.", style="I")
        return
    rows = [
        [f["code"], str(f["reports"]), _percent(f["share"]), descriptions.get(f["code"], "")]
        for f in frequencies[:TOP_CODES]
    ]
    pdf.grid(["Code", "Reports", "Share", "Description"], rows, (26, 16, 14, 128))
    if len(frequencies) > TOP_CODES:
        pdf.paragraph(f"{len(frequencies) - TOP_CODES} more codes appear in the students' tables below.")


def _students(
    pdf: ReportPDF, files: Sequence[BatchFile], reports: Sequence[batch_selectors.ReportRow]
) -> None:
    names: dict[UUID, list[str]] = {}
    for f in files:
        if f.report_id is not None:
            names.setdefault(f.report_id, []).append(f.name)
    pdf.heading("Students")
    for number, report in enumerate(reports, start=1):
        label = "; ".join(names.get(report.id, [])) or f"Report {number}"
        pdf.heading(f"{number}. {label}", size=10)
        facts = [
            report.exam_title or report.exam_code or "Knowledge test",
            f"taken {report.exam_date.isoformat()}" if report.exam_date else "",
            f"score {report.score}%" if report.score is not None else "",
            report.grade,
            "awaiting review" if report.review else "",
        ]
        pdf.paragraph(", ".join(f for f in facts if f) + ".")
        if not report.codes:
            pdf.paragraph("No deficient codes.", style="I")
            continue
        rows = [[c.code, c.task_title or c.area_title, c.description] for c in report.codes]
        pdf.grid(["Code", "Task", "Description"], rows, (26, 44, 114))
    failed = [f for f in files if f.status == BatchFile.Status.FAILED]
    if failed:
        pdf.heading("Files not read")
        pdf.grid(
            ["File", "Reason"],
            [[f.name, f"{f.error_code}: {f.error_message}".strip(": ")] for f in failed],
            (70, 114),
        )


def batch_export_pdf(
    batch: Batch, files: Sequence[BatchFile], reports: Sequence[batch_selectors.ReportRow]
) -> bytes:
    """The class report of ``batch`` from its files and their reports, as PDF bytes."""
    pdf = ReportPDF("CFIPros class report")
    summary = _class_summary(pdf, batch, files, reports)
    _weak_areas(pdf, reports)
    _top_codes(pdf, summary, reports)
    _students(pdf, files, reports)
    return bytes(pdf.output())
