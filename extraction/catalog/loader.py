"""Reading the ACS catalogue file and writing it to the database as an idempotent upsert.

The file is the shipped ``extraction/data/acs_catalog.json.gz`` (or any ``.json``/``.json.gz`` with
the same shape). Every row is checked before anything is written, and the write happens in one
transaction, so a bad file never leaves a half-loaded catalogue behind.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from extraction.catalog.services import acs_catalog_version_bump
from extraction.engine.grammar import ACS_CODE_RE
from extraction.models import CURRENT_EDITION, AcsDocument, AcsElement

# Titles of the ACS publications, by prefix. The powered-lift and instructor prefixes other than
# AI/HI/FI are not confirmed against FAA publications yet (see docs/catalogue.md).
DOCUMENT_TITLES: dict[str, str] = {
    "PA": "Private Pilot Airplane",
    "CA": "Commercial Pilot Airplane",
    "IR": "Instrument Rating Airplane",
    "AA": "Airline Transport Pilot Airplane",
    "FI": "Fundamentals of Instructing",
    "AI": "Flight Instructor Airplane",
    "HI": "Flight Instructor Helicopter",
    "PH": "Private Pilot Helicopter",
    "CH": "Commercial Pilot Helicopter",
    "IH": "Instrument Rating Helicopter",
    "UA": "Remote Pilot Small Unmanned Aircraft Systems",
    "AM": "Aviation Mechanic",
    "PL": "Private Pilot Powered-Lift",
    "CP": "Commercial Pilot Powered-Lift",
    "IP": "Instrument Rating Powered-Lift",
    "AP": "Airline Transport Pilot Powered-Lift",
    "IL": "Flight Instructor Powered-Lift",
    "PI": "Flight Instructor Instrument Powered-Lift",
    "MC": "Military Competence",
}

# Element fields compared to decide whether a stored row needs an update.
COMPARED_FIELDS: tuple[str, ...] = (
    "document_id",
    "prefix",
    "area",
    "area_title",
    "task",
    "task_title",
    "element_type",
    "number",
    "sub_letter",
    "description",
    "topic",
    "exam_codes",
)

MAX_REPORTED_ERRORS = 10
EXAM_CODE_RE = re.compile(r"^[A-Z0-9]{2,4}$")


class CatalogFileError(Exception):
    """The catalogue file cannot be read or holds rows that would corrupt the catalogue."""


@dataclass(frozen=True)
class ElementRow:
    """One validated catalogue row, already in the shape of an :class:`AcsElement`."""

    code: str
    edition: str
    prefix: str
    area: str
    area_title: str
    task: str
    task_title: str
    element_type: str
    number: int
    sub_letter: str
    description: str
    topic: str
    exam_codes: list[str]


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int
    deleted: int
    documents_created: int


def document_title(prefix: str) -> str:
    return DOCUMENT_TITLES.get(prefix, f"ACS {prefix}")


def catalog_file_read(path: str | Path) -> list[ElementRow]:
    """Parse and validate a ``.json`` or ``.json.gz`` catalogue file."""
    path = Path(path)
    if not path.is_file():
        raise CatalogFileError(f"Catalogue file not found: {path}")
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                data = json.load(fh)
        else:
            with path.open(encoding="utf-8") as fh:
                data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise CatalogFileError(f"{path} is not valid JSON: {exc}") from exc
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise CatalogFileError(f"{path} cannot be read: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("elements"), list):
        data = data["elements"]
    if not isinstance(data, list):
        raise CatalogFileError(f"{path} must hold a JSON list of elements.")
    return catalog_rows_parse(data)


def catalog_rows_parse(data: Sequence[Any]) -> list[ElementRow]:
    """Validate every row and report the first few problems at once, by row index."""
    rows: list[ElementRow] = []
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(data):
        try:
            row = _parse_row(raw)
        except ValueError as exc:
            errors.append(f"row {index}: {exc}")
        else:
            key = (row.code, row.edition)
            if key in seen:
                errors.append(f"row {index}: duplicate code {row.code} in edition {row.edition!r}")
            seen.add(key)
            rows.append(row)
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
    if errors:
        raise CatalogFileError("Invalid catalogue rows:\n  " + "\n  ".join(errors))
    return rows


def _text(raw: Mapping[str, Any], key: str, max_length: int | None = None) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string")
    value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise ValueError(f"{key} is longer than {max_length} characters")
    return value


def _max_length(field_name: str) -> int | None:
    field = AcsElement._meta.get_field(field_name)
    return getattr(field, "max_length", None)


def _check_agrees(raw: Mapping[str, Any], key: str, expected: object, code: str) -> None:
    """The code is the source of truth; a redundant field that contradicts it is an error."""
    value = raw.get(key)
    if value not in (None, "") and value != expected:
        raise ValueError(f"{key} {value!r} does not match code {code}")


def _parse_row(raw: Any) -> ElementRow:
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    code = raw.get("code")
    if not isinstance(code, str) or not code:
        raise ValueError("missing code")
    match = ACS_CODE_RE.match(code)
    if match is None:
        raise ValueError(f"code {code!r} is not a valid ACS code")
    parts = match.groupdict()
    number = int(parts["number"])
    for key, expected in (
        ("prefix", parts["prefix"]),
        ("area_roman", parts["area"]),
        ("task_letter", parts["task"]),
        ("element_type", parts["type"]),
        ("element_number", number),
        ("sub_letter", parts["sub"]),
    ):
        _check_agrees(raw, key, expected, code)
    description = _text(raw, "description")
    if not description:
        raise ValueError(f"{code} has no description")
    exam_codes = raw.get("exam_codes") or []
    if not isinstance(exam_codes, list) or not all(
        isinstance(exam, str) and EXAM_CODE_RE.match(exam.upper()) for exam in exam_codes
    ):
        raise ValueError("exam_codes must be a list of test codes such as PAR")
    edition = _text(raw, "edition", _max_length("edition")) or CURRENT_EDITION
    return ElementRow(
        code=code,
        edition=edition,
        prefix=parts["prefix"],
        area=parts["area"],
        area_title=_text(raw, "area_of_operation", _max_length("area_title")),
        task=parts["task"],
        task_title=_text(raw, "task", _max_length("task_title")),
        element_type=parts["type"],
        number=number,
        sub_letter=parts["sub"],
        description=description,
        topic=_text(raw, "topic", _max_length("topic")),
        exam_codes=list(dict.fromkeys(exam.upper() for exam in exam_codes)),
    )


def _ensure_documents(rows: Iterable[ElementRow]) -> tuple[dict[tuple[str, str], AcsDocument], int]:
    """One AcsDocument per (prefix, edition). Existing titles are kept so staff edits survive."""
    wanted = {(row.prefix, row.edition) for row in rows}
    existing = {(doc.prefix, doc.edition): doc for doc in AcsDocument.objects.all()}
    missing = [
        AcsDocument(prefix=prefix, edition=edition, title=document_title(prefix))
        for prefix, edition in sorted(wanted - existing.keys())
    ]
    AcsDocument.objects.bulk_create(missing)
    for doc in missing:
        existing[(doc.prefix, doc.edition)] = doc
    return existing, len(missing)


def _row_values(row: ElementRow, document_id: int) -> tuple[Any, ...]:
    """The row's values in COMPARED_FIELDS order, comparable with a stored ``values_list`` tuple."""
    return (document_id, *(getattr(row, name) for name in COMPARED_FIELDS[1:]))


