"""Rate limits of the extraction endpoints, and the ``X-RateLimit-*`` headers that announce them.

Counters live where the default cache lives, so every worker shares them. When that is Redis, a
request is counted by one server-side script over a sorted set of request times: one round trip
instead of DRF's read-then-write pair, and atomic, so concurrent requests on several workers
cannot both take the last slot. With any other cache (a laptop without Redis) DRF's own
cache-based sliding window applies. Rates are read from
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on each request rather than once at import, so
configuration (and tests) can change them.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from redis.commands.core import Script
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, UserRateThrottle
from rest_framework.views import APIView

from cfipros.client_address import client_network

# KEYS[1]: the counter; ARGV: now (s), window (s), limit, a unique member for this request.
# Drops requests older than the window, admits this one when there is room, and answers
# {admitted, requests in the window, time of the oldest of them}.
_SLIDING_WINDOW_LUA = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local admitted = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  count = count + 1
  admitted = 1
end
redis.call('EXPIRE', key, math.ceil(window))
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {admitted, count, oldest[2] or ARGV[1]}
"""

REDIS_KEY_PREFIX = "cfipros:"

_scripts: dict[str, Script] = {}


def _sliding_window_script() -> Script | None:
    """The window script bound to the Redis server of the default cache; None when that is not Redis.

    One client (and connection pool) per process and server; the script runs by its hash, so
    after the first call a request sends only its arguments.
    """
    cache = settings.CACHES["default"]
    if cache.get("BACKEND") != "django.core.cache.backends.redis.RedisCache":
        return None
    location = cache["LOCATION"]
    url = location[0] if isinstance(location, list | tuple) else str(location)
    script = _scripts.get(url)
    if script is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        script = _scripts[url] = client.register_script(_SLIDING_WINDOW_LUA)
    return script


class _SharedWindowMixin:
    """Live rates, and the Redis script when the cache is Redis (see the module docstring)."""

    scope: str
    rate: str | None
    num_requests: int
    duration: int
    key: str | None
    now: float
    history: list[float]
    timer: Callable[[], float]
    _window: tuple[int, float] | None = None

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)

    def allow_request(self, request: Request, view: APIView) -> bool:
        script = _sliding_window_script()
        if script is None:
            allowed: bool = super().allow_request(request, view)  # type: ignore[misc]
            return allowed
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if self.key is None:
            return True
        self.now = self.timer()
        admitted, count, oldest = script(
            keys=[REDIS_KEY_PREFIX + self.key],
            args=[repr(self.now), self.duration, self.num_requests, uuid.uuid4().hex],
        )
        self._window = (int(count), float(oldest))
        return bool(admitted)

    def window(self) -> tuple[int, float]:
        """Requests counted in the current window and the time of the oldest (now when none)."""
        if self._window is not None:
            return self._window
        history = getattr(self, "history", [])
        return len(history), (history[-1] if history else getattr(self, "now", time.time()))

    def wait(self) -> float | None:
        """Seconds until the oldest counted request leaves the window, i.e. a slot frees up."""
        count, oldest = self.window()
        if count < self.num_requests:
            return None
        return max(0.0, oldest + self.duration - self.now)


class ExtractionAnonThrottle(_SharedWindowMixin, AnonRateThrottle):
    """Anonymous extractions per client: an IPv4 address, or an IPv6 address's /64."""

    scope = "extraction_anon"

    def get_ident(self, request: Request) -> str:
        return client_network(str(request.META.get("REMOTE_ADDR") or ""))


class ExtractionUserThrottle(_SharedWindowMixin, UserRateThrottle):
    """Signed-in extractions per user."""

    scope = "extraction_user"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class BatchUserThrottle(ExtractionUserThrottle):
    """Batches created per user."""

    scope = "batch_user"


def rate_limit_headers(throttle: _SharedWindowMixin) -> dict[str, str]:
    """Limit, requests left and the Unix time at which the oldest counted request expires."""
    count, oldest = throttle.window()
    return {
        "X-RateLimit-Limit": str(throttle.num_requests),
        "X-RateLimit-Remaining": str(max(0, throttle.num_requests - count)),
        "X-RateLimit-Reset": str(math.ceil(oldest + throttle.duration)),
    }


class RateLimitHeadersMixin:
    """For views with throttles: keep the throttles that counted this request and report on them.

    A view's anonymous throttle does not count a signed-in user (and the reverse), so the headers
    come from whichever throttle applied to the caller.
    """

    _applied_throttles: list[_SharedWindowMixin]

    def get_throttles(self) -> list[BaseThrottle]:
        throttles: list[BaseThrottle] = super().get_throttles()  # type: ignore[misc]
        self._applied_throttles = [t for t in throttles if isinstance(t, _SharedWindowMixin)]
        return throttles

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if "X-RateLimit-Limit" in response:
            return response  # a plan's quota refused the request and announced its own limit
        for throttle in getattr(self, "_applied_throttles", []):
            if getattr(throttle, "key", None):
                for name, value in rate_limit_headers(throttle).items():
                    response[name] = value
                break
        return response
