"""Events raised where they happen, delivered to a real receiver on 127.0.0.1: a finished batch
within 10 s, signed; retries after failures, each attempt listed; disabling; who receives what;
and payloads that carry ids, counts and codes only."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from standardwebhooks import Webhook

from accounts.models import Membership, Organization, User, WebhookDelivery, WebhookEndpoint
from accounts.outgoing.events import BATCH_COMPLETED, BATCH_FILE_PROCESSED, REPORT_CREATED, STUDY_PLAN_CREATED
from accounts.outgoing.services import webhook_emit
from extraction.models import Batch
from studyplans.plans.services import study_plan_create
from tests.engine.generator.spec import DocumentSpec
from tests.factories import MembershipFactory, ReportFactory, UserFactory
from tests.webhooks_outgoing.receiver import DRIP, Receiver

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_catalog", "allow_private")]

Docs = Callable[[int], list[tuple[str, bytes, DocumentSpec]]]
MakeEndpoint = Callable[..., tuple[WebhookEndpoint, str]]
ALL_EVENTS = [BATCH_COMPLETED, BATCH_FILE_PROCESSED, REPORT_CREATED, STUDY_PLAN_CREATED]


def _upload_batch(client: APIClient, docs: list[tuple[str, bytes, DocumentSpec]], capture) -> str:
    payload = {
        "files": [SimpleUploadedFile(name, data, content_type="application/pdf") for name, data, _ in docs]
    }
    with capture(execute=True):
        response = client.post("/api/v1/batches", payload, format="multipart")
    assert response.status_code == 202, response.content
    return str(response.json()["id"])


def _payloads(receiver: Receiver, secret: str, count: int) -> list[dict]:
    received = receiver.wait_for(count, timeout=10)
    assert len(received) >= count, f"{len(received)} of {count} deliveries arrived"
    return [Webhook(secret).verify(item.body, item.headers) for item in received]


def test_a_finished_batch_reaches_the_receiver_within_10_s_and_verifies(
    instructor: User,
    instructor_client: APIClient,
    class_pdfs: Docs,
    receiver: Receiver,
    endpoint_for: MakeEndpoint,
    django_capture_on_commit_callbacks,
) -> None:
    endpoint, secret = endpoint_for(instructor, receiver.url, [BATCH_COMPLETED])
    docs = class_pdfs(3)
    batch_id = _upload_batch(instructor_client, docs, django_capture_on_commit_callbacks)

    (received,) = receiver.wait_for(1, timeout=10)
    batch = Batch.objects.get(pk=batch_id)
    assert batch.status == Batch.Status.COMPLETED and batch.completed_at is not None
    assert received.at - batch.completed_at.timestamp() < 10
    payload = Webhook(secret).verify(received.body, received.headers)
    assert payload["type"] == "batch.completed"
    assert datetime.fromisoformat(payload["timestamp"].replace("Z", "+00:00")) >= batch.completed_at
    assert payload["data"] == {
        "batch_id": batch_id,
        "status": "completed",
        "total_files": 3,
        "succeeded": 3,
        "failed": 0,
    }
    assert received.headers["content-type"] == "application/json"
    assert abs(int(received.headers["webhook-timestamp"]) - received.at) < 10
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.response_status, delivery.attempt) == ("succeeded", 200, 1)
    assert delivery.latency_ms is not None


def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt(
    instructor: User,
    instructor_client: APIClient,
    class_pdfs: Docs,
    receiver: Receiver,
    receiver_answers: list[int],
    endpoint_for: MakeEndpoint,
    django_capture_on_commit_callbacks,
) -> None:
    endpoint, secret = endpoint_for(instructor, receiver.url, [BATCH_COMPLETED])
    receiver_answers.extend([500, 503])
    batch_id = _upload_batch(instructor_client, class_pdfs(2), django_capture_on_commit_callbacks)

    received = receiver.wait_for(3, timeout=10)
    assert len(received) == 3
    assert len({item.headers["webhook-id"] for item in received}) == 1, "one message, three attempts"
    assert Webhook(secret).verify(received[2].body, received[2].headers)["data"]["batch_id"] == batch_id

    listed = instructor_client.get(f"/api/v1/webhook-endpoints/{endpoint.pk}/deliveries").json()
    assert listed["count"] == 3
    rows = sorted(listed["results"], key=lambda row: row["attempt"])
    assert [(r["attempt"], r["status"], r["response_status"]) for r in rows] == [
        (1, "failed", 500),
        (2, "failed", 503),
        (3, "succeeded", 200),
    ]
    assert [r["trigger"] for r in rows] == ["event", "retry", "retry"]
    assert rows[0]["next_retry_at"] is not None and rows[1]["next_retry_at"] is not None
    assert rows[2]["next_retry_at"] is None
    assert all(r["latency_ms"] is not None for r in rows)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.enabled


def test_an_endpoint_that_keeps_failing_is_disabled(
    instructor: User,
    receiver: Receiver,
    receiver_answers: list[int],
    endpoint_for: MakeEndpoint,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_MAX_CONSECUTIVE_FAILURES = 5
    receiver_answers.extend([500] * 20)
    endpoint, _ = endpoint_for(instructor, receiver.url, [REPORT_CREATED])
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(event=REPORT_CREATED, user_id=instructor.pk, data={"report_id": "a"})
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(event=REPORT_CREATED, user_id=instructor.pk, data={"report_id": "b"})
    # 3 attempts of the first message, then 2 of the second reach 5 failures in a row.
    assert len(receiver.wait_for(5, timeout=10)) == 5
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.consecutive_failures == 5
    assert endpoint.disabled_reason == "5 consecutive failed attempts."
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 5
    # Later events are not sent to a disabled endpoint.
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(event=REPORT_CREATED, user_id=instructor.pk, data={"report_id": "c"})
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 5
    assert len(receiver.received) == 5


def test_no_answer_in_time_a_redirect_and_a_closed_port_are_failures(
    instructor: User,
    receiver: Receiver,
    receiver_answers: list[int],
    endpoint_for: MakeEndpoint,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.3
    receiver_answers.extend([0, 302])  # 0: the receiver answers too late
    endpoint, _ = endpoint_for(instructor, receiver.url, [REPORT_CREATED])
    closed, _ = endpoint_for(instructor, "http://127.0.0.1:9/closed", [REPORT_CREATED])
    for name in ("slow", "redirect"):
        with django_capture_on_commit_callbacks(execute=True):
            webhook_emit(event=REPORT_CREATED, user_id=instructor.pk, data={"report_id": name})
    slow, redirect = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("created_at")
    assert (slow.status, slow.response_status, slow.error) == ("failed", None, "No answer within 0.3 s.")
    assert (redirect.status, redirect.response_status) == ("failed", 302)
    assert redirect.error == "The endpoint answered 302."
    for delivery in WebhookDelivery.objects.filter(endpoint=closed):
        assert delivery.status == "failed" and delivery.error.startswith("Connection failed")


def test_events_go_only_after_commit(
    instructor: User, receiver: Receiver, endpoint_for: MakeEndpoint
) -> None:
    endpoint_for(instructor, receiver.url, [REPORT_CREATED])
    with pytest.raises(RuntimeError), transaction.atomic():
        webhook_emit(event=REPORT_CREATED, user_id=instructor.pk, data={"report_id": "rolled-back"})
        raise RuntimeError
    assert not WebhookDelivery.objects.exists()


def test_an_event_without_any_endpoint_costs_one_query(
    instructor: User, django_capture_on_commit_callbacks
) -> None:
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        webhook_emit(event=BATCH_COMPLETED, user_id=instructor.pk, data={})
    assert len(queries) == 1


def test_an_organization_receives_its_members_events_and_no_one_else_s(
    instructor: User,
    school: Organization,
    school_admin: User,
    receiver: Receiver,
    endpoint_for: MakeEndpoint,
    django_capture_on_commit_callbacks,
) -> None:
    school.clerk_plan = "school"
    school.save()
    _, secret = endpoint_for(school_admin, receiver.url, [REPORT_CREATED], organization_id=school.pk)
    outsider = UserFactory(username="outsider")
    unknown_role = UserFactory(username="unknown-role")
    MembershipFactory(user=unknown_role, organization=school, role=Membership.Role.OTHER)
    with django_capture_on_commit_callbacks(execute=True):
        for user in (instructor, outsider, unknown_role):
            webhook_emit(event=REPORT_CREATED, user_id=user.pk, data={"user_id": user.pk})
        webhook_emit(event=BATCH_COMPLETED, user_id=instructor.pk, data={"not": "subscribed"})
    payloads = _payloads(receiver, secret, 1)
    assert [p["data"] for p in payloads] == [{"user_id": instructor.pk}]
    assert WebhookDelivery.objects.count() == 1


def test_payloads_carry_ids_counts_and_codes_never_names(
    instructor: User,
    instructor_client: APIClient,
    class_pdfs: Docs,
    receiver: Receiver,
    endpoint_for: MakeEndpoint,
    django_capture_on_commit_callbacks,
) -> None:
    _, secret = endpoint_for(instructor, receiver.url, ALL_EVENTS)
    docs = class_pdfs(2)
    batch_id = _upload_batch(instructor_client, docs, django_capture_on_commit_callbacks)
    # 2 reports, 2 files, 1 batch.
    payloads = _payloads(receiver, secret, 5)
    by_type: dict[str, list[dict]] = {}
    for payload in payloads:
        by_type.setdefault(payload["type"], []).append(payload["data"])
    assert sorted((kind, len(rows)) for kind, rows in by_type.items()) == [
        ("batch.completed", 1),
        ("batch.file_processed", 2),
        ("report.created", 2),
    ]
    specs = {spec.exam_id: spec for _, _, spec in docs}
    for report in by_type["report.created"]:
        assert set(report) == {"report_id", "exam_code", "score", "grade", "code_count", "codes"}
        assert report["exam_code"] == "PAR"
        assert report["code_count"] == len(report["codes"]) >= 1
    assert sorted(sorted(r["codes"]) for r in by_type["report.created"]) == sorted(
        sorted(spec.codes) for spec in specs.values()
    )
    files = sorted(by_type["batch.file_processed"], key=lambda row: row["position"])
    assert [(f["batch_id"], f["status"], f["error_code"]) for f in files] == [
        (batch_id, "succeeded", None)
    ] * 2
    assert {f["report_id"] for f in files} == {r["report_id"] for r in by_type["report.created"]}

    report_ids = [r["report_id"] for r in by_type["report.created"]]
    with django_capture_on_commit_callbacks(execute=True):
        plan = study_plan_create(user=instructor, report_ids=[UUID(report_ids[0])])
    (plan_payload,) = [p for p in _payloads(receiver, secret, 6) if p["type"] == STUDY_PLAN_CREATED]
    assert plan_payload["data"]["study_plan_id"] == str(plan.pk)
    assert plan_payload["data"]["report_ids"] == [report_ids[0]]

    everything = b"".join(item.body for item in receiver.received).decode()
    for name, _, spec in docs:
        for private in (name, spec.name, spec.exam_id, spec.ftn or "-none-"):
            assert private not in everything


def test_a_single_extraction_announces_its_report(
    instructor: User,
    instructor_client: APIClient,
    class_pdfs: Docs,
    receiver: Receiver,
    endpoint_for: MakeEndpoint,
    django_capture_on_commit_callbacks,
) -> None:
    _, secret = endpoint_for(instructor, receiver.url, [REPORT_CREATED])
    ((name, data, spec),) = class_pdfs(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = instructor_client.post(
            "/api/v1/extractions",
            {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    (payload,) = _payloads(receiver, secret, 1)
    assert payload["data"]["report_id"] == response.json()["id"]
    assert sorted(payload["data"]["codes"]) == sorted(spec.codes)


def test_a_report_of_someone_else_is_not_announced_to_the_uploader(
    instructor: User, receiver: Receiver, endpoint_for: MakeEndpoint, django_capture_on_commit_callbacks
) -> None:
    """A plan an instructor builds for a student belongs to the student: the student's endpoints
    (and organizations) hear of it, not the instructor's own endpoint."""
    endpoint_for(instructor, receiver.url, [STUDY_PLAN_CREATED])
    student = UserFactory(username="solo-student")
    report = ReportFactory(owner=student, codes=[])
    MembershipFactory(user=student, organization=Organization.objects.create(clerk_id="org_x", name="X"))
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(event=STUDY_PLAN_CREATED, user_id=report.owner_id, data={"study_plan_id": "p"})
    assert not WebhookDelivery.objects.exists()
    assert json.dumps(receiver.received, default=str) == "[]"


def test_an_answer_sent_a_little_at_a_time_is_cut_at_the_deadline(
    instructor: User,
    receiver: Receiver,
    receiver_answers: list[int],
    endpoint_for: MakeEndpoint,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.WEBHOOKS_MAX_ATTEMPTS = 1
    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    receiver_answers.append(DRIP)
    endpoint, _ = endpoint_for(instructor, receiver.url, [REPORT_CREATED])
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(event=REPORT_CREATED, user_id=instructor.pk, data={"report_id": "drip"})
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.response_status) == ("failed", None)
    assert delivery.error == "No answer within 0.5 s."
    assert delivery.latency_ms is not None and delivery.latency_ms < 1500
