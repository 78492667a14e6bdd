"""The ``X-Request-ID`` of each request: accepted from the caller or made here, and echoed back.

The id is held in a context variable for the length of the request, so every log line written
while answering it (``cfipros.logs``) and every problem body (``cfipros.api.problems``) carries
it, and a user who quotes it can be matched to the log. A caller's id is kept only when it is
short and made of safe characters; anything else is replaced, so logs never receive a forged
line break or an unbounded value.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponseBase

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
MAX_LENGTH = 128
_SAFE = re.compile(r"[A-Za-z0-9._:@+=/-]+")

_request_id: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    """The id of the request (or task) being handled in this context; empty outside one."""
    return _request_id.get()


def valid_request_id(value: str) -> bool:
    return len(value) <= MAX_LENGTH and _SAFE.fullmatch(value) is not None


def new_request_id() -> str:
    return uuid.uuid4().hex


def bind_request_id(value: str) -> Callable[[], None]:
    """Make ``value`` the current id until the returned function is called."""
    token = _request_id.set(value)
    return lambda: _request_id.reset(token)


class RequestIdMiddleware:
    """First in the chain, so that every answer, even a refused host or a probe, carries the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        offered = request.META.get(META_KEY)
        request_id = offered if isinstance(offered, str) and valid_request_id(offered) else new_request_id()
        request.META[META_KEY] = request_id
        unbind = bind_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            unbind()
        response[HEADER] = request_id
        return response