@transaction.atomic
def catalog_load(rows: Sequence[ElementRow], *, prune: bool = False) -> LoadResult:
    """Upsert ``rows`` keyed on (code, edition), writing only what changed.

    Stored rows are diffed in memory as plain tuples (no model instances), so a re-run of the same
    file is one read and no write. With ``prune`` the elements absent from ``rows`` are deleted
    (links from report codes to them are set to null; the codes themselves stay on the reports).
    A load that changed anything gives the catalogue a new version stamp (new ETags, a fresh
    server cache); a load that changed nothing keeps it.
    """
    documents, documents_created = _ensure_documents(rows)
    existing: dict[tuple[str, str], tuple[int, tuple[Any, ...]]] = {
        (code, edition): (pk, tuple(values))
        for pk, code, edition, *values in AcsElement.objects.values_list(
            "pk", "code", "edition", *COMPARED_FIELDS
        )
    }
    to_create: list[AcsElement] = []
    to_update: list[AcsElement] = []
    for row in rows:
        values = _row_values(row, documents[(row.prefix, row.edition)].pk)
        stored = existing.get((row.code, row.edition))
        if stored is not None and stored[1] == values:
            continue
        element = AcsElement(
            code=row.code, edition=row.edition, **dict(zip(COMPARED_FIELDS, values, strict=True))
        )
        if stored is None:
            to_create.append(element)
        else:
            element.pk = stored[0]
            to_update.append(element)
    AcsElement.objects.bulk_create(to_create, batch_size=2000)
    update_fields = [name.removesuffix("_id") for name in COMPARED_FIELDS]
    AcsElement.objects.bulk_update(to_update, update_fields, batch_size=1000)
    deleted = 0
    if prune:
        keep = {(row.code, row.edition) for row in rows}
        stale = [pk for key, (pk, _stored) in existing.items() if key not in keep]
        for start in range(0, len(stale), 2000):
            deleted += (
                AcsElement.objects.filter(pk__in=stale[start : start + 2000])
                .delete()[1]
                .get(AcsElement._meta.label, 0)
            )
    if to_create or to_update or deleted:
        acs_catalog_version_bump()
    return LoadResult(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
        deleted=deleted,
        documents_created=documents_created,
    )
