"""Fixtures of the plan tests: clean throttles, the engine's catalogue, a report to upload, and
plans changed in the table the way operators change them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from accounts.models import Plan
from extraction.adapter.extract import get_catalog, reset_catalog
from tests.batches.documents import class_of_reports
from tests.cache_keys import delete_cache_keys
from tests.engine.generator.documents import UPLOAD, aktr_pdf


@pytest.fixture(autouse=True)
def clean_throttles() -> Iterator[None]:
    delete_cache_keys("*throttle_*")
    yield
    delete_cache_keys("*throttle_*")


@pytest.fixture
def engine_catalog(db: None) -> None:
    if "PA.I.A.K1" not in get_catalog() or "PA.I.B.K1a" not in get_catalog():
        reset_catalog()
        get_catalog()


@pytest.fixture
def pdf() -> bytes:
    return aktr_pdf(UPLOAD)


@pytest.fixture
def class_files() -> Callable[[int], list[tuple[str, bytes]]]:
    def make(count: int) -> list[tuple[str, bytes]]:
        return [(f"student-{i + 1}.pdf", aktr_pdf(spec)) for i, spec in enumerate(class_of_reports(count))]

    return make


@pytest.fixture
def set_limits(db: None) -> Callable[..., Plan]:
    """Change a seeded plan's limits in the table, as an operator does in the admin."""

    def change(code: str, **fields: Any) -> Plan:
        Plan.objects.filter(code=code).update(**fields)
        return Plan.objects.get(code=code)

    return change
