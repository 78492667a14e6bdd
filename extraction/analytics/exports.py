"""A cohort's analytics as files: the heatmap as CSV, and a PDF with the heatmap and the top misses.

Both are drawn from the figures of :func:`extraction.analytics.selectors.cohort_analytics`, so a
download shows exactly what the dashboard shows, names included (the cohort's owner sees them
there already) and nothing more.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from cfipros.pdf import Bar, ReportPDF, bar_chart, pdf_text
from cfipros.spreadsheet import safe_cell
from extraction.analytics.selectors import WEAKNESS_SHARE, AnalyticsFilter

TOP_CODES = 25
# Heatmap columns per table: more areas than this continue in a second table below.
AREAS_PER_TABLE = 16
HEATMAP_ROW = 5.0


def cohort_export_csv(figures: dict[str, Any]) -> str:
    """The heatmap: one row per student, one column per ACS area (codes missed), and their total."""
    heatmap = figures["heatmap"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["student_id", "student", *heatmap["areas"], "total"])
    for student, cells in zip(heatmap["students"], heatmap["cells"], strict=True):
        writer.writerow([safe_cell(v) for v in [student["id"], student["name"], *cells, sum(cells)]])
    return out.getvalue()


def _period(wanted: AnalyticsFilter) -> str:
    parts = []
    if wanted.exam:
        parts.append(f"exam {wanted.exam}")
    if wanted.since:
        parts.append(f"from {wanted.since.isoformat()}")
    if wanted.until:
        parts.append(f"until {wanted.until.isoformat()}")
    return ", ".join(parts) or "all reports"


def _summary(pdf: ReportPDF, name: str, figures: dict[str, Any], wanted: AnalyticsFilter) -> None:
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(pdf.width, 9, pdf_text(f"Cohort report: {name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(f"Over {_period(wanted)}.")
    score = figures["score"]
    rate = figures["pass_rate"]
    lines = [
        f"Students: {figures['students']}. Reports: {figures['reports']}.",
        f"Pass rate: {rate * 100:.0f}%." if rate is not None else "Pass rate: no report.",
    ]
    if score["mean"] is not None:
        lines.append(
            f"Scores: min {score['min']}, median {score['median']}, mean {score['mean']}, "
            f"max {score['max']}, standard deviation {score['std_dev']}."
        )
    for line in lines:
        pdf.paragraph(line)
    areas = figures["areas"]
    pdf.heading("Areas missed")
    if not areas:
        pdf.paragraph("No student of the cohort missed an ACS area.", style="I")
        return
    pdf.paragraph(
        f"Share of the students missing each ACS area; more than {WEAKNESS_SHARE * 100:.0f}% (the dashed "
        "rule) is a class weakness, drawn in red."
    )
    bars = [
        Bar(
            label=f"{a['prefix']}.{a['area']} {a['title']}",
            value=a["share"],
            note=f"{a['students_missing']} ({a['share'] * 100:.0f}%)",
            emphasis=a["weakness"],
        )
        for a in areas
    ]
    bar_chart(pdf, bars, threshold=WEAKNESS_SHARE)


def _heatmap_header(pdf: ReportPDF, areas: Sequence[str], name_w: float, cell_w: float) -> None:
    pdf.set_font("Helvetica", "B", 7)
    pdf.set_fill_color(225, 229, 235)
    pdf.cell(name_w, HEATMAP_ROW, "Student", border=1, fill=True)
    for area in areas:
        pdf.cell(cell_w, HEATMAP_ROW, pdf_text(area), border=1, fill=True, align="C")
    pdf.ln(HEATMAP_ROW)
    pdf.set_font("Helvetica", size=7)


def _heatmap(pdf: ReportPDF, figures: dict[str, Any]) -> None:
    """Students against areas, each cell the codes missed, shaded from white to red by the largest."""
    heatmap = figures["heatmap"]
    pdf.heading("Heatmap: codes missed per student and ACS area")
    if not heatmap["students"] or not heatmap["areas"]:
        pdf.paragraph("Nothing to draw: no student of the cohort missed a code.", style="I")
        return
    peak = max((max(row) for row in heatmap["cells"] if row), default=0) or 1
    name_w = 48.0
    for start in range(0, len(heatmap["areas"]), AREAS_PER_TABLE):
        areas = heatmap["areas"][start : start + AREAS_PER_TABLE]
        cell_w = min(14.0, (pdf.width - name_w) / len(areas))
        _heatmap_header(pdf, areas, name_w, cell_w)
        for student, cells in zip(heatmap["students"], heatmap["cells"], strict=True):
            if pdf.will_page_break(HEATMAP_ROW):
                pdf.add_page()
                _heatmap_header(pdf, areas, name_w, cell_w)
            pdf.set_fill_color(255, 255, 255)
            pdf.cell(name_w, HEATMAP_ROW, pdf_text(student["name"])[:34], border=1)
            for count in cells[start : start + AREAS_PER_TABLE]:
                fade = int(255 * (1 - count / peak * 0.85))
                pdf.set_fill_color(255, fade, fade)
                pdf.cell(cell_w, HEATMAP_ROW, str(count) if count else "", border=1, fill=True, align="C")
            pdf.ln(HEATMAP_ROW)
        pdf.set_fill_color(255, 255, 255)
        pdf.ln(3)


def _top_misses(pdf: ReportPDF, figures: dict[str, Any]) -> None:
    codes = figures["codes"][:TOP_CODES]
    pdf.heading("Top misses")
    if not codes:
        pdf.paragraph("No deficient codes.", style="I")
        return
    rows = [
        [c["code"], str(c["students"]), f"{c['share'] * 100:.0f}%", str(c["reports"]), c["description"]]
        for c in codes
    ]
    pdf.grid(["Code", "Students", "Share", "Reports", "Description"], rows, (26, 16, 13, 15, 114))


def cohort_export_pdf(name: str, figures: dict[str, Any], wanted: AnalyticsFilter) -> bytes:
    """The cohort's summary, areas charted, the heatmap and the top misses, as PDF bytes."""
    pdf = ReportPDF("CFIPros cohort report")
    _summary(pdf, name, figures, wanted)
    _heatmap(pdf, figures)
    _top_misses(pdf, figures)
    return bytes(pdf.output())
