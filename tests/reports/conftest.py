"""Fixtures of the report tests: a clean throttle state, the engine's catalogue, one element and
the uploaded report (the personas are in the root conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from extraction.adapter.extract import get_catalog, reset_catalog
from extraction.models import AcsElement
from tests.cache_keys import delete_cache_keys
from tests.engine.generator.documents import UPLOAD, aktr_pdf
from tests.factories import acs_element


@pytest.fixture(autouse=True)
def clean_throttles() -> Iterator[None]:
    delete_cache_keys("*throttle_*")
    yield
    delete_cache_keys("*throttle_*")


@pytest.fixture(autouse=True)
def engine_catalog(db: None) -> None:
    """The engine's process-wide catalogue must know the PA codes the fixtures print."""
    if "PA.I.A.K1" not in get_catalog():
        reset_catalog()
        get_catalog()


@pytest.fixture
def pa_element(db: None) -> AcsElement:
    return acs_element(
        "PA.I.A.K1",
        area_title="Preflight Preparation",
        task_title="Pilot Qualifications",
        description="Certification requirements, recent flight experience, and recordkeeping.",
    )


@pytest.fixture
def pdf() -> bytes:
    return aktr_pdf(UPLOAD)
