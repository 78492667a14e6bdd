"""The engine's tests need no database: one catalogue from the shipped file for the module."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction.engine import Catalog

SHIPPED = Path(__file__).resolve().parents[2] / "extraction" / "data" / "acs_catalog.json.gz"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.from_json(SHIPPED)
