"""The contract's error answers, derived from what each view does rather than listed by hand.

Every operation gets, besides what its ``extend_schema`` declares, each error status its
machinery can produce, and every 4xx and 5xx answer is the ``Problem`` schema as
``application/problem+json`` (:mod:`cfipros.api.problems` writes exactly that body):

- 400 and 414: always. A query string or path with a NUL byte or bytes that are not UTF-8, a
  repeated query parameter, an overlong URL (:mod:`cfipros.api.request_guard`), a body that does
  not parse, a request Django finds suspicious.
- 401: the view authenticates. A bad credential is refused even where none is required.
- 403: a cookie session sends an unsafe method without its CSRF token.
- 404: the path names a resource.
- 406: the view negotiates its answer from ``Accept`` (``JSONOnlyNegotiation`` does not).
- 413, 415: the operation takes a body (size caps; a media type no parser reads).
- 422: the operation takes input: a body or query parameters.
- 429: the view throttles this action.
- more from an authentication scheme: ``problem_statuses`` on its
  ``OpenApiAuthenticationExtension`` (Clerk: 503 when its keys cannot be fetched).

A view adds what only its service knows (409, 410, a 403 of its own) in ``extend_schema``
``responses`` with :func:`cfipros.api.problems.problem_response`; a declared description wins
over the default one.
So a new endpoint documents its generic errors without doing anything, and the contract tests
(``tests/contract/``) fail if an answer the fuzzer meets is missing.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import authentication
from rest_framework.negotiation import DefaultContentNegotiation

from cfipros.api.problems import PROBLEM_BASE, PROBLEM_CONTENT_TYPE, TITLES
from cfipros.request_id import HEADER as REQUEST_ID_HEADER
from cfipros.request_id import MAX_LENGTH as REQUEST_ID_MAX_LENGTH

PROBLEM_COMPONENT = "Problem"
PROBLEM_REF = {"$ref": f"#/components/schemas/{PROBLEM_COMPONENT}"}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "An error, as RFC 9457 problem details. `code` is the stable machine code to match on; "
        "`type` is the same code as a URI; `errors` names the fields at fault; `request_id` is "
        "the answer's `X-Request-ID`, to quote when reporting the error."
    ),
    "properties": {
        "type": {"type": "string", "format": "uri", "example": f"{PROBLEM_BASE}not-found"},
        "title": {"type": "string", "example": "Not found"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "example": 404},
        "detail": {"type": "string", "example": "No report has this id."},
        "instance": {
            "type": "string",
            "description": "The path and query string of the request.",
            "example": "/api/v1/reports/0b6f3c1e-8d4a-4f0e-9a57-2f9d5c1b7e42",
        },
        "code": {"type": "string", "pattern": r"^[a-z][a-z0-9_-]*$", "example": "not_found"},
        "errors": {
            "type": "object",
            "description": "The fields at fault, each with its messages (nested for list items).",
            "additionalProperties": {},
            "example": {"report_ids": ["This list may not be empty."]},
        },
        "request_id": {
            "type": "string",
            "maxLength": REQUEST_ID_MAX_LENGTH,
            "example": "5f0c2b7e9d8a4c1b8e3f6a2d1c0b9e8f",
        },
    },
    "required": ["type", "title", "status", "detail", "instance", "code", "request_id"],
}

# What each status means when the view says nothing more precise.
DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: (
        "The request cannot be read: a query string or path with a NUL byte or bytes that are "
        "not UTF-8, a repeated query parameter, or a body that does not parse"
    ),
    401: "Missing, expired or invalid credentials; see WWW-Authenticate",
    403: "A cookie-session request without its CSRF token",
    404: "Nothing the caller may see has this id",
    406: "No representation matches the Accept header",
    413: "The body is larger than this endpoint accepts",
    414: "The URL is longer than the API reads",
    415: "A body media type this endpoint does not read",
    422: "Invalid input; `errors` names the fields at fault",
    429: "Rate limit reached; see Retry-After",
    503: "A service this request needs is unavailable; try again shortly",
}

# Response headers, as components every answer refers to.
HEADERS: dict[str, dict[str, Any]] = {
    "RequestId": {
        "schema": {"type": "string", "maxLength": REQUEST_ID_MAX_LENGTH},
        "description": "The request's id: the caller's own when it sent a safe one, else a new one.",
        "required": True,
    },
    "Location": {"schema": {"type": "string"}, "description": "Where the resource (or its progress) is."},
    "WWWAuthenticate": {"schema": {"type": "string"}, "description": "The authentication scheme to use."},
    "RetryAfter": {"schema": {"type": "integer", "minimum": 0}, "description": "Seconds to wait."},
}
HEADERS_BY_STATUS: dict[str, dict[str, str]] = {
    "201": {"Location": "Location"},
    "202": {"Location": "Location"},
    "401": {"WWW-Authenticate": "WWWAuthenticate"},
    "429": {"Retry-After": "RetryAfter"},
}

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the error answers every operation can give."""

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        self._register_components(registry)
        responses: dict[str, Any] = operation["responses"]
        for status, description in self.problem_statuses(operation).items():
            responses.setdefault(str(status), {"description": description})
        for code, response in responses.items():
            names = {REQUEST_ID_HEADER: "RequestId", **HEADERS_BY_STATUS.get(code, {})}
            headers = {header: {"$ref": f"#/components/headers/{name}"} for header, name in names.items()}
            response["headers"] = {**headers, **response.get("headers", {})}
            if int(code) >= 400:
                response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": PROBLEM_REF}}
                response["description"] = response.get("description") or DEFAULT_DESCRIPTIONS.get(
                    int(code), TITLES.get(int(code), "Error")
                )
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    @staticmethod
    def _register_components(registry: Any) -> None:
        registry.register_on_missing(
            ResolvedComponent(
                name=PROBLEM_COMPONENT,
                type=ResolvedComponent.SCHEMA,
                object=PROBLEM_COMPONENT,
                schema=PROBLEM_SCHEMA,
            )
        )
        for name, header in HEADERS.items():
            registry.register_on_missing(
                ResolvedComponent(
                    name=name, type=ResolvedComponent.HEADER, object=f"header:{name}", schema=header
                )
            )

    def _map_serializer(self, serializer: Any, direction: Any, bypass_extensions: bool = False) -> Any:
        """A request body's component, plus what its serializer checks beyond its fields
        (``request_schema_extra``, e.g. no unknown property, at least one property)."""
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        extra = getattr(serializer, "request_schema_extra", None)
        if direction == "request" and extra:
            schema.update(extra)
        return schema

    def _get_request_for_media_type(self, serializer: Any, direction: Any = "request") -> Any:
        """A body that must hold a property (``minProperties``) cannot be left out either."""
        schema, required = super()._get_request_for_media_type(serializer, direction)
        extra = getattr(serializer, "request_schema_extra", None) or {}
        return schema, required or bool(extra.get("minProperties"))

    def problem_statuses(self, operation: dict[str, Any]) -> dict[int, str]:
        """The error statuses this operation's machinery can answer, with their default meaning."""
        statuses = {400, 414}
        authenticators = self.view.get_authenticators()
        extra: dict[int, str] = {}
        if authenticators:
            statuses.add(401)
        for authenticator in authenticators:
            csrf = isinstance(authenticator, authentication.SessionAuthentication)
            if csrf and self.method in UNSAFE_METHODS:
                statuses.add(403)
            scheme = OpenApiAuthenticationExtension.get_match(authenticator)
            extra.update(getattr(scheme, "problem_statuses", {}))
        if "{" in self.path:
            statuses.add(404)
        if self._negotiates_from_accept():
            statuses.add(406)
        has_body = "requestBody" in operation
        if has_body:
            statuses.update({413, 415})
        if has_body or any(p.get("in") == "query" for p in operation.get("parameters", [])):
            statuses.add(422)
        if self._throttled():
            statuses.add(429)
        described = {status: DEFAULT_DESCRIPTIONS[status] for status in sorted(statuses)}
        return {**described, **extra}

    def _negotiates_from_accept(self) -> bool:
        negotiator = self.view.get_content_negotiator()
        return type(negotiator).select_renderer is DefaultContentNegotiation.select_renderer

    def _throttled(self) -> bool:
        try:
            return bool(self.view.get_throttles())
        except Exception:  # a view whose throttles need a request: trust its declared classes
            return bool(getattr(self.view, "throttle_classes", ()))
