"""Writes of study resources: CSV rows checked and upserted, the starter mapping loaded, an export.

Every file is validated as a whole before anything is written, and every load is an idempotent
upsert keyed by the starter ``key``, then the id, then (task, element, publication, chapter).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from io import TextIOBase
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from cfipros.errors import Invalid
from extraction.models import AcsElement
from studyplans.models import StudyResource, StudyTask
from studyplans.plans.planning import task_key_of
from studyplans.resources.fields import EXPORT_FIELDS, RESOURCE_FIELDS
from studyplans.resources.starter import catalog_tasks, read_starter_mapping, starter_rows

MAX_RESOURCE_MINUTES = 600


class ResourceFileError(Invalid):
    """A resource CSV has rows that cannot be stored; nothing was written."""

    code = "invalid_resource_file"


@dataclass
class ResourceImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_curated: int = 0
    removed: int = 0


@dataclass(frozen=True)
class ResourceRow:
    line: int
    id: int | None
    key: str | None
    task: tuple[str, str, str]
    area_title: str
    task_title: str
    values: dict[str, Any]
    curated: bool | None


def _parse_row(line: int, raw: Mapping[str, str | None]) -> ResourceRow:
    def text(name: str) -> str:
        return (raw.get(name) or "").strip()

    errors: list[str] = []
    prefix, area, task = text("prefix").upper(), text("area").upper(), text("task").upper()
    element_code = text("element_code")
    if element_code:
        parsed = task_key_of(element_code)
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
    return ResourceRow(
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


def study_resources_read_csv(handle: Iterable[str]) -> list[ResourceRow]:
    """Parse and validate every row first, so a bad file is rejected before any write."""
    reader = csv.DictReader(handle)
    missing = {"prefix", "area", "task", "publication", "title"} - set(reader.fieldnames or [])
    if missing and "element_code" not in (reader.fieldnames or []):
        raise ResourceFileError("missing columns: " + ", ".join(sorted(missing)))
    return study_resources_parse(reader)


def study_resources_parse(raw_rows: Iterable[Mapping[str, str | None]]) -> list[ResourceRow]:
    """Validate rows in the import format (numbered as CSV lines from 2); all errors at once."""
    rows: list[ResourceRow] = []
    errors: list[str] = []
    for line, raw in enumerate(raw_rows, start=2):
        try:
            rows.append(_parse_row(line, raw))
        except ResourceFileError as exc:
            errors.append(str(exc))
    if errors:
        raise ResourceFileError("\n".join(errors[:20]))
    return rows


def _ensure_tasks(rows: Sequence[ResourceRow]) -> dict[tuple[str, str, str], StudyTask]:
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
def study_resources_import(
    rows: Sequence[ResourceRow], *, force: bool = False, prune_keyed: bool = False
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


def study_resources_load_starter(*, force: bool = False) -> ResourceImportResult:
    """Load the shipped starter mapping over the shipped catalogue; curated rows survive unless ``force``."""
    rows = study_resources_parse(starter_rows(read_starter_mapping(), catalog_tasks()))
    return study_resources_import(rows, force=force, prune_keyed=True)


def study_resources_export(out: TextIOBase | Any) -> int:
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
