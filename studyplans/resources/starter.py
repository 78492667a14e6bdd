"""The shipped starter mapping: which chapters of which FAA publications teach each ACS task.

The mapping is data that staff edit, under ``studyplans/data/`` (its README.md describes the
files): the publications, the chapters read from them (references), keyword rules over the area
and task titles that pick the references, and the rule sets each ACS family reads. Applied to every
task of the shipped ACS catalogue it gives the starter resources, which ``load_study_resources``
stores; staff then refine rows in the admin. The first matching rule of the family wins.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cfipros.errors import Invalid
from extraction.catalog.loader import catalog_file_read
from extraction.catalog.shipped import SHIPPED_CATALOG

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PUBLICATIONS_FILE = "publications.csv"
REFERENCES_FILE = "references.csv"
RULES_FILE = "rules.csv"
FAMILIES_FILE = "families.json"
MAX_REFERENCE_MINUTES = 600
KEY_LENGTH = 120


class StarterDataError(Invalid):
    """The mapping files are inconsistent (an unknown name, a bad pattern); nothing was loaded."""

    code = "invalid_starter_mapping"


@dataclass(frozen=True)
class Publication:
    code: str
    title: str
    url: str


@dataclass(frozen=True)
class Reference:
    """One chapter or section of a publication, with a reading estimate in minutes."""

    name: str
    publication: Publication
    chapter: str
    title: str
    minutes: int


@dataclass(frozen=True)
class Rule:
    """``task`` (and ``area`` when given) are searched in the lower-cased titles of a task."""

    area: re.Pattern[str] | None
    task: re.Pattern[str]
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class TaskRow:
    prefix: str
    area: str
    task: str
    area_title: str
    task_title: str


@dataclass(frozen=True)
class StarterMapping:
    rule_sets: dict[str, list[Rule]]
    by_prefix: dict[str, tuple[str, ...]]
    other_prefixes: tuple[str, ...]
    read_first: dict[str, re.Pattern[str]]

    def references_for(self, task: TaskRow) -> tuple[Reference, ...]:
        """The references of the first rule, in the family's rule sets, that matches ``task``."""
        names = self.by_prefix.get(task.prefix, self.other_prefixes)
        area_title, task_title = task.area_title.lower(), task.task_title.lower()
        for name, areas in self.read_first.items():
            if name in names and areas.search(area_title):
                names = (name, *names)
        for name in names:
            for rule in self.rule_sets[name]:
                if (rule.area is None or rule.area.search(area_title)) and rule.task.search(task_title):
                    return rule.references
        return ()


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            yield line, {name: (value or "").strip() for name, value in row.items() if name}


