"""Fixtures of the outgoing webhook tests: a local receiver, private addresses allowed where a
test needs that receiver, and the batch fixtures for events raised by real batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from accounts.models import User, WebhookEndpoint
from accounts.outgoing import addresses
from accounts.outgoing.services import webhook_endpoint_create
from tests.batches.conftest import class_pdfs, engine_catalog  # noqa: F401 (fixtures)
from tests.cache_keys import delete_cache_keys
from tests.webhooks_outgoing.receiver import Receiver, serve

PUBLIC_ADDRESS = "93.184.215.14"


@pytest.fixture(autouse=True)
def clean_throttles() -> Iterator[None]:
    delete_cache_keys("*throttle_*")
    yield
    delete_cache_keys("*throttle_*")


@pytest.fixture
def allow_private(settings) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver_answers() -> list[int]:
    """The statuses the receiver answers with, in order; a test edits it before the event."""
    return []


@pytest.fixture
def receiver(receiver_answers: list[int]) -> Iterator[Receiver]:
    server, receiver = serve(receiver_answers)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def public_dns(monkeypatch) -> dict[str, list[str]]:
    """Host names the tests make up resolve to what this map says (a public address by default)."""
    names: dict[str, list[str]] = {}
    real = addresses.resolve

    def resolve(host: str, port: int) -> list[str]:
        if host.endswith(".example"):
            return names.get(host, [PUBLIC_ADDRESS])
        return real(host, port)

    monkeypatch.setattr(addresses, "resolve", resolve)
    return names


@pytest.fixture
def endpoint_for(allow_private: None) -> Callable[..., tuple[WebhookEndpoint, str]]:
    """Register an endpoint through the service, as its owner would through the API."""

    def make(
        user: User, url: str, events: list[str], organization_id: int | None = None
    ) -> tuple[WebhookEndpoint, str]:
        return webhook_endpoint_create(user=user, url=url, events=events, organization_id=organization_id)

    return make
