"""The catalogue answers a worker served last, kept in its memory within a byte budget.

The first level of the catalogue's answer cache, in front of Redis: a hit costs no round trip
(on a busy machine a Redis GET is most of a cached answer's time). Keys name the catalogue's
version stamp (``extraction.api.catalog.caching``), so a copy is never stale and nothing is
ever invalidated: copies of an old stamp are simply no longer asked for, and age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

# A page of 50 elements is about 20 kB, one element under 1 kB: thousands of answers per worker.
LOCAL_MAX_BYTES = 32 * 1024 * 1024


class LocalCopies:
    """Least recently used bodies by key, dropped oldest first past ``max_bytes`` in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if len(body) > self.max_bytes:
            return
        with self._lock:
            previous = self._bodies.pop(key, None)
            self._size += len(body) - (len(previous) if previous is not None else 0)
            self._bodies[key] = body
            while self._size > self.max_bytes:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()
            self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def __len__(self) -> int:
        return len(self._bodies)


local_copies = LocalCopies(LOCAL_MAX_BYTES)