def _pattern(text: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise StarterDataError(f"{where}: {text!r} is not a valid pattern ({exc})") from exc


def _publications(path: Path) -> dict[str, Publication]:
    found: dict[str, Publication] = {}
    for line, row in _rows(path):
        if not (row.get("publication") and row.get("code") and row.get("title")):
            raise StarterDataError(f"{path.name} line {line}: publication, code and title are required")
        if row["publication"] in found:
            raise StarterDataError(f"{path.name} line {line}: {row['publication']} is listed twice")
        found[row["publication"]] = Publication(row["code"], row["title"], row.get("url", ""))
    return found


def _references(path: Path, publications: dict[str, Publication]) -> dict[str, Reference]:
    found: dict[str, Reference] = {}
    for line, row in _rows(path):
        where = f"{path.name} line {line}"
        name, publication = row.get("reference", ""), publications.get(row.get("publication", ""))
        if not (name and row.get("chapter") and row.get("title")):
            raise StarterDataError(f"{where}: reference, chapter and title are required")
        if name in found:
            raise StarterDataError(f"{where}: {name} is listed twice")
        if publication is None:
            raise StarterDataError(f"{where}: unknown publication {row.get('publication')!r}")
        minutes = row.get("minutes", "")
        if not minutes.isdigit() or not 1 <= int(minutes) <= MAX_REFERENCE_MINUTES:
            raise StarterDataError(f"{where}: minutes must be 1-{MAX_REFERENCE_MINUTES}")
        found[name] = Reference(name, publication, row["chapter"], row["title"], int(minutes))
    return found


def _rule_sets(path: Path, references: dict[str, Reference]) -> dict[str, list[Rule]]:
    found: dict[str, list[Rule]] = {}
    for line, row in _rows(path):
        where = f"{path.name} line {line}"
        names = row.get("references", "").split()
        unknown = [name for name in names if name not in references]
        if not row.get("rule_set") or not names or unknown:
            raise StarterDataError(f"{where}: needs a rule_set and known references (unknown: {unknown})")
        area = row.get("area", "")
        found.setdefault(row["rule_set"], []).append(
            Rule(
                area=_pattern(area, where) if area else None,
                task=_pattern(row.get("task", ""), where),
                references=tuple(references[name] for name in names),
            )
        )
    return found


def _names(value: Any, known: dict[str, list[Rule]], where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(name, str) and name in known for name in value):
        raise StarterDataError(f"{where}: {value!r} must be a list of rule sets of {RULES_FILE}")
    return tuple(value)


def read_starter_mapping(data_dir: Path | None = None) -> StarterMapping:
    """Read and cross-check the mapping files (the shipped ones by default); every name a file
    uses must be defined."""
    data_dir = DATA_DIR if data_dir is None else data_dir
    publications = _publications(data_dir / PUBLICATIONS_FILE)
    references = _references(data_dir / REFERENCES_FILE, publications)
    rule_sets = _rule_sets(data_dir / RULES_FILE, references)
    path = data_dir / FAMILIES_FILE
    try:
        families = json.loads(path.read_text(encoding="utf-8"))
        by_prefix = families["rule_sets_by_prefix"]
        read_first = families["read_first_where_area_matches"]
        other = families["rule_sets_of_other_prefixes"]
    except (ValueError, KeyError, TypeError) as exc:
        raise StarterDataError(f"{path.name}: {exc}") from exc
    if not isinstance(by_prefix, dict) or not isinstance(read_first, dict):
        raise StarterDataError(f"{path.name}: rule sets by prefix and read-first areas must be objects")
    _names(list(read_first), rule_sets, f"{path.name} read-first")
    return StarterMapping(
        rule_sets=rule_sets,
        by_prefix={key: _names(sets, rule_sets, f"{path.name} {key}") for key, sets in by_prefix.items()},
        other_prefixes=_names(other, rule_sets, path.name),
        read_first={name: _pattern(str(areas), f"{path.name} {name}") for name, areas in read_first.items()},
    )


def catalog_tasks(path: Path = SHIPPED_CATALOG) -> list[TaskRow]:
    """Every (prefix, area, task) of the catalogue file, in file order."""
    seen: dict[tuple[str, str, str], TaskRow] = {}
    for row in catalog_file_read(path):
        key = (row.prefix, row.area, row.task)
        if key not in seen:
            seen[key] = TaskRow(row.prefix, row.area, row.task, row.area_title, row.task_title)
    return list(seen.values())


def starter_rows(mapping: StarterMapping, tasks: Sequence[TaskRow]) -> list[dict[str, str]]:
    """The resource rows of ``tasks`` in the import format, keyed ``task|publication|chapter``."""
    rows: list[dict[str, str]] = []
    for task in tasks:
        task_key = f"{task.prefix}.{task.area}.{task.task}"
        for position, reference in enumerate(mapping.references_for(task)):
            publication = reference.publication
            rows.append(
                {
                    "key": f"{task_key}|{publication.code}|{reference.chapter}"[:KEY_LENGTH],
                    "prefix": task.prefix,
                    "area": task.area,
                    "task": task.task,
                    "area_title": task.area_title,
                    "task_title": task.task_title,
                    "element_code": "",
                    "publication": publication.code,
                    "publication_title": publication.title,
                    "chapter": reference.chapter,
                    "title": reference.title,
                    "url": publication.url,
                    "estimated_minutes": str(reference.minutes),
                    "position": str(position),
                }
            )
    keys = [row["key"] for row in rows]
    if len(set(keys)) != len(keys):
        raise StarterDataError("two starter rows share a key: a rule names one chapter twice")
    return rows
