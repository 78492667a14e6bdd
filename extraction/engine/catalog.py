"""In-memory index of the ACS catalogue, built once per process.

The engine never touches the database: the adapter hands it rows (from the AcsElement table
or from the shipped JSON) and this module turns them into the lookups the corrector needs.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .types import CatalogEntry


class Catalog:
    """Code -> entry, plus per-prefix and per-exam-code indexes for candidate search."""

    __slots__ = ("__weakref__", "by_prefix", "entries", "prefixes_by_exam")

    def __init__(
        self, entries: Iterable[CatalogEntry], exam_codes: Mapping[str, Iterable[str]] | None = None
    ):
        self.entries: dict[str, CatalogEntry] = {}
        self.by_prefix: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            self.entries[entry.code] = entry
            self.by_prefix[entry.prefix].add(entry.code)
        self.prefixes_by_exam: dict[str, set[str]] = defaultdict(set)
        for exam, prefixes in (exam_codes or {}).items():
            self.prefixes_by_exam[exam.upper()].update(prefixes)

    def __contains__(self, code: object) -> bool:
        return code in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, code: str) -> CatalogEntry | None:
        return self.entries.get(code)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Catalog:
        """Rows shaped like the shipped JSON (code, prefix, area_roman, task_letter, ...)."""
        entries: list[CatalogEntry] = []
        exam_map: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            code = str(row["code"])
            prefix = str(row.get("prefix") or code.split(".", 1)[0])
            parts = code.split(".")
            entries.append(
                CatalogEntry(
                    code=code,
                    prefix=prefix,
                    area=str(row.get("area_roman") or (parts[1] if len(parts) > 1 else "")),
                    task=str(row.get("task_letter") or (parts[2] if len(parts) > 2 else "")),
                    element_type=str(row.get("element_type") or ""),
                    description=str(row.get("description") or ""),
                    area_title=str(row.get("area_of_operation") or ""),
                    task_title=str(row.get("task") or ""),
                )
            )
            for exam in row.get("exam_codes") or ():
                exam_map[str(exam).upper()].add(prefix)
        return cls(entries, exam_map)

    @classmethod
    def from_json(cls, path: str | Path) -> Catalog:
        path = Path(path)
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        if isinstance(data, dict):
            data = data.get("elements", [])
        return cls.from_rows(data)
