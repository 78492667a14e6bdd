"""Uploaded bytes on their way from the API process to a batch worker.

A batch file's bytes wait in Redis under a short TTL, keyed by the batch file's id, and are
deleted once the file has an outcome. They never touch the database or the disk: if a worker
never gets to them, the TTL erases them. The worker reads without deleting, so a task
redelivered after a worker crash still finds its bytes; the delete follows the recorded outcome.

The store is the Redis of ``TRANSIT_REDIS_URL`` (``REDIS_URL`` unless given its own), which must
neither evict keys (a file would be lost before its worker reads it) nor persist (documents
would reach its disk): :func:`transit_store_warn` says so at start-up of web and worker
processes. Payloads are handed over as buffers, so the request's parsed upload is sent to Redis
as it is, without a second copy in the web process.

Without ``TRANSIT_REDIS_URL`` (a laptop without services) tasks run in the API process itself,
and an in-process store with the same expiry semantics stands in for Redis.
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


# What a payload may be handed over as: bytes, or a view of the upload's own buffer.
Payload = bytes | memoryview


class TransitStore(Protocol):
    def put_many(self, payloads: Mapping[str, Payload], ttl: int) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete_many(self, keys: list[str]) -> None: ...


class RedisStore:
    """Payloads as plain Redis strings with an expiry; one round trip per call."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)

    def put_many(self, payloads: Mapping[str, Payload], ttl: int) -> None:
        """Views are written to the socket as they are (redis-py sends a memoryview uncopied)."""
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

    def put_many(self, payloads: Mapping[str, Payload], ttl: int) -> None:
        """Copies: a view of the upload is released when the request ends, the payload is not."""
        deadline = time.monotonic() + ttl
        with self._lock:
            self._evict()
            for key, data in payloads.items():
                self._items[key] = (deadline, bytes(data))

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
    url = str(settings.TRANSIT_REDIS_URL or "")
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


def put_many(payloads: Mapping[UUID, Payload]) -> None:
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


def transit_store_check() -> list[str]:
    """What makes the transit Redis unsafe for documents, one sentence each; [] when it is fine.

    Eviction (a ``maxmemory-policy`` other than ``noeviction``) loses files before their worker
    reads them; persistence (RDB snapshots or an append-only file) writes documents to disk.
    """
    url = str(settings.TRANSIT_REDIS_URL or "")
    if not url:
        return []
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    problems: list[str] = []
    try:
        policy = str(client.info("memory").get("maxmemory_policy", "noeviction"))
        if policy != "noeviction":
            problems.append(
                f"evicts keys under memory pressure (maxmemory-policy {policy}): a batch file may be "
                "lost before a worker reads it; set noeviction"
            )
        if client.info("persistence").get("aof_enabled"):
            problems.append(
                "writes an append-only file, so documents in transit reach its disk; set appendonly no"
            )
        try:
            save = str(client.config_get("save").get("save", ""))
        except redis.ResponseError:  # CONFIG is disabled on some managed servers
            save = ""
        if save.strip():
            problems.append(
                f'snapshots to disk (save "{save}"), so documents in transit reach it; set save ""'
            )
    except redis.RedisError as exc:
        problems.append(f"could not be checked ({type(exc).__name__})")
    finally:
        client.close()
    return problems


def transit_store_warn() -> None:
    """Log each problem of the transit Redis; a warning, never a refusal to start."""
    for problem in transit_store_check():
        logger.warning("the transit Redis (TRANSIT_REDIS_URL) %s", problem)
