"""What the study plan views read from a request: the signed-in user and the ``?format=`` asked for."""

from __future__ import annotations

from collections.abc import Sequence

from rest_framework.request import Request

from accounts.models import User
from cfipros.errors import Invalid


def request_user(request: Request) -> User:
    """The signed-in user (every view here requires authentication)."""
    assert isinstance(request.user, User)
    return request.user


def requested_format(request: Request, allowed: Sequence[str], default: str | None) -> str:
    """``?format=`` when it is one of ``allowed``; ``default`` without it (required when None)."""
    value = request.query_params.get("format")
    if value is None:
        if default is None:
            raise Invalid("Give ?format=" + "|".join(allowed) + ".", code="invalid_format")
        return default
    if value not in allowed:
        raise Invalid(
            f"Unknown format {value!r}; use one of: " + ", ".join(allowed) + ".",
            code="invalid_format",
            errors={"format": [f"Must be one of: {', '.join(allowed)}."]},
        )
    return value
