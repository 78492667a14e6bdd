"""RFC 7807 ``application/problem+json`` for every error the API returns.

Domain errors (:mod:`cfipros.errors`) raised by services and DRF exceptions both go through
:func:`problem_exception_handler`; :data:`DOMAIN_STATUS` is the one place a domain error gets its
HTTP status. Errors raised outside DRF views (unknown URLs, oversized bodies, crashes) go through
the Django handlers at the bottom, so a client never sees an HTML page or a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cfipros import errors as domain
from cfipros.request_id import current_request_id

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://cfipros.com/problems/"


def problem_response(description: str) -> OpenApiResponse:
    """An error only the view's service knows of (409, 410, a 403 of its own), or a more precise
    meaning of a generic one; ``cfipros.api.schema.ProblemAutoSchema`` adds the ``Problem`` body."""
    return OpenApiResponse(description=description)


TITLES = {
    400: "Bad request",
    401: "Authentication required",
    402: "Payment required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    410: "Gone",
    413: "Payload too large",
    414: "URI too long",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class ProblemError(exceptions.APIException):
    """An API error with an explicit status, a stable machine code and an optional field map."""

    def __init__(
        self,
        status_code: int,
        code: str,
        detail: str,
        *,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.problem_code = code
        self.errors = errors
        self.headers = headers or {}
        self.extensions = extensions or {}


class UnprocessableEntity(ProblemError):
    def __init__(self, code: str, detail: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(422, code, detail, errors=errors)


# The HTTP status of each family of domain errors; a subclass takes its nearest family's.
DOMAIN_STATUS: dict[type[domain.DomainError], int] = {
    domain.Invalid: 422,
    domain.TooLarge: 413,
    domain.UnsupportedType: 415,
    domain.Unauthenticated: 401,
    domain.Forbidden: 403,
    domain.NotFound: 404,
    domain.Gone: 410,
    domain.Conflict: 409,
    domain.Unavailable: 503,
    domain.QuotaExceeded: 429,
    domain.PaymentRequired: 402,
}


def domain_status(exc: domain.DomainError) -> int:
    """The status of ``exc``'s nearest class in :data:`DOMAIN_STATUS` (500 for an unmapped one)."""
    for cls in type(exc).__mro__:
        if cls in DOMAIN_STATUS:
            return DOMAIN_STATUS[cls]
    return 500


def problem_from_domain(exc: domain.DomainError) -> ProblemError:
    """The API exception that renders ``exc``, with its challenge when it asks for credentials and
    its ``Retry-After`` when a quota frees up with time."""
    headers: dict[str, str] = {}
    if isinstance(exc, domain.Unauthenticated):
        headers["WWW-Authenticate"] = exc.scheme
    if isinstance(exc, domain.QuotaExceeded) and exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, domain.PlanQuotaExceeded):
        headers["X-RateLimit-Limit"] = str(exc.limit)
        headers["X-RateLimit-Remaining"] = "0"
        headers["X-RateLimit-Reset"] = str(exc.reset_at)
    extensions = {"required_plan": exc.required_plan} if isinstance(exc, domain.PlanRequired) else None
    return ProblemError(
        domain_status(exc), exc.code, exc.detail, errors=exc.errors, headers=headers, extensions=extensions
    )


def problem_body(
    status_code: int,
    detail: str,
    *,
    code: str | None = None,
    instance: str = "",
    errors: dict[str, Any] | None = None,
) -> dict[str, Any]:
    slug = code or TITLES.get(status_code, "error").lower().replace(" ", "-")
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug.replace("_", "-"),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        "instance": instance,
        "code": slug,
    }
    if errors is not None:
        body["errors"] = errors
    # The X-Request-ID of the answer, so a user who reports the error can be matched to the logs.
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    return body


def _flatten_detail(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _flatten_detail(detail[0])
    if isinstance(detail, dict) and detail:
        return _flatten_detail(next(iter(detail.values())))
    return str(detail)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render domain errors and DRF exceptions as problem+json; validation errors become 422."""
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, domain.DomainError):
        exc = problem_from_domain(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        exc = ProblemError(*suspicious_problem(exc))

    response = exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error on %s", request.path if request is not None else "?")
        body = problem_body(500, "An unexpected error occurred.", code="server_error", instance=instance)
        return Response(body, status=500, content_type=PROBLEM_CONTENT_TYPE)

    assert isinstance(exc, exceptions.APIException)
    errors: dict[str, Any] | None = None
    code: str | None = None
    status_code = response.status_code
    if isinstance(exc, ProblemError):
        code, errors, detail = exc.problem_code, exc.errors, str(exc.detail)
        for name, value in exc.headers.items():
            response[name] = value
    elif isinstance(exc, exceptions.ValidationError):
        status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
        code = "invalid_input"
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        detail = _flatten_detail(exc.detail) if errors else "Invalid input."
        detail = "The request has invalid fields: " + ", ".join(errors) + "." if errors else detail
    else:
        detail = _flatten_detail(exc.detail)
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else None
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response["WWW-Authenticate"] = response.get("WWW-Authenticate") or "Bearer"
        status_code = 401
    response.status_code = status_code
    response.data = problem_body(status_code, detail, code=code, instance=instance, errors=errors)
    if isinstance(exc, ProblemError):
        response.data.update(exc.extensions)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _django_problem(request: HttpRequest, status_code: int, detail: str, code: str) -> JsonResponse:
    body = problem_body(status_code, detail, code=code, instance=request.get_full_path())
    return JsonResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


# Django's refusals of a request it will not parse (SuspiciousOperation and its family): the
# client's error, so a 4xx and one line in the log, never a traceback.
SUSPICIOUS: dict[type[SuspiciousOperation], tuple[int, str, str]] = {
    RequestDataTooBig: (413, "payload_too_large", "The request body is larger than allowed."),
    TooManyFilesSent: (413, "too_many_files", "The request carries more files than allowed."),
    TooManyFieldsSent: (413, "too_many_fields", "The request carries more form fields than allowed."),
}


def suspicious_problem(exc: SuspiciousOperation) -> tuple[int, str, str]:
    """Status, code and detail for a refused request, and one warning line (without traceback)
    on Django's ``django.security.<class>`` logger, where Django itself would have logged it."""
    status_code, code, detail = next(
        (answer for cls, answer in SUSPICIOUS.items() if isinstance(exc, cls)),
        (400, "bad_request", "The request could not be understood."),
    )
    logging.getLogger(f"django.security.{type(exc).__name__}").warning(
        "%s refused with %d: %s", type(exc).__name__, status_code, exc
    )
    return status_code, code, detail


def handler400(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """Django's 400s, the SuspiciousOperation family among them (too many files or fields, a body
    too large to parse, a bad Host header). Django would log those again with their traceback; the
    answer is marked as logged, since :func:`suspicious_problem` already wrote its line."""
    if not isinstance(exception, SuspiciousOperation):
        return _django_problem(request, 400, "The request could not be understood.", "bad_request")
    status_code, code, detail = suspicious_problem(exception)
    response = _django_problem(request, status_code, detail, code)
    response._has_been_logged = True  # type: ignore[attr-defined]  # read by django.utils.log
    return response


def handler403(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _django_problem(request, 403, "You do not have permission to do this.", "permission_denied")


def handler404(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _django_problem(request, 404, "No resource at this address.", "not_found")


def handler500(request: HttpRequest) -> JsonResponse:
    return _django_problem(request, 500, "An unexpected error occurred.", "server_error")
