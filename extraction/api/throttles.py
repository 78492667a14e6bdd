"""Rate limits of the extraction endpoints, and the ``X-RateLimit-*`` headers that announce them.

Counters live in the default cache (Redis in production) so every worker shares them. Rates are
read from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` on each request rather than once at import,
so configuration (and tests) can change them.
"""

from __future__ import annotations

import math
import time
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, SimpleRateThrottle, UserRateThrottle
from rest_framework.views import APIView


class _LiveRateMixin:
    scope: str

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)


class ExtractionAnonThrottle(_LiveRateMixin, AnonRateThrottle):
    """Anonymous extractions per client IP."""

    scope = "extraction_anon"


class ExtractionUserThrottle(_LiveRateMixin, UserRateThrottle):
    """Signed-in extractions per user."""

    scope = "extraction_user"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class BatchUserThrottle(ExtractionUserThrottle):
    """Batches created per user."""

    scope = "batch_user"


def rate_limit_headers(throttle: SimpleRateThrottle) -> dict[str, str]:
    """Limit, requests left and the Unix time at which the oldest counted request expires."""
    limit = int(getattr(throttle, "num_requests", 0) or 0)
    history: list[float] = list(getattr(throttle, "history", []))
    now = getattr(throttle, "now", time.time())
    duration = int(getattr(throttle, "duration", 0) or 0)
    reset = (history[-1] + duration) if history else now + duration
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(0, limit - len(history))),
        "X-RateLimit-Reset": str(math.ceil(reset)),
    }


class RateLimitHeadersMixin:
    """For views with throttles: keep the throttles that counted this request and report on them.

    A view's anonymous throttle does not count a signed-in user (and the reverse), so the headers
    come from whichever throttle applied to the caller.
    """

    _applied_throttles: list[SimpleRateThrottle]

    def get_throttles(self) -> list[BaseThrottle]:
        throttles: list[BaseThrottle] = super().get_throttles()  # type: ignore[misc]
        self._applied_throttles = [t for t in throttles if isinstance(t, SimpleRateThrottle)]
        return throttles

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        for throttle in getattr(self, "_applied_throttles", []):
            if getattr(throttle, "key", None):
                for name, value in rate_limit_headers(throttle).items():
                    response[name] = value
                break
        return response
