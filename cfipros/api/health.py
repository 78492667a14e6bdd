"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from cfipros.api.problems import PROBLEM_CONTENT_TYPE, problem_body


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process answers; nothing behind it is touched."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("readyz:probe", "1", timeout=5)
    if cache.get("readyz:probe") != "1":
        raise RuntimeError("cache did not return the value it stored")


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Database and cache/broker reachable; 503 naming each dependency that failed."""
    failed: list[str] = []
    for name, check in (("database", _check_database), ("cache", _check_cache)):
        try:
            check()
        except Exception:
            failed.append(name)
    if failed:
        body = problem_body(
            503, "Unavailable: " + ", ".join(failed) + ".", code="not_ready", instance=request.path
        )
        body["failed"] = failed
        return JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    return JsonResponse({"status": "ok", "checks": {"database": "ok", "cache": "ok"}})
