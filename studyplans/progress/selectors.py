"""Reads of progress: done items and minutes of a plan, in total and per ACS area."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accounts.models import User
from cfipros.errors import Forbidden, NotFound
from extraction.engine.grammar import roman_value
from studyplans.models import StudyPlan, StudyPlanItem
from studyplans.plans.selectors import study_plan_item_list


def _percent(done: int, total: int) -> float:
    return round(100.0 * done / total, 1) if total else 100.0


def study_plan_progress_get(plan: StudyPlan, items: Sequence[StudyPlanItem] | None = None) -> dict[str, Any]:
    """Done counts and minutes for the plan, and the same per ACS area (instructor-review last)."""
    items = study_plan_item_list(plan) if items is None else items
    sections = {section.pk: section for section in plan.sections.all()}
    areas: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        section = sections[item.section_id]
        key = (section.prefix, section.area)
        area = areas.setdefault(
            key,
            {
                "prefix": section.prefix,
                "area": section.area,
                "area_title": section.area_title if section.area else section.title,
                "done_items": 0,
                "total_items": 0,
            },
        )
        area["total_items"] += 1
        area["done_items"] += int(item.done)
    for area in areas.values():
        area["percent"] = _percent(area["done_items"], area["total_items"])
    done_items = sum(1 for item in items if item.done)
    return {
        "done_items": done_items,
        "total_items": len(items),
        "percent": _percent(done_items, len(items)),
        "done_minutes": sum(item.estimated_minutes for item in items if item.done),
        "minutes_spent": sum(item.minutes_spent for item in items),
        "areas": sorted(
            areas.values(),
            key=lambda a: (not a["area"], a["prefix"], roman_value(a["area"])),
        ),
    }


def study_plan_progress_count(plan: StudyPlan) -> dict[str, Any]:
    """Progress from the list annotations, without loading items."""
    total = int(getattr(plan, "item_count", 0))
    done = int(getattr(plan, "done_count", 0))
    return {"done_items": done, "total_items": total, "percent": _percent(done, total)}


def study_plan_item_get_for_owner(*, user: User, plan: StudyPlan, item_id: int) -> StudyPlanItem:
    """An item of ``plan`` (from its prefetched sections) that ``user`` may record progress on:
    only the plan's owner may, so an instructor's view of a student's plan stays read-only."""
    item = next((i for i in study_plan_item_list(plan) if i.pk == item_id), None)
    if item is None:
        raise NotFound("This plan has no item with this id.")
    if plan.owner_id != user.pk:
        raise Forbidden("Only the plan's owner records progress on it.", code="read_only")
    return item
