"""A small generated catalogue, loaded through the real command so the API tests see loader output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from extraction.api.catalog.local_copies import local_copies
from extraction.catalog.selectors import acs_catalog_version_forget
from tests.cache_keys import delete_cache_keys

AREAS = ["I", "II", "IV", "V", "IX", "X"]


def make_rows() -> list[dict[str, Any]]:
    """PA: 6 areas x 2 tasks x K1,K2,K2a,R1,S1 (60 rows); CA: 1 area x 1 task x K1..K3 (3); FI: 2."""
    rows: list[dict[str, Any]] = []

    def add(prefix: str, area: str, task: str, kind: str, number: int, sub: str, exams: list[str]) -> None:
        code = f"{prefix}.{area}.{task}.{kind}{number}{sub}"
        rows.append(
            {
                "code": code,
                "prefix": prefix,
                "area_roman": area,
                "task_letter": task,
                "element_type": kind,
                "element_number": number,
                "sub_letter": sub,
                "description": f"Description of {code}.",
                "area_of_operation": f"Area {area} of {prefix}",
                "task": f"Task {task} of area {area}",
                "topic": "Weather" if kind == "K" else "",
                "exam_codes": exams,
            }
        )

    for area in AREAS:
        for task in ("A", "B"):
            for kind, number, sub in (("K", 1, ""), ("K", 2, ""), ("K", 2, "a"), ("R", 1, ""), ("S", 1, "")):
                add("PA", area, task, kind, number, sub, ["PAR"])
    for number in (1, 2, 3):
        add("CA", "I", "A", "K", number, "", ["CAX"])
    add("FI", "I", "A", "K", 1, "", ["FOI", "FIA"])
    add("FI", "I", "A", "K", 10, "", ["FOI", "FIA"])
    rows[0]["description"] = "Certificates and documents: pilot certificate privileges."
    return rows


def write_catalog(path: Path, rows: list[Any]) -> Path:
    path.write_text(json.dumps(rows))
    return path


def run_loader(*args: str) -> str:
    out = StringIO()
    call_command("load_acs_catalog", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def catalog_rows() -> list[dict[str, Any]]:
    return make_rows()


@pytest.fixture
def catalog_file(tmp_path: Path, catalog_rows: list[dict[str, Any]]) -> Path:
    return write_catalog(tmp_path / "catalog.json", catalog_rows)


@pytest.fixture
def loaded_catalog(db: None, catalog_file: Path) -> Path:
    run_loader(str(catalog_file))
    return catalog_file


@pytest.fixture(autouse=True)
def fresh_catalogue_cache() -> Iterator[None]:
    """No catalogue answer or version stamp outlives its test.

    Each test's database is rolled back, stamp included, while the cache (Redis), the process's
    copies and its memo of the stamp are not: a later test could otherwise be served an earlier
    test's answer.
    """
    acs_catalog_version_forget()
    local_copies.clear()
    delete_cache_keys("*acs-catalog:*")
    yield
    acs_catalog_version_forget()
    local_copies.clear()
    delete_cache_keys("*acs-catalog:*")
