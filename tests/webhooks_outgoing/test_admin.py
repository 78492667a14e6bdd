"""Staff screens of outgoing webhooks: an endpoint is enabled again through the service (its
failures cleared), its URL and secret are out of reach, attempts are read-only."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User, WebhookDelivery, WebhookEndpoint
from accounts.outgoing.signing import secret_encrypt, secret_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("operator", "operator@cfipros.test", "pw-operator-1"))
    return client


@pytest.fixture
def disabled_endpoint(instructor: User) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        owner=instructor,
        url="https://hooks.school.example/cfipros",
        events=["batch.completed"],
        secret_encrypted=secret_encrypt(secret_generate()),
        enabled=False,
        consecutive_failures=30,
        disabled_reason="30 consecutive failed attempts.",
    )


def test_staff_enable_an_endpoint_again_and_its_failures_are_cleared(
    staff_client: Client, disabled_endpoint: WebhookEndpoint
) -> None:
    url = f"/admin/accounts/webhookendpoint/{disabled_endpoint.pk}/change/"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert disabled_endpoint.secret_encrypted not in page.content.decode()
    response = staff_client.post(url, {"enabled": "on", "url": "https://10.0.0.1/"})
    assert response.status_code == 302, response.content
    disabled_endpoint.refresh_from_db()
    assert disabled_endpoint.enabled and disabled_endpoint.consecutive_failures == 0
    assert disabled_endpoint.disabled_reason == ""
    assert disabled_endpoint.url == "https://hooks.school.example/cfipros", "the URL is read-only here"


def test_staff_cannot_add_endpoints_nor_change_attempts(
    staff_client: Client, disabled_endpoint: WebhookEndpoint
) -> None:
    delivery = WebhookDelivery.objects.create(
        endpoint=disabled_endpoint, message_id="msg_1", event_type="batch.completed", body="{}"
    )
    assert staff_client.get("/admin/accounts/webhookendpoint/add/").status_code == 403
    assert staff_client.get("/admin/accounts/webhookdelivery/").status_code == 200
    assert staff_client.post(f"/admin/accounts/webhookdelivery/{delivery.pk}/delete/").status_code == 403
