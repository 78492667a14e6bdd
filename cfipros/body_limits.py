"""Every request body is capped by its path, and a body announced larger is never read.

Django enforces its own limits only while it parses a body, by which time the bytes have been
received; multipart files are not even counted against ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and are
buffered in memory whole. So the cap is checked here, from ``Content-Length``, before anything
reads the body: ``MAX_REQUEST_BODY_BYTES`` (2 MB) everywhere, and for each prefix of
``UPLOAD_BODY_CAPS`` the named upload setting plus room for the multipart framing. A body over
its cap is answered 413 problem+json with ``Connection: close``, so the server need not read on.

A chunked body announces no length. Under WSGI Django reads no more than ``Content-Length`` (none,
so nothing) of it; under ASGI Django would spool it whole before any middleware runs, so
:class:`BodyLimitASGIMiddleware` wraps the ASGI application and stops receiving at the cap.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse

from cfipros.api.problems import PROBLEM_CONTENT_TYPE, problem_body

# Room for the multipart boundaries and part headers around the files themselves.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def body_cap(path: str) -> int:
    """The largest body accepted for ``path``, in bytes."""
    for prefix, setting in settings.UPLOAD_BODY_CAPS.items():
        if path.startswith(prefix):
            return int(getattr(settings, setting)) + MULTIPART_OVERHEAD_BYTES
    return int(settings.MAX_REQUEST_BODY_BYTES)


def _refusal(cap: int, path: str) -> dict[str, Any]:
    limit = f"{cap / (1024 * 1024):.3g} MB"
    return problem_body(
        413,
        f"The request body is larger than the {limit} this endpoint accepts.",
        code="payload_too_large",
        instance=path,
    )


class BodySizeLimitMiddleware:
    """Early in the chain: a body announced larger than its path's cap never gets read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        cap = body_cap(request.path_info)
        try:
            announced = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            announced = 0  # Django reads nothing of a body whose length it cannot parse
        if announced <= cap:
            return self.get_response(request)
        response = JsonResponse(_refusal(cap, request.path), status=413, content_type=PROBLEM_CONTENT_TYPE)
        response["Content-Length"] = str(len(response.content))
        response["Connection"] = "close"
        return response


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]  # Django's handler types its arguments narrower


class BodyLimitASGIMiddleware:
    """The same caps for an ASGI server, counted as the body arrives (chunked bodies included).

    Past the cap the client is answered 413 and the application is told the client went away,
    so Django stops reading and sends nothing of its own.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        cap = body_cap(path)
        headers = dict(scope.get("headers") or [])
        try:
            announced = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            announced = 0
        if announced > cap:
            await _send_refusal(send, cap, path)
            return

        received = 0
        refused = False

        async def bounded_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    refused = True
                    await _send_refusal(send, cap, path)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, bounded_receive, guarded_send)


async def _send_refusal(send: Send, cap: int, path: str) -> None:
    body = json.dumps(_refusal(cap, path)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_CONTENT_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
