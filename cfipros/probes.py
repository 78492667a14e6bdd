"""Load-balancer and orchestrator probes, answered before host validation and the HTTPS redirect.

A probe reaches the pod by its IP address (a ``Host`` no one lists in ``ALLOWED_HOSTS``) and over
plain HTTP (no ``X-Forwarded-Proto``). Behind ``SecurityMiddleware`` and ``CommonMiddleware`` it
would get 400 or a 301 to https and mark a healthy instance dead. This middleware sits at the
front of the chain and hands ``/healthz`` and ``/readyz`` straight to their views, which read
neither the host nor the scheme, and it costs every other request one dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from cfipros.api import health

PROBES: dict[str, Callable[[HttpRequest], HttpResponseBase]] = {
    "/healthz": health.healthz,
    "/readyz": health.readyz,
}


class ProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
