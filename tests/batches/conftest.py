"""Fixtures of the batch tests: a class of reports, a clean throttle, PA codes in the engine (the
personas, an instructor and a stranger among them, are in the root conftest)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from extraction.adapter.extract import get_catalog, reset_catalog
from extraction.models import AcsElement
from tests.batches.documents import class_of_reports
from tests.cache_keys import delete_cache_keys
from tests.engine.generator.documents import aktr_pdf
from tests.engine.generator.spec import DocumentSpec
from tests.factories import acs_element


@pytest.fixture(autouse=True)
def clean_batch_throttle() -> Iterator[None]:
    delete_cache_keys("*throttle_batch_user*")
    yield
    delete_cache_keys("*throttle_batch_user*")


@pytest.fixture
def engine_catalog(db: None) -> None:
    """The engine's process-wide catalogue must know the codes the fixtures print."""
    if "PA.I.B.K1a" not in get_catalog() or "IR.I.B.K1" not in get_catalog():
        reset_catalog()
        get_catalog()


@pytest.fixture
def class_pdfs() -> Callable[[int], list[tuple[str, bytes, DocumentSpec]]]:
    """``n`` text reports of distinct students as (file name, bytes, spec)."""

    def make(count: int) -> list[tuple[str, bytes, DocumentSpec]]:
        return [
            (f"student-{i + 1}.pdf", aktr_pdf(spec), spec) for i, spec in enumerate(class_of_reports(count))
        ]

    return make


@pytest.fixture
def pa_task_elements(db: None) -> list[AcsElement]:
    """Catalogue rows for two codes, so summaries can name their tasks (the engine keeps its own)."""
    get_catalog()
    return [
        acs_element(
            "PA.I.B.K1a",
            area_title="Preflight Preparation",
            task_title="Airworthiness Requirements",
            description="Location and expiration dates of required aircraft certificates",
        ),
        acs_element(
            "PA.I.C.K2",
            area_title="Preflight Preparation",
            task_title="Weather Information",
            description="Weather products.",
        ),
    ]
