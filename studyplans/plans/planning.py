"""The study plan algorithm as pure functions over plain data (no database, no clock).

``build_plan`` turns missed codes, the resources of their tasks and the reports' dates into
ordered sections, items with minute estimates, a weekly schedule and warnings. The rules are
documented in docs/study-plans.md; keeping them free of I/O makes them cheap to test and to time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from extraction.engine import expiration_for
from extraction.engine.grammar import ACS_CODE_RE, PLT_CODE_RE, roman_value

# Minutes of review per element on top of its reading, by element type: a skill element needs a
# walk-through of the maneuver as well as the reading.
BASE_MINUTES = {"K": 10, "R": 10, "S": 15}
# A code the catalogue does not describe (or a legacy PLT code) is reviewed with an instructor.
INSTRUCTOR_REVIEW_MINUTES = 30
# Priority weights: reports missing the task dominate, then missed elements, then element type
# (risk management and knowledge before skill).
WEIGHT_REPORTS = 100
WEIGHT_ELEMENTS = 10
TYPE_WEIGHT = {"R": 3, "K": 2, "S": 1}
# The national term: WEIGHT_NATIONAL x the highest national share among the section's missed
# elements (the fraction of the exam's applicants who missed it, docs/statistics.md). At most 50,
# so it orders tasks missed on as many reports but never outranks one missed on more.
WEIGHT_NATIONAL = 50
TYPE_ORDER = {"R": 0, "K": 1, "S": 2}
ROUND_TO = 5
# A task's chapters are read in full once this many of its elements are missed; with fewer, a
# proportional part is read (a targeted review), but never less than MIN_READING_MINUTES each.
FULL_READING_AT = 3
MIN_READING_MINUTES = 15

REVIEW_WITH_INSTRUCTOR = "Review with your instructor."
UNMATCHED_DESCRIPTION = "This code is not in the ACS catalogue. " + REVIEW_WITH_INSTRUCTOR
PLT_DESCRIPTION = "Legacy learning statement code. " + REVIEW_WITH_INSTRUCTOR


TaskKey = tuple[str, str, str]


@dataclass(frozen=True)
class ElementInfo:
    prefix: str
    area: str
    area_title: str
    task: str
    task_title: str
    element_type: str
    description: str


@dataclass(frozen=True)
class MissedCode:
    """One code as printed on one report; ``report`` is the report's index in the input."""

    code: str
    report: int
    element_id: int | None = None
    element: ElementInfo | None = None


@dataclass(frozen=True)
class ResourceInfo:
    element_code: str
    estimated_minutes: int
    snapshot: dict[str, Any]
    task_title: str = ""
    area_title: str = ""


@dataclass(frozen=True)
class ReportDates:
    exam_code: str
    exam_date: dt.date | None
    expiration_date: dt.date | None


@dataclass
class ItemDraft:
    code: str
    element_id: int | None
    element_type: str
    description: str
    resources: list[dict[str, Any]]
    estimated_minutes: int
    week_start: dt.date | None = None
    national_share: float | None = None


@dataclass
class SectionDraft:
    prefix: str
    area: str
    area_title: str
    task: str
    title: str
    priority: int
    report_count: int
    review: bool
    items: list[ItemDraft] = field(default_factory=list)

    @property
    def estimated_minutes(self) -> int:
        return sum(item.estimated_minutes for item in self.items)


@dataclass
class PlanDraft:
    sections: list[SectionDraft]
    warnings: list[dict[str, str]]

    @property
    def total_minutes(self) -> int:
        return sum(section.estimated_minutes for section in self.sections)

    @property
    def items(self) -> list[ItemDraft]:
        return [item for section in self.sections for item in section.items]


def task_key_of(code: str) -> TaskKey | None:
    match = ACS_CODE_RE.match(code)
    if match is None:
        return None
    return match["prefix"], match["area"], match["task"]


def _code_sort_key(code: str) -> tuple[int, int, str, str]:
    match = ACS_CODE_RE.match(code)
    if match is None:
        return (len(TYPE_ORDER), 0, "", code)
    return (TYPE_ORDER[match["type"]], int(match["number"]), match["sub"], code)


def _reading_minutes(task_level: Sequence[ResourceInfo], missed: int) -> float:
    """Reading time of a task's chapters for ``missed`` elements: proportional up to full."""
    coverage = min(1.0, missed / FULL_READING_AT)
    return sum(
        min(r.estimated_minutes, max(MIN_READING_MINUTES, r.estimated_minutes * coverage)) for r in task_level
    )


def _round_up(minutes: float) -> int:
    return int(math.ceil(minutes / ROUND_TO) * ROUND_TO)


