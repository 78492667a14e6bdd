"""Reads for the endorsement: the report a user may see, and the draft an instructor signs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from accounts.models import User
from accounts.selectors import owners_visible_to
from cfipros.errors import NotFound
from extraction.engine.grammar import PLT_CODE_RE, roman_value
from extraction.models import Report, ReportCode
from studyplans.plans.planning import ReportDates, knowledge_test_expiry


@dataclass(frozen=True)
class DeficientTask:
    task: str
    title: str
    codes: list[str]


@dataclass(frozen=True)
class DeficientArea:
    prefix: str
    area: str
    title: str
    tasks: list[DeficientTask]


@dataclass(frozen=True)
class Endorsement:
    report: Report
    applicant_name: str
    test: str
    exam_date: dt.date | None
    expiration_date: dt.date | None
    areas: list[DeficientArea]
    other_codes: list[str]
    text: str


def report_get_visible(user: User, report_id: UUID) -> Report:
    """A report of an owner ``user`` may see (see ``owners_visible_to``), with its owner."""
    report = (
        Report.objects.filter(pk=report_id, owner__in=owners_visible_to(user)).select_related("owner").first()
    )
    if report is None:
        raise NotFound("No report with this id is visible to you.")
    return report


def _deficient_areas(codes: Sequence[ReportCode]) -> tuple[list[DeficientArea], list[str]]:
    areas: dict[tuple[str, str], dict[str, Any]] = {}
    other: list[str] = []
    for row in codes:
        element = row.element
        if element is None:
            other.append(row.code)
            continue
        area = areas.setdefault((element.prefix, element.area), {"title": element.area_title, "tasks": {}})
        task = area["tasks"].setdefault(element.task, {"title": element.task_title, "codes": []})
        task["codes"].append(row.code)
    result = [
        DeficientArea(
            prefix=prefix,
            area=area,
            title=values["title"],
            tasks=[
                DeficientTask(task=letter, title=task["title"], codes=sorted(task["codes"]))
                for letter, task in sorted(values["tasks"].items())
            ],
        )
        for (prefix, area), values in sorted(areas.items(), key=lambda kv: (kv[0][0], roman_value(kv[0][1])))
    ]
    return result, sorted(other)


BLANK = "_" * 32


def endorsement_draft(report: Report) -> Endorsement:
    """The 14 CFR 61.39(a)(6)(iii) statement prepared for an instructor to review and sign.

    The instructor's name, certificate number, expiration and signature stay blank: the
    endorsement is only valid once an authorized instructor has actually reviewed every
    deficient area with the applicant and signs it.
    """
    codes = list(
        ReportCode.objects.filter(report=report).select_related("element").order_by("position", "id")
    )
    areas, other = _deficient_areas(codes)
    name = report.applicant_name or BLANK
    test = report.exam_title or "airman knowledge test"
    if report.exam_code and f"({report.exam_code})" not in test:
        test = f"{test} ({report.exam_code})"
    expiry = _knowledge_test_expiry(report)
    lines = [
        "Endorsement for a practical test after a knowledge test (14 CFR 61.39(a)(6)(iii))",
        "",
        (
            f"I certify that {name} has received and logged the additional training I gave in each "
            f"subject area listed below, in which the applicant was found deficient on the {test} "
            f"knowledge test"
            + (f" taken on {report.exam_date.isoformat()}" if report.exam_date else "")
            + ", and that the applicant has now shown satisfactory knowledge of those areas."
        ),
        "",
    ]
    if areas or other:
        lines.append("Deficient subject areas:")
        for area in areas:
            lines.append(f"  {area.prefix}.{area.area} {area.title}")
            for task in area.tasks:
                lines.append(f"    Task {task.task}. {task.title} ({', '.join(task.codes)})")
        plt = [code for code in other if PLT_CODE_RE.match(code)]
        unmatched = [code for code in other if not PLT_CODE_RE.match(code)]
        if plt:
            lines.append("  Learning statement codes: " + ", ".join(plt))
        if unmatched:
            lines.append("  Other codes as printed on the report: " + ", ".join(unmatched))
    else:
        lines.append("The report lists no deficient subject areas.")
    if expiry is not None:
        lines += ["", f"Knowledge test valid through: {expiry.isoformat()}"]
    lines += [
        "",
        f"Instructor signature: {BLANK}   Date: {BLANK}",
        f"Instructor name: {BLANK}",
        f"Certificate number: {BLANK}   Expiration date: {BLANK}",
    ]
    return Endorsement(
        report=report,
        applicant_name=report.applicant_name,
        test=test,
        exam_date=report.exam_date,
        expiration_date=expiry,
        areas=areas,
        other_codes=other,
        text="\n".join(lines) + "\n",
    )


def _knowledge_test_expiry(report: Report) -> dt.date | None:
    return knowledge_test_expiry(
        ReportDates(
            exam_code=report.exam_code, exam_date=report.exam_date, expiration_date=report.expiration_date
        )
    )
