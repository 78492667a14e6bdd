"""Domain errors: what services and selectors raise when a request cannot be honoured.

Services speak of the domain (something is missing, already taken, invalid, refused, out of
reach) and never of HTTP; :mod:`cfipros.api.problems` maps each class to one problem+json answer
(status, title, ``type`` from ``code``) in one place, so views need no translating try/except.
This module imports nothing from Django or DRF, so every app (and any plain script) may use it.

Every error carries:

- ``code``: the stable machine code clients match on (it also names the problem ``type``);
  each class has a default, and an instance may narrow it (``Invalid(detail, code="no_files")``).
- ``detail``: one sentence for a person, saying what went wrong and how to fix it.
- ``errors``: optionally, the fields at fault, ``{"field": ["message", ...]}``.

To add an error: subclass the family that says what happened (a missing thing is a
:class:`NotFound`, a refused size is a :class:`TooLarge`), give it a ``code`` and a
``default_detail``, and raise it from the service. Only a new *family* with a status of its own
needs an entry in ``cfipros.api.problems.DOMAIN_STATUS``; a subclass inherits its family's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

__all__ = [
    "Conflict",
    "DomainError",
    "Forbidden",
    "Gone",
    "Invalid",
    "NotFound",
    "PaymentRequired",
    "PlanQuotaExceeded",
    "PlanRequired",
    "QuotaExceeded",
    "TooLarge",
    "Unauthenticated",
    "Unavailable",
    "UnsupportedType",
]


class DomainError(Exception):
    """Base of every error a user can cause or meet; never raised itself."""

    code: ClassVar[str] = "error"
    default_detail: ClassVar[str] = "The request could not be completed."

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.detail = detail or self.default_detail
        if code is not None:
            self.code = code  # type: ignore[misc]  # an instance may narrow its class's code
        self.errors = {name: list(messages) for name, messages in errors.items()} if errors else None
        super().__init__(self.detail)


class NotFound(DomainError):
    """Nothing the caller may see answers to this name or id."""

    code = "not_found"
    default_detail = "Not found."


class Gone(NotFound):
    """It existed, and has expired or been removed for good."""

    code = "gone"
    default_detail = "This resource no longer exists."


class Conflict(DomainError):
    """The request contradicts the current state (already claimed, already received...)."""

    code = "conflict"
    default_detail = "The request conflicts with the current state."


class Invalid(DomainError):
    """The input breaks a rule: a field, a limit, a document that cannot be read."""

    code = "invalid_input"
    default_detail = "Invalid input."


class TooLarge(Invalid):
    """The input is bigger than allowed (bytes, pages, pixels, files)."""

    code = "payload_too_large"
    default_detail = "The input is larger than allowed."


class UnsupportedType(Invalid):
    """The input is of a kind this service does not take."""

    code = "unsupported_type"
    default_detail = "This type of input is not supported."


class Forbidden(DomainError):
    """The caller is known, and not allowed to do this."""

    code = "permission_denied"
    default_detail = "You do not have permission to do this."


class Unauthenticated(DomainError):
    """The caller (or the sender of a webhook) could not be identified.

    ``scheme`` names how to authenticate (``Bearer``, ``Svix``), for the challenge.
    """

    code = "not_authenticated"
    default_detail = "Authentication credentials were not provided or are invalid."

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
        scheme: str = "Bearer",
    ) -> None:
        super().__init__(detail, code=code, errors=errors)
        self.scheme = scheme


class Unavailable(DomainError):
    """Something the request needs (a queue, a store, a configuration) is not there right now."""

    code = "service_unavailable"
    default_detail = "This is unavailable right now; try again shortly."


class QuotaExceeded(DomainError):
    """The caller has used up a quota that frees up with time; ``retry_after`` says when, in seconds."""

    code = "quota_exceeded"
    default_detail = "You have used up this allowance for now; try again later."

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail, code=code, errors=errors)
        self.retry_after = retry_after


class PlanQuotaExceeded(QuotaExceeded):
    """A counter of the caller's plan is used up until ``reset_at`` (Unix time); ``limit`` is its size."""

    code = "quota_exceeded"
    default_detail = "You have used up your plan's allowance for now; try again later or upgrade."

    def __init__(self, detail: str | None = None, *, limit: int, reset_at: int, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.limit = limit
        self.reset_at = reset_at


class PlanRequired(Forbidden):
    """The caller's plan does not include this feature; ``required_plan`` is the cheapest that does."""

    code = "plan_required"
    default_detail = "Your plan does not include this; upgrade to use it."

    def __init__(self, detail: str | None = None, *, required_plan: str | None) -> None:
        super().__init__(detail)
        self.required_plan = required_plan


class PaymentRequired(DomainError):
    """What was asked needs more than has been paid for (an organization out of seats)."""

    code = "payment_required"
    default_detail = "Your plan has no room for this; add seats or upgrade."
