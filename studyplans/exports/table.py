"""A study plan as CSV: one row per item, in plan order, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from cfipros.spreadsheet import safe_cell
from studyplans.exports.text import resource_line
from studyplans.models import StudyPlanItem, StudyPlanSection

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


def study_plan_export_csv(
    sections: Sequence[StudyPlanSection], items_by_section: dict[int, list[StudyPlanItem]]
) -> str:
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
                "resources": " | ".join(resource_line(r) for r in item.resources),
                "estimated_minutes": item.estimated_minutes,
                "week_start": item.week_start.isoformat(),
                "done": "true" if item.done else "false",
                "minutes_spent": item.minutes_spent,
            }
            writer.writerow({name: safe_cell(value) for name, value in row.items()})
    return out.getvalue()
