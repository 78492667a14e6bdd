"""Writes of the studyplans app: resource import/export, plan generation, progress, regeneration."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from io import TextIOBase
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import owners_visible_to
from cfipros.api.problems import ProblemError
from extraction.models import AcsElement, Report, ReportCode
from studyplans import planning
from studyplans.models import StudyPlan, StudyPlanItem, StudyPlanSection, StudyResource, StudyTask
from studyplans.starter import CSV_FIELDS, RESOURCE_FIELDS, catalog_tasks, read_starter_mapping, starter_rows

EXPORT_FIELDS = ["id", *CSV_FIELDS, "curated"]
MAX_RESOURCE_MINUTES = 600


# --- Resources ---------------------------------------------------------------------------------


class ResourceFileError(Exception):
    """A resource CSV has rows that cannot be stored; nothing was written."""


@dataclass
class ResourceImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_curated: int = 0
    removed: int = 0


@dataclass(frozen=True)
class _ResourceRow:
    line: int
    id: int | None
    key: str | None
    task: tuple[str, str, str]
    area_title: str
    task_title: str
    values: dict[str, Any]
    curated: bool | None


def _parse_resource_row(line: int, raw: Mapping[str, str | None]) -> _ResourceRow:
    def text(name: str) -> str:
        return (raw.get(name) or "").strip()

    errors: list[str] = []
    prefix, area, task = text("prefix").upper(), text("area").upper(), text("task").upper()
    element_code = text("element_code")
    if element_code:
        parsed = planning.task_key_of(element_code)
        if parsed is None:
            errors.append(f"element_code {element_code!r} is not an ACS element code")
        elif (prefix or area or task) and parsed != (prefix, area, task):
            errors.append(f"element_code {element_code} is not in task {prefix}.{area}.{task}")
        else:
            prefix, area, task = parsed
    if not (prefix and area and task):
        errors.append("prefix, area and task are required")
    for name in ("publication", "publication_title", "title"):
        if not text(name):
            errors.append(f"{name} is required")
    try:
        minutes = int(text("estimated_minutes") or "30")
        position = int(text("position") or "0")
        if not 1 <= minutes <= MAX_RESOURCE_MINUTES or position < 0:
            raise ValueError
    except ValueError:
        errors.append(f"estimated_minutes must be 1-{MAX_RESOURCE_MINUTES} and position >= 0")
        minutes, position = 30, 0
    url = text("url")
    if url:
        try:
            URLValidator()(url)
        except ValidationError:
            errors.append(f"url {url!r} is not a valid URL")
    row_id = text("id")
    if row_id and not row_id.isdigit():
        errors.append("id must be a number")
    if errors:
        raise ResourceFileError(f"line {line}: " + "; ".join(errors))
    curated_text = text("curated").lower()
    return _ResourceRow(
        line=line,
        id=int(row_id) if row_id else None,
        key=text("key") or None,
        task=(prefix, area, task),
        area_title=text("area_title"),
        task_title=text("task_title"),
        values={
            "element_code": element_code,
            "publication": text("publication"),
            "publication_title": text("publication_title"),
            "chapter": text("chapter"),
            "title": text("title"),
            "url": url,
            "estimated_minutes": minutes,
            "position": position,
        },
        curated=curated_text in ("1", "true", "yes") if curated_text else None,
    )


def read_resource_csv(handle: Iterable[str]) -> list[_ResourceRow]:
    """Parse and validate every row first, so a bad file is rejected before any write."""
    reader = csv.DictReader(handle)
    missing = {"prefix", "area", "task", "publication", "title"} - set(reader.fieldnames or [])
    if missing and "element_code" not in (reader.fieldnames or []):
        raise ResourceFileError("missing columns: " + ", ".join(sorted(missing)))
    return parse_resource_rows(reader)


def parse_resource_rows(raw_rows: Iterable[Mapping[str, str | None]]) -> list[_ResourceRow]:
    """Validate rows in the import format (numbered as CSV lines from 2); all errors at once."""
    rows: list[_ResourceRow] = []
    errors: list[str] = []
    for line, raw in enumerate(raw_rows, start=2):
        try:
            rows.append(_parse_resource_row(line, raw))
        except ResourceFileError as exc:
            errors.append(str(exc))
    if errors:
        raise ResourceFileError("\n".join(errors[:20]))
    return rows


def _ensure_tasks(rows: Sequence[_ResourceRow]) -> dict[tuple[str, str, str], StudyTask]:
    """The StudyTask of every row, created when missing, titled from the row or the catalogue."""
    wanted = {row.task for row in rows}
    tasks = {(t.prefix, t.area, t.task): t for t in StudyTask.objects.all()}
    missing = wanted - set(tasks)
    if missing:
        titles = {row.task: (row.area_title, row.task_title) for row in rows if row.task_title}
        prefixes = {key[0] for key in missing}
        for prefix, area, task, area_title, task_title in (
            AcsElement.objects.filter(prefix__in=prefixes)
            .values_list("prefix", "area", "task", "area_title", "task_title")
            .distinct()
        ):
            titles.setdefault((prefix, area, task), (area_title, task_title))
        created = StudyTask.objects.bulk_create(
            [
                StudyTask(
                    prefix=key[0],
                    area=key[1],
                    task=key[2],
                    area_title=titles.get(key, ("", ""))[0],
                    task_title=titles.get(key, ("", ""))[1],
                )
                for key in sorted(missing)
            ]
        )
        tasks.update({(t.prefix, t.area, t.task): t for t in created})
    return tasks


@transaction.atomic
def import_resources(
    rows: Sequence[_ResourceRow], *, force: bool = False, prune_keyed: bool = False
) -> ResourceImportResult:
    """Upsert rows matched by ``key``, else ``id``, else (task, element, publication, chapter).

    A row staff have curated is left as it is unless ``force``; the result counts it as kept.
    With ``prune_keyed`` (the starter reload), keyed rows that are no longer in the file and were
    not curated are removed, so a revised starter mapping leaves no stale duplicates behind.
    """
    tasks = _ensure_tasks(rows)
    existing = list(StudyResource.objects.all())
    by_key = {r.key: r for r in existing if r.key}
    by_id = {r.pk: r for r in existing}
    by_natural = {(r.task_id, r.element_code, r.publication, r.chapter): r for r in existing}
    result = ResourceImportResult()
    now = timezone.now()
    to_create: list[StudyResource] = []
    to_update: list[StudyResource] = []
    for row in rows:
        task = tasks[row.task]
        natural = (task.pk, row.values["element_code"], row.values["publication"], row.values["chapter"])
        current = (
            (by_key.get(row.key) if row.key else None)
            or (by_id.get(row.id) if row.id else None)
            or by_natural.get(natural)
        )
        # The file's own curated column wins; otherwise --force hands the row back to the file.
        kept_flag = bool(current and current.curated and not force)
        curated = row.curated if row.curated is not None else kept_flag
        if current is None:
            resource = StudyResource(task=task, key=row.key, curated=curated, **row.values)
            to_create.append(resource)
            by_natural[natural] = resource
            if row.key:
                by_key[row.key] = resource
            continue
        if current.curated and not force and row.curated is None:
            result.kept_curated += 1
            continue
        changed = (
            current.task_id != task.pk or current.curated != curated or (row.key and current.key != row.key)
        )
        for name, value in row.values.items():
            if getattr(current, name) != value:
                setattr(current, name, value)
                changed = True
        if changed:
            current.task = task
            current.curated = curated
            current.key = row.key or current.key
            current.updated_at = now
            to_update.append(current)
        else:
            result.unchanged += 1
    StudyResource.objects.bulk_create(to_create, batch_size=1000)
    StudyResource.objects.bulk_update(
        to_update, ["task", "key", "curated", *RESOURCE_FIELDS, "updated_at"], batch_size=1000
    )
    result.created = len(to_create)
    result.updated = len(to_update)
    if prune_keyed:
        keys = {row.key for row in rows if row.key}
        stale = [r.pk for r in existing if r.key and r.key not in keys and (force or not r.curated)]
        result.removed = StudyResource.objects.filter(pk__in=stale).delete()[0]
    return result


def load_starter_resources(*, force: bool = False) -> ResourceImportResult:
    """Load the shipped starter mapping over the shipped catalogue; curated rows survive unless ``force``."""
    rows = parse_resource_rows(starter_rows(read_starter_mapping(), catalog_tasks()))
    return import_resources(rows, force=force, prune_keyed=True)


def export_resources(out: TextIOBase | Any) -> int:
    """Write every resource as CSV in the import format; returns the row count."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for resource in StudyResource.objects.select_related("task").order_by(
        "task__prefix", "task__area", "task__task", "element_code", "position", "id"
    ):
        writer.writerow(
            {
                "id": resource.pk,
                "key": resource.key or "",
                "prefix": resource.task.prefix,
                "area": resource.task.area,
                "task": resource.task.task,
                "area_title": resource.task.area_title,
                "task_title": resource.task.task_title,
                "element_code": resource.element_code,
                "publication": resource.publication,
                "publication_title": resource.publication_title,
                "chapter": resource.chapter,
                "title": resource.title,
                "url": resource.url,
                "estimated_minutes": resource.estimated_minutes,
                "position": resource.position,
                "curated": "true" if resource.curated else "false",
            }
        )
        count += 1
    return count


