"""The SSRF guard: https only and public addresses only, at registration (422 problem+json) and
again at every attempt, after DNS, connecting to the address that was checked."""

from __future__ import annotations

import ipaddress

import pytest
from rest_framework.test import APIClient

from accounts.models import WebhookDelivery, WebhookEndpoint
from accounts.outgoing import addresses, transport
from accounts.outgoing.delivery import webhook_delivery_attempt
from accounts.outgoing.services import webhook_endpoint_ping
from cfipros.errors import Invalid
from tests.webhooks_outgoing.conftest import PUBLIC_ADDRESS

pytestmark = pytest.mark.django_db

EVENTS = ["batch.completed"]


def _register(client: APIClient, url: str):
    return client.post("/api/v1/webhook-endpoints", {"url": url, "events": EVENTS}, format="json")


def _refused(response, code: str) -> None:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    assert "url" in body["errors"]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1/", "webhook_url_not_https"),
        ("http://hooks.school.example/", "webhook_url_not_https"),
        ("https://127.0.0.1/", "webhook_url_forbidden_address"),
        ("https://10.0.0.1/", "webhook_url_forbidden_address"),
        ("https://172.16.4.2/hook", "webhook_url_forbidden_address"),
        ("https://192.168.1.10/", "webhook_url_forbidden_address"),
        ("https://169.254.169.254/latest/meta-data/", "webhook_url_forbidden_address"),
        ("https://[::1]/", "invalid_input"),  # no IPv6 literal: checked on its own below
        ("https://[::ffff:127.0.0.1]/", "invalid_input"),  # no IPv6 literal: checked on its own below
        ("https://[fe80::1]/", "invalid_input"),  # no IPv6 literal: checked on its own below
        ("https://[fd00::1]/", "invalid_input"),  # no IPv6 literal: checked on its own below
        ("https://0.0.0.0/", "webhook_url_forbidden_address"),
        ("https://224.0.0.1/", "webhook_url_forbidden_address"),
        ("https://100.64.0.1/", "webhook_url_forbidden_address"),
        ("https://localhost/", "webhook_url_forbidden_address"),
        ("https://localhost:8443/hooks", "webhook_url_forbidden_address"),
        ("https://user:pw@hooks.school.example/", "invalid_input"),
        ("ftp://hooks.school.example/", "invalid_input"),
    ],
)
def test_registration_refuses_what_is_not_https_on_a_public_address(
    instructor_client: APIClient, public_dns: dict[str, list[str]], url: str, code: str
) -> None:
    _refused(_register(instructor_client, url), code)
    assert not WebhookEndpoint.objects.exists()


def test_a_name_that_resolves_to_a_private_address_is_refused(
    instructor_client: APIClient, public_dns: dict[str, list[str]]
) -> None:
    public_dns["internal.school.example"] = ["10.1.2.3"]
    _refused(
        _register(instructor_client, "https://internal.school.example/hook"), "webhook_url_forbidden_address"
    )
    # One private address among public ones is enough to refuse: the name is not trusted.
    public_dns["mixed.school.example"] = [PUBLIC_ADDRESS, "127.0.0.1"]
    _refused(
        _register(instructor_client, "https://mixed.school.example/hook"), "webhook_url_forbidden_address"
    )


def test_a_name_that_does_not_resolve_is_refused(
    instructor_client: APIClient, public_dns: dict[str, list[str]]
) -> None:
    public_dns["nowhere.school.example"] = []
    _refused(_register(instructor_client, "https://nowhere.school.example/hook"), "webhook_url_unresolvable")


def test_an_https_url_on_a_public_address_is_accepted(
    instructor_client: APIClient, public_dns: dict[str, list[str]]
) -> None:
    response = _register(instructor_client, "https://hooks.school.example/cfipros?source=1")
    assert response.status_code == 201, response.content


