"""The admin login's lockout (django-axes): which client a failed attempt is counted against."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def admin_login_client_ip(request: HttpRequest) -> str | None:
    """The client address of a login attempt, read as the API's throttles read it.

    Behind ``NUM_PROXIES`` trusted proxies that is the address they put in ``X-Forwarded-For``;
    otherwise the socket's peer, since a client could write any ``X-Forwarded-For`` it likes.
    ``None`` for a login without a peer (``force_login`` in tests, a management command).
    """
    ident = BaseThrottle().get_ident(request)  # type: ignore[arg-type]
    return str(ident) if ident else None