# --- Plan generation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    codes: list[planning.MissedCode]
    resources: dict[planning.TaskKey, list[planning.ResourceInfo]]
    dates: list[planning.ReportDates]
    fingerprint: str


def _element_info(element: AcsElement) -> planning.ElementInfo:
    return planning.ElementInfo(
        prefix=element.prefix,
        area=element.area,
        area_title=element.area_title,
        task=element.task,
        task_title=element.task_title,
        element_type=element.element_type,
        description=element.description,
    )


RESOURCE_COLUMNS = (
    "task__prefix",
    "task__area",
    "task__task",
    "task__area_title",
    "task__task_title",
    "element_code",
    "publication",
    "publication_title",
    "chapter",
    "title",
    "url",
    "estimated_minutes",
)


def _resources_for(keys: set[planning.TaskKey]) -> dict[planning.TaskKey, list[planning.ResourceInfo]]:
    """Every resource of the given tasks in one query, whatever the number of tasks.

    The filter is the product of the wanted prefixes, areas and letters (a small superset that
    the unique (prefix, area, task) index answers); rows of other tasks are dropped here.
    """
    found: dict[planning.TaskKey, list[planning.ResourceInfo]] = {}
    if not keys:
        return found
    rows = (
        StudyResource.objects.filter(
            task__prefix__in={k[0] for k in keys},
            task__area__in={k[1] for k in keys},
            task__task__in={k[2] for k in keys},
        )
        .order_by("task_id", "element_code", "position", "id")
        .values_list(*RESOURCE_COLUMNS)
    )
    for prefix, area, task, area_title, task_title, element_code, *snapshot in rows:
        key = (prefix, area, task)
        if key not in keys:
            continue
        publication, publication_title, chapter, title, url, minutes = snapshot
        found.setdefault(key, []).append(
            planning.ResourceInfo(
                element_code=element_code,
                estimated_minutes=minutes,
                snapshot={
                    "publication": publication,
                    "publication_title": publication_title,
                    "chapter": chapter,
                    "title": title,
                    "url": url,
                    "estimated_minutes": minutes,
                },
                task_title=task_title,
                area_title=area_title,
            )
        )
    return found