def knowledge_test_expiry(report: ReportDates) -> dt.date | None:
    """The printed expiration date when there is one, else end of the 24th (ATP: 60th) month."""
    if report.expiration_date is not None:
        return report.expiration_date
    if report.exam_date is None:
        return None
    return dt.date.fromisoformat(expiration_for(report.exam_date.isoformat(), report.exam_code or None))


def _group(codes: Iterable[MissedCode]) -> tuple[dict[str, MissedCode], dict[str, set[int]]]:
    """First occurrence of each code, and the reports that miss it: a code is studied once."""
    first: dict[str, MissedCode] = {}
    reports: dict[str, set[int]] = {}
    for missed in codes:
        reports.setdefault(missed.code, set()).add(missed.report)
        current = first.get(missed.code)
        if current is None or (current.element is None and missed.element is not None):
            first[missed.code] = missed
    return first, reports


def _task_section(
    key: TaskKey,
    codes: list[MissedCode],
    reports: dict[str, set[int]],
    resources: Sequence[ResourceInfo],
    national: Mapping[str, float],
) -> SectionDraft:
    prefix, area, task = key
    element = next((c.element for c in codes if c.element is not None), None)
    fallback = resources[0] if resources else None
    task_title = element.task_title if element else (fallback.task_title if fallback else "")
    area_title = element.area_title if element else (fallback.area_title if fallback else "")
    title = f"{prefix}.{area}.{task} {task_title}".strip()
    counts = {"R": 0, "K": 0, "S": 0}
    for missed in codes:
        if missed.element is not None:
            counts[missed.element.element_type] = counts.get(missed.element.element_type, 0) + 1
    report_count = len(set().union(*(reports[c.code] for c in codes)))
    priority = (
        WEIGHT_REPORTS * report_count
        + WEIGHT_ELEMENTS * len(codes)
        + sum(TYPE_WEIGHT[t] * n for t, n in counts.items())
        + national_term(codes, national)
    )
    task_level = [r for r in resources if not r.element_code]
    share = _reading_minutes(task_level, len(codes)) / len(codes)
    section = SectionDraft(
        prefix=prefix,
        area=area,
        area_title=area_title,
        task=task,
        title=title,
        priority=priority,
        report_count=report_count,
        review=False,
    )
    for missed in sorted(codes, key=lambda c: _code_sort_key(c.code)):
        own = [r for r in resources if r.element_code == missed.code]
        attached = [r.snapshot for r in own] + [r.snapshot for r in task_level]
        if missed.element is None:
            minutes = INSTRUCTOR_REVIEW_MINUTES + sum(r.estimated_minutes for r in own) + share
            element_type, description = "", UNMATCHED_DESCRIPTION
        else:
            element_type = missed.element.element_type
            description = missed.element.description
            minutes = BASE_MINUTES.get(element_type, 10) + sum(r.estimated_minutes for r in own) + share
        section.items.append(
            ItemDraft(
                code=missed.code,
                element_id=missed.element_id,
                element_type=element_type,
                description=description,
                resources=attached,
                estimated_minutes=_round_up(minutes),
                national_share=national.get(missed.code),
            )
        )
    return section


def national_term(codes: Sequence[MissedCode], national: Mapping[str, float]) -> int:
    """``WEIGHT_NATIONAL`` x the highest national share among ``codes`` (0 when none is known)."""
    return round(WEIGHT_NATIONAL * max((national.get(c.code, 0.0) for c in codes), default=0.0))


def _review_section(
    title: str,
    codes: list[MissedCode],
    reports: dict[str, set[int]],
    text: str,
    national: Mapping[str, float],
) -> SectionDraft:
    report_count = len(set().union(*(reports[c.code] for c in codes)))
    section = SectionDraft(
        prefix="",
        area="",
        area_title="",
        task="",
        title=title,
        priority=WEIGHT_REPORTS * report_count + WEIGHT_ELEMENTS * len(codes),
        report_count=report_count,
        review=True,
    )
    for missed in sorted(codes, key=lambda c: c.code):
        section.items.append(
            ItemDraft(
                code=missed.code,
                element_id=None,
                element_type="",
                description=text,
                resources=[],
                estimated_minutes=INSTRUCTOR_REVIEW_MINUTES,
                national_share=national.get(missed.code),
            )
        )
    return section


def _schedule(items: Sequence[ItemDraft], *, start: dt.date, minutes_per_week: int) -> dt.date:
    """Fill weeks in priority order; an item never straddles two weeks. Returns the last week."""
    week = 0
    used = 0
    for item in items:
        if used and used + item.estimated_minutes > minutes_per_week:
            week += 1
            used = 0
        item.week_start = start + dt.timedelta(weeks=week)
        used += item.estimated_minutes
    return start + dt.timedelta(weeks=week)


