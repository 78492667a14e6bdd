"""One REDIS_URL serves every role unless the cache, broker or transit gets a URL of its own."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

import pytest

ROLES = ("REDIS_URL", "CACHE_REDIS_URL", "TRANSIT_REDIS_URL", "CELERY_BROKER_URL")


@pytest.fixture
def load_base(monkeypatch) -> Iterator:
    import cfipros.settings.base as base

    def load(**env: str) -> ModuleType:
        for name in ROLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(base)

    yield load
    monkeypatch.undo()
    importlib.reload(base)


def test_every_role_defaults_to_redis_url(load_base) -> None:
    base = load_base(REDIS_URL="redis://queue:6379/0")
    assert base.CELERY_BROKER_URL == base.TRANSIT_REDIS_URL == "redis://queue:6379/0"
    assert base.CACHES["default"]["LOCATION"] == "redis://queue:6379/0"
    assert base.CELERY_TASK_ALWAYS_EAGER is False


def test_the_cache_and_the_broker_can_have_their_own_servers(load_base) -> None:
    base = load_base(
        REDIS_URL="redis://queue:6379/0",
        CACHE_REDIS_URL="redis://cache:6379/0",
        CELERY_BROKER_URL="redis://broker:6379/0",
    )
    assert base.CACHES["default"]["LOCATION"] == "redis://cache:6379/0"
    assert base.CELERY_BROKER_URL == "redis://broker:6379/0"
    assert base.TRANSIT_REDIS_URL == "redis://queue:6379/0"


def test_without_any_redis_tasks_run_in_process_and_the_cache_is_local(load_base) -> None:
    base = load_base()
    assert base.CELERY_TASK_ALWAYS_EAGER is True
    assert base.CACHES["default"]["BACKEND"].endswith("LocMemCache")
