"""A study plan exported in one of its file formats, from the plan as ``study_plan_get`` loads it."""

from __future__ import annotations

from studyplans.exports.ics import study_plan_export_ics
from studyplans.exports.pdf import study_plan_export_pdf
from studyplans.exports.table import study_plan_export_csv
from studyplans.models import StudyPlan
from studyplans.plans.selectors import study_plan_schedule_get

EXPORT_FORMATS = ("pdf", "csv", "ics")


def study_plan_export(*, plan: StudyPlan, fmt: str) -> bytes | str:
    """The file of ``plan`` in ``fmt`` (one of ``EXPORT_FORMATS``), from its prefetched sections."""
    sections = list(plan.sections.all())
    items_by_section = {section.pk: list(section.items.all()) for section in sections}
    items = [item for section in sections for item in items_by_section[section.pk]]
    schedule = study_plan_schedule_get(items)
    if fmt == "pdf":
        return study_plan_export_pdf(plan, sections, items_by_section, list(plan.reports.all()), schedule)
    if fmt == "csv":
        return study_plan_export_csv(sections, items_by_section)
    return study_plan_export_ics(plan, schedule)
