"""A study plan as a printable PDF, a CSV of its items, and an iCalendar of its weekly sessions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from typing import Any

import icalendar
from fpdf import FPDF

from cfipros.spreadsheet import safe_cell
from extraction.models import Report
from studyplans.models import StudyPlan, StudyPlanItem, StudyPlanSection

CSV_COLUMNS = [
    "section",
    "priority",
    "prefix",
    "area",
    "task",
    "code",
    "element_type",
    "description",
    "resources",
    "estimated_minutes",
    "week_start",
    "done",
    "minutes_spent",
]

# The PDF core fonts are Latin-1: typographic punctuation from the catalogue is mapped to ASCII.
_PDF_REPLACEMENTS = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u2022": "-",
        "\u00a0": " ",
    }
)


def _latin1(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(_PDF_REPLACEMENTS))
    return text.encode("latin-1", "replace").decode("latin-1")


def _resource_line(resource: dict[str, Any]) -> str:
    chapter = f" {resource.get('chapter')}" if resource.get("chapter") else ""
    minutes = resource.get("estimated_minutes", 0)
    return f"{resource.get('publication', '')}{chapter}: {resource.get('title', '')} ({minutes} min)"


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


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


def plan_pdf(
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
        pdf.cell(0, 6, _latin1("Applicant: " + ", ".join(names)), new_x="LMARGIN", new_y="NEXT")
    for report in reports:
        pdf.multi_cell(width, 5, _latin1("Exam: " + _exam_line(report)), new_x="LMARGIN", new_y="NEXT")
    target = f", target date {plan.target_date.isoformat()}" if plan.target_date else ""
    pdf.multi_cell(
        width,
        5,
        _latin1(
            f"{len([i for s in items_by_section.values() for i in s])} items, {_hours(plan.total_minutes)} "
            f"at {plan.hours_per_week} h a week from {plan.start_date.isoformat()}{target}."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for warning in plan.warnings:
        pdf.set_font("Helvetica", "B", 10)
        pdf.multi_cell(
            width, 5, _latin1("Warning: " + str(warning.get("message", ""))), new_x="LMARGIN", new_y="NEXT"
        )
    for section in sections:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(width, 6, _latin1(section.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "I", 9)
        area = f"Area {section.area}. {section.area_title} - " if section.area else ""
        pdf.cell(
            0,
            5,
            _latin1(f"{area}priority {section.priority}, {_hours(section.estimated_minutes)}"),
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
                _latin1(f"{item.code}  ({_hours(item.estimated_minutes)})"),
                new_x="LMARGIN",
                new_y="NEXT",
            )
            pdf.set_font("Helvetica", size=9)
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(width - 6, 4.5, _latin1(item.description), new_x="LMARGIN", new_y="NEXT")
            for resource in item.resources:
                pdf.set_x(pdf.l_margin + 10)
                pdf.multi_cell(
                    width - 10, 4.5, _latin1("- " + _resource_line(resource)), new_x="LMARGIN", new_y="NEXT"
                )
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, "Schedule", new_x="LMARGIN", new_y="NEXT")
    for week in schedule:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(
            0,
            6,
            _latin1(f"Week of {week['week_start'].isoformat()} - {_hours(week['estimated_minutes'])}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Helvetica", size=9)
        codes = ", ".join(entry["code"] for entry in week["items"])
        pdf.multi_cell(width, 4.5, _latin1(codes), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def plan_csv(sections: Sequence[StudyPlanSection], items_by_section: dict[int, list[StudyPlanItem]]) -> str:
    """One row per item, in plan order."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for section in sections:
        for item in items_by_section.get(section.pk, []):
            row = {
                "section": section.title,
                "priority": section.priority,
                "prefix": section.prefix,
                "area": section.area,
                "task": section.task,
                "code": item.code,
                "element_type": item.element_type,
                "description": item.description,
                "resources": " | ".join(_resource_line(r) for r in item.resources),
                "estimated_minutes": item.estimated_minutes,
                "week_start": item.week_start.isoformat(),
                "done": "true" if item.done else "false",
                "minutes_spent": item.minutes_spent,
            }
            writer.writerow({name: safe_cell(value) for name, value in row.items()})
    return out.getvalue()


def plan_ics(plan: StudyPlan, schedule: Sequence[dict[str, Any]]) -> bytes:
    """One all-week event per scheduled week (a session), listing its codes and time budget."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//CFIPros//Study plans//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"CFIPros study plan {plan.pk}")
    for number, week in enumerate(schedule, start=1):
        start: dt.date = week["week_start"]
        event = icalendar.Event()
        event.add("uid", f"studyplan-{plan.pk}-week-{number}@cfipros.com")
        event.add("dtstamp", plan.generated_at)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(days=7))
        codes = [entry["code"] for entry in week["items"]]
        event.add(
            "summary",
            f"Study session {number}: {len(codes)} item{'s' if len(codes) != 1 else ''}, "
            f"{_hours(week['estimated_minutes'])}",
        )
        event.add("description", "Study this week: " + ", ".join(codes))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
