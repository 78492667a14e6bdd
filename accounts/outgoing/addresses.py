"""The SSRF guard: where a webhook may be sent.

An endpoint's URL is checked when it is registered or changed and again before every attempt,
after DNS resolution: ``https`` only, no credentials in the URL, and every address the host name
resolves to must be a public one (not private, loopback, link-local, multicast, reserved or
unspecified). The attempt then connects to the address that was checked (see
:mod:`accounts.outgoing.transport`), so a name that resolves differently a moment later (DNS
rebinding) cannot steer the request elsewhere. ``WEBHOOKS_ALLOW_PRIVATE`` (development and tests)
also admits ``http`` and private and loopback addresses; link-local, multicast and unspecified
addresses stay refused even then.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from cfipros.errors import Invalid

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2000
_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?")


@dataclass(frozen=True)
class Target:
    """Where one attempt goes: the URL's parts and the checked address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def _refuse(detail: str, code: str) -> Invalid:
    return Invalid(detail, code=code, errors={"url": [detail]})


def address_allowed(address: Address, *, allow_private: bool) -> bool:
    """Whether a webhook may be sent to ``address``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_multicast or address.is_unspecified or address.is_link_local:
        return False
    if address.is_global and not address.is_reserved:
        return True
    return allow_private and (address.is_private or address.is_loopback)


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def url_parts(url: str) -> tuple[str, str, int, str]:
    """Scheme, host, port and path-with-query of a URL a webhook may use; ``Invalid`` otherwise."""
    allow_private = bool(settings.WEBHOOKS_ALLOW_PRIVATE)
    if len(url) > MAX_URL_LENGTH or any(not "!" <= ch <= "~" for ch in url):
        message = "Give the URL in at most 2000 printable ASCII characters (percent-encode the rest)."
        raise _refuse(message, "webhook_url_invalid")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse("This is not a usable URL.", "webhook_url_invalid") from None
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        raise _refuse("A webhook endpoint must use https.", "webhook_url_not_https")
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None:
        raise _refuse("Put no user name or password in the URL.", "webhook_url_invalid")
    if "#" in url or not host:
        raise _refuse("Give a URL with a host name and no fragment (#).", "webhook_url_invalid")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOST_NAME.fullmatch(host):
            raise _refuse("The host name is not valid.", "webhook_url_invalid") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def target_resolve(url: str) -> Target:
    """Check ``url`` and resolve its host; ``Invalid`` when it may not be used, or names no
    address, or any address it names is forbidden (a name is not trusted for some of them)."""
    scheme, host, port, path = url_parts(url)
    allow_private = bool(settings.WEBHOOKS_ALLOW_PRIVATE)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        addresses = []
    if not addresses:
        raise _refuse(f"The host {host} does not resolve to any address.", "webhook_url_unresolvable")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not address_allowed(address, allow_private=allow_private):
            raise _refuse(
                "Webhooks are sent to public addresses only; this host resolves to a private, "
                "loopback, link-local or reserved address.",
                "webhook_url_forbidden_address",
            )
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
