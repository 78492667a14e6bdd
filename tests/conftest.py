"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory
from rest_framework.test import APIClient


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def frozen_time() -> Iterator[FrozenDateTimeFactory]:
    """The wall and monotonic clocks stopped at one instant; ``frozen_time.tick(s)`` moves them on."""
    with freeze_time("2026-03-14T09:00:00Z") as frozen:
        yield frozen