def _collect_inputs(reports: Sequence[Report]) -> _Inputs:
    index = {report.pk: position for position, report in enumerate(reports)}
    rows = list(
        ReportCode.objects.filter(report_id__in=list(index))
        .select_related("element")
        .only(
            "report_id",
            "code",
            "element__prefix",
            "element__area",
            "element__area_title",
            "element__task",
            "element__task_title",
            "element__element_type",
            "element__description",
        )
        .order_by("report_id", "position", "id")
    )
    codes = [
        planning.MissedCode(
            code=row.code,
            report=index[row.report_id],
            element_id=row.element_id,
            element=_element_info(row.element) if row.element is not None else None,
        )
        for row in rows
    ]
    keys = {key for key in (planning.task_key_of(c.code) for c in codes) if key is not None}
    per_report: dict[str, list[str]] = {str(report.pk): [] for report in reports}
    for row in rows:
        per_report[str(row.report_id)].append(row.code)
    return _Inputs(
        codes=codes,
        resources=_resources_for(keys),
        dates=[
            planning.ReportDates(
                exam_code=report.exam_code, exam_date=report.exam_date, expiration_date=report.expiration_date
            )
            for report in reports
        ],
        fingerprint=planning.codes_fingerprint(per_report.items()),
    )


def _write_draft(plan: StudyPlan, draft: planning.PlanDraft, previous: dict[str, StudyPlanItem]) -> None:
    """Sections then items with two bulk inserts; done state carries over by code."""
    sections = StudyPlanSection.objects.bulk_create(
        [
            StudyPlanSection(
                plan=plan,
                position=position,
                prefix=section.prefix,
                area=section.area,
                area_title=section.area_title,
                task=section.task,
                title=section.title[:300],
                priority=section.priority,
                report_count=section.report_count,
                estimated_minutes=section.estimated_minutes,
            )
            for position, section in enumerate(draft.sections)
        ]
    )
    items: list[StudyPlanItem] = []
    for section_row, section in zip(sections, draft.sections, strict=True):
        for item in section.items:
            before = previous.get(item.code)
            assert item.week_start is not None
            items.append(
                StudyPlanItem(
                    plan=plan,
                    section=section_row,
                    position=len(items),
                    code=item.code,
                    element_id=item.element_id,
                    element_type=item.element_type,
                    description=item.description,
                    resources=item.resources,
                    estimated_minutes=item.estimated_minutes,
                    week_start=item.week_start,
                    done=before.done if before else False,
                    minutes_spent=before.minutes_spent if before else 0,
                    done_at=before.done_at if before else None,
                )
            )
    StudyPlanItem.objects.bulk_create(items)


