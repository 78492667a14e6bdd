"""The admin login's lockout (django-axes): which client a failed attempt is counted against."""

from __future__ import annotations

from django.http import HttpRequest


def admin_login_client_ip(request: HttpRequest) -> str | None:
    """The client of a login attempt: ``REMOTE_ADDR``, as ``cfipros.client_address`` resolved it
    behind the trusted proxies, the address the throttles count too.

    Named explicitly so that axes never reads ``X-Forwarded-For`` on its own (it would, were
    django-ipware installed), since a client writes whatever it likes there. ``None`` for a login
    without a peer (``force_login`` in tests, a management command).
    """
    return request.META.get("REMOTE_ADDR") or None
