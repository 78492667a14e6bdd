"""People of the link tests: an independent CFI (in no school) and helpers to invite and accept."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import UserFactory
from tests.personas import client_for


@pytest.fixture
def cfi(db: None) -> User:
    return UserFactory(username="independent_cfi", role=User.Role.CFI)


@pytest.fixture
def cfi_client(cfi: User) -> APIClient:
    return client_for(cfi)


def invite(client: APIClient, side: str = "instructor", **extra: Any) -> dict[str, Any]:
    response = client.post("/api/v1/invitations", {"as": side, **extra}, format="json")
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def accept(client: APIClient, token: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/invitations/{token}/accept")
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body
