"""API clients for the personas of the root ``conftest.py``, and for any other user."""

from __future__ import annotations

from rest_framework.test import APIClient

from accounts.models import User


def client_for(user: User | None) -> APIClient:
    """A client signed in as ``user`` the way the API tests sign in (forced authentication);
    ``None`` gives the anonymous visitor's client."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
