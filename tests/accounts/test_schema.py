"""The contract describes Clerk bearer authentication and the identity endpoints."""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator


def test_schema_declares_bearer_jwt_and_uses_it_for_me() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    scheme = schema["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    assert {"bearerAuth": []} in schema["paths"]["/api/v1/me"]["get"]["security"]
    webhook = schema["paths"]["/api/v1/webhooks/clerk"]["post"]
    assert "security" not in webhook or webhook["security"] in ([], [{}])
    assert {"200", "401", "409", "422"} <= set(webhook["responses"])
