"""HTTP caching of the catalogue's reads: ETag, Cache-Control, 304, and a server-side copy.

A catalogue answer depends on nothing but the catalogue's content and the request's URL (the
catalogue is public, JSON is its only representation, and its page links repeat the URL), so
its ETag is the catalogue's version stamp joined to a keyed digest of the URL. A conditional
request naming that ETag is answered 304 before any query, and the rendered body is kept in the
cache under the same stamp: a load or an admin correction bumps the stamp, which changes every
ETag and leaves the old copies to expire unread. Only a 200 hands out an ETag and nobody without
the secret key can make one, so a 304 never stands in for the 404 or 422 of a URL that has no
answer; ``If-None-Match: *`` ("any current representation") gets its 304 only once the URL is
known to have one.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.http import parse_etags
from redis.exceptions import RedisError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from cfipros.api.problems import ProblemError
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
# What If-None-Match may hold: ETags (or ``*``), visible ASCII and spaces, as a client copies them
# from an ETag header; anything else is refused (400) rather than read as "no match".
IF_NONE_MATCH_PATTERN = r"^[\x20-\x7e]{1,1024}$"
_IF_NONE_MATCH = re.compile(IF_NONE_MATCH_PATTERN.removesuffix("$"))


def catalog_etag(request: Request) -> tuple[str, str]:
    """The request's ETag and the cache key of its rendered answer."""
    version = acs_catalog_version_get()
    uri = request.build_absolute_uri().encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), uri, hashlib.sha256).hexdigest()[:32]
    return f'"{version}.{digest}"', f"{CACHE_PREFIX}:{version}:{digest}"


def etag_matches(if_none_match: str | None, etag: str, *, any_tag: bool = False) -> bool:
    """Weak comparison, as If-None-Match asks (RFC 9110 13.1.2): a ``W/`` prefix does not count.
    ``*`` matches only when ``any_tag`` says the URL has a representation."""
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return ("*" in tags and any_tag) or etag in {tag.removeprefix("W/") for tag in tags}


def catalog_response(request: Request, render: Callable[[], Response]) -> HttpResponseBase:
    """Answer a catalogue read: 304 when the client's copy is current, else the cached or new body.

    ``render`` is the view's own answer; it runs only on a cache miss, and an error it raises
    (422, 404) reaches the problem handler as usual. Only a 200 is cached. The cache is an
    accelerator: when it is down the answer is rendered as if it had missed.
    """
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and not _IF_NONE_MATCH.fullmatch(if_none_match):
        detail = "If-None-Match holds ETags: at most 1024 visible ASCII characters and spaces."
        raise ProblemError(400, "invalid_if_none_match", detail)
    etag, key = catalog_etag(request)
    if etag_matches(if_none_match, etag):
        return _cacheable(HttpResponseNotModified(), etag)
    body = _cache_get(key)
    if body is None:
        response = render()
        if response.status_code != 200:
            return response
        body = JSONRenderer().render(response.data)
        _cache_set(key, body)
    if etag_matches(if_none_match, etag, any_tag=True):
        return _cacheable(HttpResponseNotModified(), etag)
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
