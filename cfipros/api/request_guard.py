"""Refuse a URL no view can read, before routing, filters or the database see it.

- 400 for a path or query string with a NUL byte or bytes that are not UTF-8. Django decodes a
  query string leniently (bad bytes become U+FFFD) and hands a NUL on to the filters, where
  PostgreSQL refuses it with an error that would surface as a 500.
- 400 for a query parameter given more than once. Every parameter of the API takes one value, and
  Django would silently read the last; a parameter that takes several must be named in
  :data:`REPEATABLE_PARAMETERS`.
- 414 for a URL longer than :data:`MAX_URL_BYTES`, far above any URL the contract allows (the
  longest parameter, ``search``, is 200 characters) and above what a proxy in front usually lets
  through, so what gets here is bounded even where gunicorn leaves the request line unbounded.

Whatever the endpoint, so a new filter or path parameter is covered without doing anything; each
answer is problem+json, as the contract documents on every operation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from urllib.parse import parse_qsl, unquote_to_bytes

from django.http import HttpRequest, HttpResponseBase, JsonResponse

from cfipros.api.problems import PROBLEM_CONTENT_TYPE, problem_body

MAX_URL_BYTES = 32 * 1024
REPEATABLE_PARAMETERS: frozenset[str] = frozenset()


def _readable(raw: bytes) -> bool:
    """UTF-8 without a NUL byte."""
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def url_problem(environ: dict[str, object]) -> tuple[int, str, str] | None:
    """``(status, code, detail)`` when the URL of a request cannot be read, else None.

    WSGI hands both parts over as latin-1 strings of the raw bytes; the query string is still
    percent-encoded, the path already decoded.
    """
    path = str(environ.get("PATH_INFO", ""))
    query = str(environ.get("QUERY_STRING", ""))
    if len(path) + len(query) > MAX_URL_BYTES:
        return 414, "uri_too_long", f"The URL is longer than the {MAX_URL_BYTES} bytes this API reads."
    if not _readable(path.encode("latin-1", errors="replace")):
        return 400, "malformed_path", "The path contains a NUL byte or bytes that are not UTF-8."
    if not query:
        return None
    if not _readable(unquote_to_bytes(query.encode("latin-1", errors="replace").replace(b"+", b" "))):
        return 400, "malformed_query", "The query string contains a NUL byte or bytes that are not UTF-8."
    counts = Counter(name for name, _ in parse_qsl(query, keep_blank_values=True))
    repeated = sorted(name for name, n in counts.items() if n > 1 and name not in REPEATABLE_PARAMETERS)
    if repeated:
        return 400, "repeated_parameter", f"Give each query parameter once: {', '.join(repeated)} repeats."
    return None


class MalformedRequestMiddleware:
    """Early in the chain, after the request id and CORS, so the refusal carries both."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        problem = url_problem(request.META)
        if problem is None:
            return self.get_response(request)
        status, code, detail = problem
        body = problem_body(status, detail, code=code, instance=request.path[:200])
        return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)