def _status_for(items: Sequence[StudyPlanItem]) -> str:
    """Completed when nothing is left to study (including a plan with no items)."""
    if all(item.done for item in items):
        return StudyPlan.Status.COMPLETED
    return StudyPlan.Status.ACTIVE


def study_plan_create(
    *,
    user: User,
    report_ids: Sequence[UUID],
    hours_per_week: int = 5,
    target_date: dt.date | None = None,
    today: dt.date | None = None,
) -> StudyPlan:
    """Generate and store a plan from reports ``user`` may see (a fixed number of queries).

    The plan belongs to the reports' owner, so an instructor can prepare a plan that the
    student then works through; reports of different people cannot share a plan.
    """
    today = today or timezone.localdate()
    wanted = list(dict.fromkeys(report_ids))
    reports = list(
        Report.objects.filter(pk__in=wanted, owner__in=owners_visible_to(user)).select_related("owner")
    )
    if len(reports) != len(wanted):
        found = {report.pk for report in reports}
        missing = [str(pk) for pk in wanted if pk not in found]
        raise ProblemError(
            404, "report_not_found", "No report with id " + ", ".join(missing) + " is visible to you."
        )
    owners = {report.owner_id for report in reports}
    if len(owners) != 1:
        raise ProblemError(
            422, "reports_of_different_owners", "A study plan is built from the reports of one person."
        )
    reports.sort(key=lambda report: wanted.index(report.pk))
    owner = reports[0].owner
    assert owner is not None, "owners_visible_to never matches a report without owner"
    inputs = _collect_inputs(reports)
    draft = planning.build_plan(
        inputs.codes,
        inputs.resources,
        inputs.dates,
        hours_per_week=hours_per_week,
        start=today,
        target_date=target_date,
    )
    with transaction.atomic():
        plan = StudyPlan.objects.create(
            owner=owner,
            created_by=user,
            hours_per_week=hours_per_week,
            target_date=target_date,
            start_date=today,
            status=StudyPlan.Status.ACTIVE if draft.items else StudyPlan.Status.COMPLETED,
            total_minutes=draft.total_minutes,
            warnings=draft.warnings,
            codes_fingerprint=inputs.fingerprint,
            generated_at=timezone.now(),
        )
        StudyPlan.reports.through.objects.bulk_create(
            [StudyPlan.reports.through(studyplan_id=plan.pk, report_id=report.pk) for report in reports]
        )
        _write_draft(plan, draft, {})
    return plan


