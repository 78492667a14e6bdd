"""Deleting cache keys by pattern, so throttle counters left by one test never limit the next."""

from __future__ import annotations

from django.core.cache import cache


def delete_cache_keys(pattern: str) -> None:
    """Delete every key of the Redis cache that matches ``pattern`` (glob syntax)."""
    client = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=pattern))
    if keys:
        client.delete(*keys)