def _warnings(
    *,
    total_minutes: int,
    last_week: dt.date,
    start: dt.date,
    hours_per_week: int,
    target_date: dt.date | None,
    reports: Sequence[ReportDates],
) -> list[dict[str, str]]:
    warnings: list[dict[str, str]] = []
    finish = last_week + dt.timedelta(days=6)
    for report in reports:
        expiry = knowledge_test_expiry(report)
        if expiry is None:
            continue
        label = report.exam_code or "knowledge"
        if expiry < start:
            warnings.append(
                {
                    "code": "knowledge_test_expired",
                    "message": f"The {label} knowledge test expired on {expiry.isoformat()}.",
                }
            )
        elif target_date is not None and target_date > expiry:
            warnings.append(
                {
                    "code": "target_after_expiry",
                    "message": (
                        f"The target date {target_date.isoformat()} is after the {label} knowledge test "
                        f"expires on {expiry.isoformat()}; the practical test must happen before then."
                    ),
                }
            )
        elif target_date is None and finish > expiry:
            warnings.append(
                {
                    "code": "schedule_after_expiry",
                    "message": (
                        f"At {hours_per_week} h a week the plan ends on {finish.isoformat()}, after the "
                        f"{label} knowledge test expires on {expiry.isoformat()}."
                    ),
                }
            )
    if target_date is not None and target_date < start:
        warnings.append(
            {
                "code": "target_date_passed",
                "message": (
                    f"The target date {target_date.isoformat()} has passed; the schedule runs from "
                    f"{start.isoformat()} at {hours_per_week} h a week."
                ),
            }
        )
    elif target_date is not None:
        available_weeks = (target_date - start).days / 7
        capacity = available_weeks * hours_per_week * 60
        if total_minutes > capacity:
            needed = math.ceil(total_minutes / 60 / available_weeks) if available_weeks > 0 else None
            hint = f" about {needed} h a week would be needed" if needed else " there is no time left"
            warnings.append(
                {
                    "code": "not_enough_time",
                    "message": (
                        f"The plan needs {math.ceil(total_minutes / 60)} h but {hours_per_week} h a week "
                        f"until {target_date.isoformat()} gives {int(capacity // 60)} h;{hint}."
                    ),
                }
            )
    return warnings


def build_plan(
    codes: Sequence[MissedCode],
    resources: dict[TaskKey, list[ResourceInfo]],
    reports: Sequence[ReportDates],
    *,
    hours_per_week: int,
    start: dt.date,
    target_date: dt.date | None = None,
    national_shares: Mapping[str, float] | None = None,
) -> PlanDraft:
    """Sections ordered by priority (ties by ACS order), items within a section R, K, then S.

    ``national_shares`` maps a code to the share of its exam's applicants who missed it
    nationally; a code without one adds nothing to its section's priority.
    """
    national = national_shares or {}
    first, reports_of = _group(codes)
    by_task: dict[TaskKey, list[MissedCode]] = {}
    plt: list[MissedCode] = []
    unmatched: list[MissedCode] = []
    for missed in first.values():
        key = task_key_of(missed.code)
        if key is not None:
            by_task.setdefault(key, []).append(missed)
        elif PLT_CODE_RE.match(missed.code):
            plt.append(missed)
        else:
            unmatched.append(missed)
    sections = [
        _task_section(key, members, reports_of, resources.get(key, []), national)
        for key, members in by_task.items()
    ]
    sections.sort(key=lambda s: (-s.priority, s.prefix, roman_value(s.area), s.task))
    if plt:
        sections.append(
            _review_section("Learning statement codes (PLT)", plt, reports_of, PLT_DESCRIPTION, national)
        )
    if unmatched:
        sections.append(
            _review_section(
                "Codes to review with your instructor", unmatched, reports_of, UNMATCHED_DESCRIPTION, national
            )
        )
    draft = PlanDraft(sections=sections, warnings=[])
    last_week = _schedule(draft.items, start=start, minutes_per_week=hours_per_week * 60)
    draft.warnings = _warnings(
        total_minutes=draft.total_minutes,
        last_week=last_week,
        start=start,
        hours_per_week=hours_per_week,
        target_date=target_date,
        reports=reports,
    )
    return draft


def codes_fingerprint(codes_per_report: Iterable[tuple[str, Iterable[str]]]) -> str:
    """A stable digest of which report had which codes, to notice corrections later."""
    text = "|".join(f"{report}:{','.join(sorted(codes))}" for report, codes in sorted(codes_per_report))
    return hashlib.sha256(text.encode()).hexdigest()
