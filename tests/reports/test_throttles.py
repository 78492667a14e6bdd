"""Rate limits: per-IP anonymous and per-user signed-in quotas, headers, 429 problems."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from unittest.mock import patch

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import override_settings
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from accounts.models import User
from extraction.api.throttles import BatchUserThrottle, ExtractionAnonThrottle
from tests.personas import client_for
from tests.reports.helpers import upload

pytestmark = pytest.mark.django_db


@contextmanager
def rates(**scopes: str) -> Iterator[None]:
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], **scopes}
    with override_settings(REST_FRAMEWORK=rest):
        yield


def test_every_throttled_response_carries_rate_limit_headers(
    pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = 1_773_478_800.0  # the throttle's clock, stopped: every request sees this instant
    monkeypatch.setattr(ExtractionAnonThrottle, "timer", lambda self: now)
    with rates(extraction_anon="3/hour"):
        first = upload(client_for(None), pdf)
        second = upload(client_for(None), pdf)
    assert first.status_code == second.status_code == 201
    assert first["X-RateLimit-Limit"] == "3"
    assert first["X-RateLimit-Remaining"] == "2"
    assert second["X-RateLimit-Remaining"] == "1"
    reset = int(first["X-RateLimit-Reset"])
    assert reset == now + 3600


def test_anonymous_quota_per_ip_then_429_problem_with_retry_after(pdf: bytes) -> None:
    with rates(extraction_anon="2/hour"):
        statuses = [upload(client_for(None), pdf).status_code for _ in range(2)]
        refused = upload(client_for(None), pdf)
        other_ip = upload(client_for(None), pdf, REMOTE_ADDR="10.1.2.3")
    assert statuses == [201, 201]
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert refused["X-RateLimit-Remaining"] == "0"
    assert refused["X-RateLimit-Limit"] == "2"
    assert other_ip.status_code == 201


def test_errors_count_towards_the_quota_too() -> None:
    with rates(extraction_anon="1/hour"):
        assert upload(client_for(None), b"").status_code == 422
        assert upload(client_for(None), b"").status_code == 429


def test_signed_in_quota_is_per_user_and_separate_from_anonymous(
    pdf: bytes, student: User, stranger: User
) -> None:
    with rates(extraction_anon="1/hour", extraction_user="2/day"):
        assert upload(client_for(None), pdf).status_code == 201
        assert upload(client_for(None), pdf).status_code == 429
        first = upload(client_for(student), pdf)
        assert first.status_code == 201
        assert first["X-RateLimit-Limit"] == "2" and first["X-RateLimit-Remaining"] == "1"
        assert upload(client_for(student), pdf).status_code == 200
        refused = upload(client_for(student), pdf)
        assert refused.status_code == 429
        assert 3600 < int(refused["Retry-After"]) <= 86400
        assert upload(client_for(stranger), pdf).status_code == 201


def test_rates_come_from_settings_at_request_time() -> None:
    make: Callable[[], BatchUserThrottle] = BatchUserThrottle
    with rates(batch_user="7/day"):
        throttle = make()
        assert (throttle.num_requests, throttle.duration) == (7, 86400)
    assert make().num_requests == int(
        settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["batch_user"].split("/")[0]
    )


def test_a_forged_forwarded_for_header_does_not_escape_the_ip_quota(pdf: bytes) -> None:
    with rates(extraction_anon="1/hour"):
        assert upload(client_for(None), pdf, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 201
        assert upload(client_for(None), pdf, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_the_key(pdf: bytes) -> None:
    with rates(extraction_anon="1/hour"), override_settings(NUM_PROXIES=1):
        assert upload(client_for(None), pdf, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 201
        assert upload(client_for(None), pdf, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
        assert upload(client_for(None), pdf, HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 201


def _anonymous_request(ip: str = "198.51.100.7") -> Request:
    return Request(APIRequestFactory().post("/api/v1/extractions", REMOTE_ADDR=ip))


def test_counters_are_one_sorted_set_per_client_in_redis(pdf: bytes) -> None:
    with rates(extraction_anon="5/hour"):
        upload(client_for(None), pdf, REMOTE_ADDR="198.51.100.9")
    client = cache._cache.get_client(None, write=False)  # type: ignore[attr-defined]
    key = "cfipros:throttle_extraction_anon_198.51.100.9"
    assert client.type(key) == b"zset"
    assert client.zcard(key) == 1
    assert 0 < client.ttl(key) <= 3600


def test_concurrent_requests_never_take_more_than_the_limit() -> None:
    """Several workers racing for the last slots: the window admits exactly the limit."""
    with rates(extraction_anon="5/hour"):

        def attempt(_: int) -> bool:
            return ExtractionAnonThrottle().allow_request(_anonymous_request(), view=None)  # type: ignore[arg-type]

        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(attempt, range(40)))
    assert outcomes.count(True) == 5


def test_without_redis_the_cache_window_applies_with_the_same_headers(pdf: bytes) -> None:
    locmem = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-test"}
    }
    with override_settings(CACHES=locmem), rates(extraction_anon="2/hour"):
        from rest_framework.throttling import SimpleRateThrottle

        with patch.object(SimpleRateThrottle, "cache", caches["default"]):
            first = upload(client_for(None), pdf)
            upload(client_for(None), pdf)
            refused = upload(client_for(None), pdf)
            caches["default"].clear()
    assert first.status_code == 201
    assert first["X-RateLimit-Limit"] == "2" and first["X-RateLimit-Remaining"] == "1"
    assert refused.status_code == 429
    assert refused["X-RateLimit-Remaining"] == "0"
    assert 3590 <= int(refused["Retry-After"]) <= 3600
