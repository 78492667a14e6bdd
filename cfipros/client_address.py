"""Who the client of a request is, resolved once, before anything counts or logs it.

Behind proxies the socket's peer (``REMOTE_ADDR``) is the nearest proxy, and the client is in
``X-Forwarded-For``, which the client can also write. Two ways to read it, chosen in settings
(production requires one of them, ``cfipros.settings.production``):

- ``NUM_PROXIES = N``: N proxies each append the address they received from, so the N-th entry
  from the right was written by our outermost proxy; anything left of it may be forged.
- ``TRUSTED_PROXIES = [networks]``: walk from the peer leftwards through ``X-Forwarded-For`` while
  the address is one of our proxies; the first that is not is the client. This holds when the
  number of hops varies (a CDN in front of some requests only).

``ClientAddressMiddleware`` writes the result into ``REMOTE_ADDR``, so the throttles, the admin
lockout and every other reader see the same client; DRF's own ``NUM_PROXIES`` stays 0 so nothing
reads the header twice. A throttle keys an IPv6 client by its /64 (:func:`client_network`): one
subscriber usually holds a whole /64, and counting per address would let it rotate past a limit.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPV6_CLIENT_PREFIX = 64


def parse_address(raw: str) -> IPAddress | None:
    """An address as proxies write it (``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443``);
    IPv4-mapped IPv6 as the IPv4 address it carries; None when it is none of these."""
    text = raw.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def client_address(meta: Mapping[str, Any]) -> str:
    """The client's address for a request's WSGI environ, following the configured proxies."""
    peer = str(meta.get("REMOTE_ADDR") or "")
    forwarded = [hop for hop in str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if hop.strip()]
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    if trusted:
        return _behind_trusted(peer, forwarded, trusted)
    proxies = int(settings.NUM_PROXIES)
    if proxies and forwarded:
        address = parse_address(forwarded[-min(proxies, len(forwarded))])
        if address is not None:
            return str(address)
    parsed = parse_address(peer)
    return str(parsed) if parsed is not None else peer


def _behind_trusted(
    peer: str, forwarded: list[str], trusted: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> str:
    candidate = parse_address(peer)
    if candidate is None:
        return peer
    for hop in reversed(forwarded):
        if not any(candidate in network for network in trusted):
            break
        previous = parse_address(hop)
        if previous is None:  # a proxy of ours wrote no address: the last one known stands
            break
        candidate = previous
    return str(candidate)


def client_network(address: str) -> str:
    """What a per-client limit counts: an IPv4 address itself, an IPv6 address's /64."""
    parsed = parse_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False))
    return str(parsed) if parsed is not None else address


class ClientAddressMiddleware:
    """First readers of ``REMOTE_ADDR`` come after this: it holds the client from here on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request.META["REMOTE_ADDR"] = client_address(request.META)
        return self.get_response(request)
