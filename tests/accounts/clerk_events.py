"""Clerk webhook events as Clerk sends them, and their signed delivery to the receiver."""

from __future__ import annotations

import json
from typing import Any

from rest_framework.test import APIClient

from tests.accounts.conftest import svix_headers

URL = "/api/v1/webhooks/clerk"


def deliver(client: APIClient, event: Any, **header_overrides: Any) -> Any:
    """POST ``event`` (an object, or raw bytes) signed with the test secret; headers may be overridden."""
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    headers = svix_headers(body)
    headers.update(header_overrides)
    return client.post(URL, data=body, content_type="application/json", **headers)


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    return body


def user_event(kind: str = "created", clerk_id: str = "user_1", **data: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": clerk_id,
        "object": "user",
        "first_name": "Amelia",
        "last_name": "Earhart",
        "primary_email_address_id": "idn_2",
        "email_addresses": [
            {"id": "idn_1", "email_address": "old@example.com"},
            {"id": "idn_2", "email_address": "amelia@example.com"},
        ],
        "public_metadata": {},
    }
    payload.update(data)
    return {"object": "event", "type": f"user.{kind}", "data": payload}


def org_event(
    kind: str = "created", clerk_id: str = "org_1", name: str = "Purdue Flight", **data: Any
) -> dict[str, Any]:
    return {
        "object": "event",
        "type": f"organization.{kind}",
        "data": {"id": clerk_id, "name": name, **data},
    }


def membership_event(
    kind: str = "created",
    *,
    membership_id: str = "orgmem_1",
    org_id: str = "org_1",
    user_id: str = "user_1",
    role: str = "org:member",
    **data: Any,
) -> dict[str, Any]:
    return {
        "object": "event",
        "type": f"organizationMembership.{kind}",
        "data": {
            "id": membership_id,
            "object": "organization_membership",
            "role": role,
            "organization": {"id": org_id, "name": "Purdue Flight", "slug": "purdue"},
            "public_user_data": {"user_id": user_id, "identifier": "student@example.com"},
            **data,
        },
    }
