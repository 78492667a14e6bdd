"""HTTP caching of the catalogue's reads: ETag, Cache-Control, 304, and a server-side copy.

A catalogue answer depends on nothing but the catalogue's content and the request's URL (the
catalogue is public, JSON is its only representation, and its page links repeat the URL), so
its ETag is the catalogue's version stamp joined to a digest of the URL. A conditional request
is answered 304 before any query, and the rendered body is kept in the cache under the same
stamp: a load or an admin correction bumps the stamp, which changes every ETag and leaves the
old copies to expire unread.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.http import parse_etags
from redis.exceptions import RedisError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from extraction.api.catalog.local_copies import local_copies
from extraction.catalog.selectors import acs_catalog_version_get

logger = logging.getLogger(__name__)

# Clients and shared caches may reuse an answer for five minutes, then revalidate it with
# If-None-Match (a 304 costs the server no query). A catalogue load reaches them within that time.
MAX_AGE_SECONDS = 300
CACHE_CONTROL = f"public, max-age={MAX_AGE_SECONDS}"
# Server-side copies live an hour at most; a new stamp makes them unreachable sooner.
BODY_TTL_SECONDS = 3600
CACHE_PREFIX = "acs-catalog"


def catalog_etag(request: Request) -> tuple[str, str]:
    """The request's ETag and the cache key of its rendered answer."""
    version = acs_catalog_version_get()
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
    return f'"{version}.{digest}"', f"{CACHE_PREFIX}:{version}:{digest}"


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison, as If-None-Match asks (RFC 9110 13.1.2): a ``W/`` prefix does not count."""
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return "*" in tags or etag in {tag.removeprefix("W/") for tag in tags}


def catalog_response(request: Request, render: Callable[[], Response]) -> HttpResponseBase:
    """Answer a catalogue read: 304 when the client's copy is current, else the cached or new body.

    ``render`` is the view's own answer; it runs only on a cache miss, and an error it raises
    (422, 404) reaches the problem handler as usual. Only a 200 is cached. The cache is an
    accelerator: when it is down the answer is rendered as if it had missed.
    """
    etag, key = catalog_etag(request)
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return _cacheable(HttpResponseNotModified(), etag)
    body = _cache_get(key)
    if body is None:
        response = render()
        if response.status_code != 200:
            return response
        body = JSONRenderer().render(response.data)
        _cache_set(key, body)
    return _cacheable(HttpResponse(body, content_type="application/json"), etag)


def _cacheable(response: HttpResponseBase, etag: str) -> HttpResponseBase:
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _cache_get(key: str) -> bytes | None:
    """The worker's own copy, else the shared one (kept by the worker from then on)."""
    body = local_copies.get(key)
    if body is not None:
        return body
    try:
        value = cache.get(key)
    except (RedisError, OSError):
        logger.warning("catalogue cache unavailable; answering uncached", exc_info=True)
        return None
    if not isinstance(value, bytes):
        return None
    local_copies.put(key, value)
    return value


def _cache_set(key: str, body: bytes) -> None:
    local_copies.put(key, body)
    try:
        cache.set(key, body, BODY_TTL_SECONDS)
    except (RedisError, OSError):
        logger.warning("catalogue cache unavailable; answer not kept", exc_info=True)
