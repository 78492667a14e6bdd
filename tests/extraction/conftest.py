"""The commands build the engine's catalogue once per process: start each test from scratch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from extraction.adapter.extract import reset_catalog


@pytest.fixture(autouse=True)
def fresh_catalog(db: None) -> Iterator[None]:
    reset_catalog()
    yield
    reset_catalog()