def test_allow_private_admits_http_and_loopback_but_never_link_local(
    instructor_client: APIClient, settings
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    assert _register(instructor_client, "http://127.0.0.1:9/hook").status_code == 201
    assert _register(instructor_client, "https://localhost/hook").status_code == 201
    _refused(_register(instructor_client, "http://169.254.169.254/"), "webhook_url_forbidden_address")


def test_a_change_of_url_is_checked_too(
    instructor_client: APIClient, public_dns: dict[str, list[str]]
) -> None:
    created = _register(instructor_client, "https://hooks.school.example/a").json()
    response = instructor_client.patch(
        f"/api/v1/webhook-endpoints/{created['id']}", {"url": "https://10.0.0.1/"}, format="json"
    )
    _refused(response, "webhook_url_forbidden_address")


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "::ffff:10.0.0.1", "fe80::1", "ff02::1", "0.0.0.0"],  # noqa: S104
)
def test_forbidden_addresses(address: str) -> None:
    assert not addresses.address_allowed(ipaddress.ip_address(address), allow_private=False)


def test_allowed_addresses() -> None:
    assert addresses.address_allowed(ipaddress.ip_address(PUBLIC_ADDRESS), allow_private=False)
    assert addresses.address_allowed(ipaddress.ip_address("2606:4700::1111"), allow_private=False)
    assert addresses.address_allowed(ipaddress.ip_address("127.0.0.1"), allow_private=True)
    assert not addresses.address_allowed(ipaddress.ip_address("169.254.169.254"), allow_private=True)


def test_an_attempt_checks_dns_again_and_sends_nothing_to_a_rebound_name(
    instructor, public_dns: dict[str, list[str]], monkeypatch
) -> None:
    """A name that was public at registration and resolves to a private address at delivery."""
    from accounts.outgoing.services import webhook_endpoint_create

    endpoint, _ = webhook_endpoint_create(
        user=instructor, url="https://rebind.school.example/hook", events=EVENTS
    )
    public_dns["rebind.school.example"] = ["127.0.0.1"]
    sent: list[object] = []
    monkeypatch.setattr(transport, "post", lambda *args, **kwargs: sent.append(args))
    delivery = webhook_endpoint_ping(endpoint=endpoint)
    webhook_delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert sent == []
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.response_status is None
    assert "public addresses only" in delivery.error


def test_the_attempt_connects_to_the_address_that_was_checked(
    instructor, public_dns: dict[str, list[str]], monkeypatch
) -> None:
    from accounts.outgoing.services import webhook_endpoint_create

    endpoint, _ = webhook_endpoint_create(
        user=instructor, url="https://pinned.school.example:8443/h?x=1", events=EVENTS
    )
    targets: list[addresses.Target] = []

    def post(
        target: addresses.Target, headers: dict[str, str], body: str, *, timeout: float
    ) -> transport.Answer:
        targets.append(target)
        return transport.Answer(204, 3)

    monkeypatch.setattr(transport, "post", post)
    delivery = webhook_endpoint_ping(endpoint=endpoint)
    webhook_delivery_attempt(delivery.pk)
    assert targets == [
        addresses.Target(
            scheme="https", host="pinned.school.example", port=8443, path="/h?x=1", address=PUBLIC_ADDRESS
        )
    ]


@pytest.mark.parametrize("url", ["https://[::1]:443/", "https://[::ffff:127.0.0.1]/", "https://[fe80::1]/"])
def test_an_ipv6_literal_past_the_contract_is_still_refused(url: str) -> None:
    """The contract takes no IPv6 literal; the guard refuses the forbidden ones all the same."""
    with pytest.raises(Invalid) as caught:
        addresses.target_resolve(url)
    assert caught.value.code == "webhook_url_forbidden_address"


@pytest.mark.parametrize(
    "url",
    [
        "https://h\u00e9.example/",
        "https://a.example/#x",
        "https://a.example/ b",
        "https://" + "a" * 64 + ".example/",
    ],
)
def test_what_the_contract_refuses_the_guard_refuses_too(url: str) -> None:
    with pytest.raises(Invalid) as caught:
        addresses.url_parts(url)
    assert caught.value.code == "webhook_url_invalid"