def study_plan_regenerate(*, plan: StudyPlan) -> StudyPlan:
    """Rebuild sections and items from the reports' current codes and resources.

    Progress on codes that are still in the plan is kept; the schedule restarts from the original
    start date so weeks already planned do not move.
    """
    reports = list(plan.reports.all().order_by("created_at"))
    inputs = _collect_inputs(reports)
    draft = planning.build_plan(
        inputs.codes,
        inputs.resources,
        inputs.dates,
        hours_per_week=plan.hours_per_week,
        start=plan.start_date,
        target_date=plan.target_date,
    )
    with transaction.atomic():
        previous = {item.code: item for item in plan.items.all()}
        plan.sections.all().delete()
        _write_draft(plan, draft, previous)
        items = list(plan.items.all())
        plan.total_minutes = draft.total_minutes
        plan.warnings = draft.warnings
        plan.codes_fingerprint = inputs.fingerprint
        plan.generated_at = timezone.now()
        plan.status = _status_for(items)
        plan.save(
            update_fields=[
                "total_minutes",
                "warnings",
                "codes_fingerprint",
                "generated_at",
                "status",
                "updated_at",
            ]
        )
    return plan


def current_fingerprints(plans: Sequence[StudyPlan]) -> dict[int, str]:
    """The codes fingerprint each plan would have now, in two queries for any number of plans."""
    through = StudyPlan.reports.through
    links = list(
        through.objects.filter(studyplan_id__in=[p.pk for p in plans]).values_list(
            "studyplan_id", "report_id"
        )
    )
    codes: dict[str, list[str]] = {}
    for report_id, code in ReportCode.objects.filter(report_id__in={r for _, r in links}).values_list(
        "report_id", "code"
    ):
        codes.setdefault(str(report_id), []).append(code)
    per_plan: dict[int, dict[str, list[str]]] = {plan.pk: {} for plan in plans}
    for plan_id, report_id in links:
        per_plan[plan_id][str(report_id)] = codes.get(str(report_id), [])
    return {plan_id: planning.codes_fingerprint(reports.items()) for plan_id, reports in per_plan.items()}


def stale_plans(plans: Iterable[StudyPlan]) -> list[StudyPlan]:
    """Plans whose reports' codes changed since the plan was generated."""
    plan_list = list(plans)
    now = current_fingerprints(plan_list)
    return [plan for plan in plan_list if now[plan.pk] != plan.codes_fingerprint]


# --- Progress ----------------------------------------------------------------------------------


def study_plan_item_update(
    *, plan: StudyPlan, item: StudyPlanItem, done: bool | None = None, minutes_spent: int | None = None
) -> StudyPlanItem:
    """Record progress on one item and keep the plan's status in step with its items."""
    fields: list[str] = []
    if done is not None and done != item.done:
        item.done = done
        item.done_at = timezone.now() if done else None
        fields += ["done", "done_at"]
    if minutes_spent is not None and minutes_spent != item.minutes_spent:
        item.minutes_spent = minutes_spent
        fields.append("minutes_spent")
    if not fields:
        return item
    with transaction.atomic():
        # Lock the plan row so two requests finishing the last two items agree on the status.
        StudyPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).first()
        item.save(update_fields=fields)
        remaining = StudyPlanItem.objects.filter(plan=plan, done=False).exists()
        status = StudyPlan.Status.ACTIVE if remaining else StudyPlan.Status.COMPLETED
        if status != plan.status:
            plan.status = status
            plan.save(update_fields=["status", "updated_at"])
    return item
