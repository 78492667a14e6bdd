"""``/api/v1/webhook-endpoints``: who may register, the secret shown once, changes, rotation,
pings, the deliveries list (paginated, fixed queries) and replays."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from accounts.models import Organization, User, WebhookDelivery, WebhookEndpoint
from accounts.outgoing.signing import secret_decrypt
from accounts.services import user_erase
from tests.factories import UserFactory
from tests.personas import client_for
from tests.webhooks_outgoing.receiver import Receiver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_dns")]

URL = "https://hooks.school.example/cfipros"
BASE = "/api/v1/webhook-endpoints"


def _problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    return body


def _create(client: APIClient, **extra):
    body = {"url": URL, "events": ["batch.completed", "report.created"], "description": "SIS", **extra}
    return client.post(BASE, body, format="json")


def test_a_cfi_registers_an_endpoint_and_sees_its_secret_once(
    instructor_client: APIClient, instructor: User
) -> None:
    response = _create(instructor_client)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert response["Location"] == f"{BASE}/{body['id']}"
    assert body["events"] == ["batch.completed", "report.created"]
    assert body["organization_id"] is None
    assert body["enabled"] is True
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert endpoint.owner == instructor
    assert body["secret"] not in endpoint.secret_encrypted
    assert secret_decrypt(endpoint.secret_encrypted) == body["secret"]

    shown = instructor_client.get(f"{BASE}/{body['id']}")
    assert shown.status_code == 200
    assert "secret" not in shown.json()
    assert body["secret"] not in shown.content.decode()
    listed = instructor_client.get(BASE).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert body["secret"] not in str(listed)


def test_a_student_may_not_register(student_client: APIClient) -> None:
    _problem(_create(student_client), 403, "webhook_role_required")


def test_a_cfi_without_batches_in_their_plan_gets_plan_required() -> None:
    cfi = UserFactory(username="free-cfi", role=User.Role.CFI, clerk_plan="free")
    body = _problem(_create(client_for(cfi)), 403, "plan_required")
    assert body["required_plan"] == "cfi"


def test_an_org_admin_registers_for_the_organization(
    school_admin_client: APIClient, school: Organization, instructor: User, settings
) -> None:
    school.clerk_plan = "school"
    school.save()
    response = _create(school_admin_client, organization_id=school.pk)
    assert response.status_code == 201, response.content
    assert response.json()["organization_id"] == school.pk
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.organization == school and endpoint.owner is None
    # An instructor of the school neither manages nor sees the school's endpoint.
    assert client_for(instructor).get(f"{BASE}/{endpoint.pk}").status_code == 404
    _problem(_create(client_for(instructor), organization_id=school.pk), 403, "not_organization_admin")


def test_a_stranger_cannot_reach_an_endpoint(
    instructor_client: APIClient, stranger_client: APIClient
) -> None:
    endpoint_id = _create(instructor_client).json()["id"]
    for response in (
        stranger_client.get(f"{BASE}/{endpoint_id}"),
        stranger_client.patch(f"{BASE}/{endpoint_id}", {"description": "x"}, format="json"),
        stranger_client.delete(f"{BASE}/{endpoint_id}"),
        stranger_client.post(f"{BASE}/{endpoint_id}/rotate-secret"),
        stranger_client.post(f"{BASE}/{endpoint_id}/test"),
        stranger_client.get(f"{BASE}/{endpoint_id}/deliveries"),
    ):
        _problem(response, 404, "webhook_endpoint_not_found")
    assert stranger_client.get(BASE).json()["results"] == []


def test_bodies_are_closed_and_events_known(instructor_client: APIClient) -> None:
    _problem(_create(instructor_client, secret="whsec_mine"), 422, "invalid_input")
    _problem(_create(instructor_client, events=["batch.deleted"]), 422, "invalid_input")
    _problem(_create(instructor_client, events=[]), 422, "invalid_input")


def test_anonymous_callers_are_refused(anonymous_client: APIClient) -> None:
    _problem(anonymous_client.get(BASE), 401, "not_authenticated")


def test_the_owner_changes_events_and_description_and_disables(instructor_client: APIClient) -> None:
    endpoint_id = _create(instructor_client).json()["id"]
    response = instructor_client.patch(
        f"{BASE}/{endpoint_id}",
        {"events": ["study_plan.created"], "description": "new", "enabled": False},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["events"], body["description"], body["enabled"]) == (["study_plan.created"], "new", False)
    assert body["disabled_at"] is not None


def test_enabling_again_clears_the_failure_count(instructor_client: APIClient) -> None:
    endpoint_id = _create(instructor_client).json()["id"]
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(
        enabled=False, consecutive_failures=30, disabled_reason="30 consecutive failed attempts."
    )
    body = instructor_client.patch(f"{BASE}/{endpoint_id}", {"enabled": True}, format="json").json()
    assert (body["enabled"], body["consecutive_failures"], body["disabled_reason"]) == (True, 0, "")


def test_delete(instructor_client: APIClient) -> None:
    endpoint_id = _create(instructor_client).json()["id"]
    assert instructor_client.delete(f"{BASE}/{endpoint_id}").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_rotate_secret_replaces_it(instructor_client: APIClient) -> None:
    created = _create(instructor_client).json()
    response = instructor_client.post(f"{BASE}/{created['id']}/rotate-secret")
    assert response.status_code == 200, response.content
    secret = response.json()["secret"]
    assert secret.startswith("whsec_") and secret != created["secret"]
    assert secret_decrypt(WebhookEndpoint.objects.get().secret_encrypted) == secret


def test_too_many_endpoints(instructor_client: APIClient, settings) -> None:
    settings.WEBHOOKS_MAX_ENDPOINTS = 2
    assert _create(instructor_client).status_code == 201
    assert _create(instructor_client).status_code == 201
    _problem(_create(instructor_client), 422, "too_many_webhook_endpoints")


def test_a_ping_reaches_the_receiver_signed(
    instructor_client: APIClient, allow_private: None, receiver: Receiver, django_capture_on_commit_callbacks
) -> None:
    created = _create(instructor_client, url=receiver.url).json()
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(f"{BASE}/{created['id']}/test")
    assert response.status_code == 202, response.content
    assert response.json()["event_type"] == "ping"
    (received,) = receiver.wait_for(1, timeout=10)
    assert received.path == "/hooks/cfipros"
    payload = Webhook(created["secret"]).verify(received.body, received.headers)
    assert payload["type"] == "ping"
    assert payload["data"] == {"endpoint_id": created["id"]}
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status) == ("succeeded", 200)


def test_deliveries_are_paginated_with_a_fixed_number_of_queries(instructor_client: APIClient) -> None:
    endpoint_id = _create(instructor_client).json()["id"]
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)

    def add(count: int) -> None:
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    endpoint=endpoint, message_id=f"msg_{uuid.uuid4().hex}", event_type="ping", body="{}"
                )
                for _ in range(count)
            ]
        )

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = instructor_client.get(f"{BASE}/{endpoint_id}/deliveries?limit=100")
        assert response.status_code == 200
        return len(queries)

    add(1)
    one = measure()
    add(60)
    assert measure() == one
    page = instructor_client.get(f"{BASE}/{endpoint_id}/deliveries?limit=20").json()
    assert page["count"] == 61 and len(page["results"]) == 20
    assert set(page["results"][0]) == {
        "id",
        "message_id",
        "event_type",
        "trigger",
        "attempt",
        "status",
        "response_status",
        "latency_ms",
        "error",
        "created_at",
        "attempted_at",
        "next_retry_at",
    }


def test_endpoints_are_listed_with_a_fixed_number_of_queries(instructor_client: APIClient, settings) -> None:
    settings.WEBHOOKS_MAX_ENDPOINTS = 50

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = instructor_client.get(BASE)
        assert response.status_code == 200
        return len(queries)

    _create(instructor_client)
    one = measure()
    for _ in range(12):
        _create(instructor_client)
    assert measure() == one
    assert instructor_client.get(BASE).json()["count"] == 13


def test_replay_sends_the_same_message_again(
    instructor_client: APIClient, allow_private: None, receiver: Receiver, django_capture_on_commit_callbacks
) -> None:
    created = _create(instructor_client, url=receiver.url).json()
    with django_capture_on_commit_callbacks(execute=True):
        instructor_client.post(f"{BASE}/{created['id']}/test")
    first = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(f"{BASE}/{created['id']}/deliveries/{first.pk}/replay")
    assert response.status_code == 202, response.content
    assert response.json()["message_id"] == first.message_id
    one, two = receiver.wait_for(2, timeout=10)
    assert one.headers["webhook-id"] == two.headers["webhook-id"] == first.message_id
    assert one.body == two.body
    Webhook(created["secret"]).verify(two.body, two.headers)


def test_replay_refusals(instructor_client: APIClient) -> None:
    endpoint_id = _create(instructor_client).json()["id"]
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    pending = WebhookDelivery.objects.create(
        endpoint=endpoint, message_id="msg_1", event_type="batch.completed", body="{}"
    )
    _problem(
        instructor_client.post(f"{BASE}/{endpoint_id}/deliveries/{pending.pk}/replay"),
        409,
        "delivery_in_progress",
    )
    WebhookDelivery.objects.filter(pk=pending.pk).update(status="failed")
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(enabled=False)
    _problem(
        instructor_client.post(f"{BASE}/{endpoint_id}/deliveries/{pending.pk}/replay"),
        409,
        "webhook_endpoint_disabled",
    )
    _problem(
        instructor_client.post(f"{BASE}/{endpoint_id}/deliveries/{uuid.uuid4()}/replay"),
        404,
        "webhook_delivery_not_found",
    )


def test_erasing_a_user_deletes_their_own_endpoints(instructor_client: APIClient, instructor: User) -> None:
    _create(instructor_client)
    user_erase(user=instructor)
    assert not WebhookEndpoint.objects.exists()


def test_the_export_lists_the_user_s_endpoints_without_their_secret(instructor_client: APIClient) -> None:
    created = _create(instructor_client).json()
    response = instructor_client.get("/api/v1/me/export")
    assert response.status_code == 200
    document = b"".join(response.streaming_content).decode()
    assert created["secret"] not in document
    assert created["secret"].removeprefix("whsec_") not in document
    endpoints = json.loads(document)["profile"]["webhook_endpoints"]
    assert endpoints == [
        {
            "id": created["id"],
            "url": URL,
            "description": "SIS",
            "events": ["batch.completed", "report.created"],
            "enabled": True,
            "created_at": endpoints[0]["created_at"],
        }
    ]


@pytest.mark.parametrize("url", [f"{URL}/b|", f"{URL}/a b", f"{URL}/%zz", f"{URL}/<script>"])
def test_a_url_with_characters_no_uri_may_hold_is_refused(instructor_client: APIClient, url: str) -> None:
    # What is stored is served back as a ``uri``: only what RFC 3986 allows gets in.
    _problem(_create(instructor_client, url=url), 422, "invalid_input")
    assert _create(instructor_client, url=f"{URL}/in?a=1&b=%20").status_code == 201
