"""A study plan as a printable PDF (US Letter): exams, warnings, sections with check boxes, schedule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fpdf import FPDF

from cfipros.pdf import pdf_text
from extraction.models import Report
from studyplans.exports.text import hours, resource_line
from studyplans.models import StudyPlan, StudyPlanItem, StudyPlanSection


def _exam_line(report: Report) -> str:
    parts = [report.exam_title or "Knowledge test"]
    if report.exam_code:
        parts.append(f"({report.exam_code})")
    if report.exam_date:
        parts.append(f"taken {report.exam_date.isoformat()}")
    if report.score is not None:
        parts.append(f"score {report.score}%")
    if report.grade:
        parts.append(report.grade)
    return " ".join(parts)


class _PlanPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 6, f"CFIPros study plan - page {self.page_no()}", align="C")


def study_plan_export_pdf(
    plan: StudyPlan,
    sections: Sequence[StudyPlanSection],
    items_by_section: dict[int, list[StudyPlanItem]],
    reports: Sequence[Report],
    schedule: Sequence[dict[str, Any]],
) -> bytes:
    """Title, exams, warnings, every section with its items, check boxes and resources, the schedule."""
    pdf = _PlanPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(16, 16, 16)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, "Study plan", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    names = sorted({r.applicant_name for r in reports if r.applicant_name})
    if names:
        pdf.cell(0, 6, pdf_text("Applicant: " + ", ".join(names)), new_x="LMARGIN", new_y="NEXT")
    for report in reports:
        pdf.multi_cell(width, 5, pdf_text("Exam: " + _exam_line(report)), new_x="LMARGIN", new_y="NEXT")
    target = f", target date {plan.target_date.isoformat()}" if plan.target_date else ""
    pdf.multi_cell(
        width,
        5,
        pdf_text(
            f"{len([i for s in items_by_section.values() for i in s])} items, {hours(plan.total_minutes)} "
            f"at {plan.hours_per_week} h a week from {plan.start_date.isoformat()}{target}."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for warning in plan.warnings:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(
            width, 5, pdf_text("Warning: " + str(warning.get("message", ""))), new_x="LMARGIN", new_y="NEXT"
        )
    for section in sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(width, 6, pdf_text(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "I", 9)
        area = f"Area {section.area}. {section.area_title} - " if section.area else ""
        pdf.cell(
            0,
            5,
            pdf_text(f"{area}priority {section.priority}, {hours(section.estimated_minutes)}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        for item in items_by_section.get(section.pk, []):
            if pdf.will_page_break(14):
                pdf.add_page()
            y = pdf.get_y() + 1
            pdf.rect(pdf.l_margin, y, 3.5, 3.5)
            if item.done:
                pdf.line(pdf.l_margin, y, pdf.l_margin + 3.5, y + 3.5)
                pdf.line(pdf.l_margin, y + 3.5, pdf.l_margin + 3.5, y)
            pdf.set_x(pdf.l_margin + 6)
            pdf.set_font("Helvetica", "B", 10)
            pdf.cell(
                0,
                5.5,
                pdf_text(f"{item.code}  ({hours(item.estimated_minutes)})"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.set_font("Helvetica", size=9)
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(width - 6, 4.5, pdf_text(item.description), new_x="LMARGIN", new_y="NEXT")
            for resource in item.resources:
                pdf.set_x(pdf.l_margin + 10)
                pdf.multi_cell(
                    width - 10, 4.5, pdf_text("- " + resource_line(resource)), new_x="LMARGIN", new_y="NEXT"
                )
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Schedule", new_x="LMARGIN", new_y="NEXT")
    for week in schedule:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(
            0,
            6,
            pdf_text(f"Week of {week['week_start'].isoformat()} - {hours(week['estimated_minutes'])}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Helvetica", size=9)
        codes = ", ".join(entry["code"] for entry in week["items"])
        pdf.multi_cell(width, 4.5, pdf_text(codes), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
