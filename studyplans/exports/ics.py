"""A study plan as iCalendar: one all-week event per scheduled week, for the student's calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import icalendar

from studyplans.exports.text import hours
from studyplans.models import StudyPlan


def study_plan_export_ics(plan: StudyPlan, schedule: Sequence[dict[str, Any]]) -> bytes:
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
            f"{hours(week['estimated_minutes'])}",
        )
        event.add("description", "Study this week: " + ", ".join(codes))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
