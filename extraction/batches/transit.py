"""Uploaded bytes on their way from the API process to a batch worker.

A batch file's bytes wait in Redis under a short TTL, keyed by the batch file's id, and are
deleted once the file has an outcome. They never touch the database or the disk: if a worker
never gets to them, the TTL erases them. The worker reads without deleting, so a task
redelivered after a worker crash still finds its bytes; the delete follows the recorded outcome.

Without ``REDIS_URL`` (a laptop without services) tasks run in the API process itself, and an
in-process store with the same expiry semantics stands in for Redis.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Protocol
from uuid import UUID

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "cfipros:transit:"


class TransitStore(Protocol):
    def put_many(self, payloads: Mapping[str, bytes], ttl: int) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete_many(self, keys: list[str]) -> None: ...


class RedisStore:
    """Payloads as plain Redis strings with an expiry; one round trip per call."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)

    def put_many(self, payloads: Mapping[str, bytes], ttl: int) -> None:
        pipe = self.client.pipeline(transaction=False)
        for key, data in payloads.items():
            pipe.set(key, data, ex=ttl)
        pipe.execute()

    def get(self, key: str) -> bytes | None:
        value = self.client.get(key)
        return bytes(value) if value is not None else None  # type: ignore[arg-type]

    def delete_many(self, keys: list[str]) -> None:
        if keys:
            self.client.delete(*keys)


class MemoryStore:
    """The stand-in for Redis when tasks run in the same process as the API."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[float, bytes]] = {}
        self._lock = threading.Lock()

    def put_many(self, payloads: Mapping[str, bytes], ttl: int) -> None:
        deadline = time.monotonic() + ttl
        with self._lock:
            self._evict()
            for key, data in payloads.items():
                self._items[key] = (deadline, data)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            self._evict()
            item = self._items.get(key)
        return item[1] if item else None

    def delete_many(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._items.pop(key, None)

    def _evict(self) -> None:
        now = time.monotonic()
        for key in [k for k, (deadline, _) in self._items.items() if deadline <= now]:
            del self._items[key]


_stores: dict[str, TransitStore] = {}
_stores_lock = threading.Lock()


def _store() -> TransitStore:
    """One store per Redis URL (settings may change under tests), created on first use."""
    url = str(settings.REDIS_URL or "")
    store = _stores.get(url)
    if store is None:
        with _stores_lock:
            store = _stores.get(url)
            if store is None:
                store = RedisStore(url) if url else MemoryStore()
                _stores[url] = store
    return store


def _key(file_id: UUID | str) -> str:
    return f"{KEY_PREFIX}{file_id}"


def put_many(payloads: Mapping[UUID, bytes]) -> None:
    """Hold every payload for ``BATCH_TRANSIT_TTL_SECONDS``."""
    ttl = int(settings.BATCH_TRANSIT_TTL_SECONDS)
    _store().put_many({_key(file_id): data for file_id, data in payloads.items()}, ttl)


def get(file_id: UUID) -> bytes | None:
    """The payload, or ``None`` once it expired or was deleted."""
    return _store().get(_key(file_id))


def discard(*file_ids: UUID) -> None:
    _store().delete_many([_key(file_id) for file_id in file_ids])


def discard_quietly(file_ids: list[UUID]) -> None:
    """Delete payloads, logging instead of failing: a payload left behind expires with its TTL."""
    try:
        discard(*file_ids)
    except Exception:
        logger.warning("could not delete transit payloads; they expire with their TTL", exc_info=True)
