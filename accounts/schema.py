"""OpenAPI description of Clerk bearer authentication, so the contract shows ``bearerAuth`` (JWT)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ClerkJWTScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ClerkJWTAuthentication"
    name = "bearerAuth"
    # Answers every operation that reads a token can give besides 401 (cfipros.api.schema).
    problem_statuses = {503: "Clerk's signing keys cannot be fetched, so no token can be checked; try again"}

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106
            bearer_format="JWT",
        )
        scheme["description"] = "A Clerk session token (RS256), sent as `Authorization: Bearer <token>`."
        return scheme
