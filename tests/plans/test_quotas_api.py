"""Quotas and entitlements through the API: extractions per day, batches by plan, /me/usage."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Plan, QuotaUsage, User
from tests.personas import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_catalog")]

Files = Callable[[int], list[tuple[str, bytes]]]


def _extract(client: APIClient, data: bytes, **extra: str) -> Any:
    file = SimpleUploadedFile("report.pdf", data, content_type="application/pdf")
    return client.post("/api/v1/extractions", {"file": file}, format="multipart", **extra)


def _batch(client: APIClient, files: list[tuple[str, bytes]]) -> Any:
    payload = {"files": [SimpleUploadedFile(n, d, content_type="application/pdf") for n, d in files]}
    return client.post("/api/v1/batches", payload, format="multipart")


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    return body


def _assert_quota_refusal(response: Any, limit: int) -> None:
    _problem(response, 429, "quota_exceeded")
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 86400
    assert response["X-RateLimit-Limit"] == str(limit)
    assert response["X-RateLimit-Remaining"] == "0"
    reset = int(response["X-RateLimit-Reset"])
    assert reset % 86400 == 0  # UTC midnight
    assert abs(reset - (time.time() + retry_after)) <= 2


def test_a_fourth_anonymous_extraction_from_one_ip_in_a_day_gets_429(pdf: bytes) -> None:
    statuses = [_extract(client_for(None), pdf).status_code for _ in range(3)]
    refused = _extract(client_for(None), pdf)
    other_ip = _extract(client_for(None), pdf, REMOTE_ADDR="10.9.8.7")
    assert statuses == [201, 201, 201]
    _assert_quota_refusal(refused, 3)
    assert other_ip.status_code == 201
    # No address is stored: the subject is a hash of the client network.
    subjects = set(QuotaUsage.objects.values_list("subject", flat=True))
    assert len(subjects) == 2
    assert all(s.startswith("ip:") and "127.0.0.1" not in s and "10.9" not in s for s in subjects)


def test_a_document_that_cannot_be_read_does_not_count(pdf: bytes) -> None:
    for _ in range(4):
        assert _extract(client_for(None), b"").status_code == 422
    assert [_extract(client_for(None), pdf).status_code for _ in range(3)] == [201, 201, 201]


def test_a_free_users_eleventh_extraction_in_a_day_gets_429(student: User, pdf: bytes) -> None:
    client = client_for(student)
    statuses = [_extract(client, pdf).status_code for _ in range(10)]
    assert set(statuses) <= {200, 201}
    _assert_quota_refusal(_extract(client, pdf), 10)
    # The anonymous allowance of the same address is untouched by a signed-in user's count.
    assert _extract(client_for(None), pdf).status_code == 201


def test_limits_are_data_raising_one_in_the_table_takes_effect_at_once(
    pdf: bytes, set_limits: Callable[..., Plan]
) -> None:
    set_limits("anonymous", extractions_per_day=1)
    assert _extract(client_for(None), pdf).status_code == 201
    assert _extract(client_for(None), pdf).status_code == 429
    set_limits("anonymous", extractions_per_day=2)
    assert _extract(client_for(None), pdf).status_code == 201


def test_a_free_users_batch_gets_403_plan_required(student: User, class_files: Files) -> None:
    body = _problem(_batch(client_for(student), class_files(2)), 403, "plan_required")
    assert body["required_plan"] == "cfi"
    assert not QuotaUsage.objects.exists()


def test_a_cfi_users_batch_gets_202_and_counts_as_one_extraction(stranger: User, class_files: Files) -> None:
    stranger.clerk_plan = "cfi"
    stranger.save(update_fields=["clerk_plan"])
    client = client_for(stranger)
    assert _batch(client, class_files(3)).status_code == 202
    usage = client.get("/api/v1/me/usage").json()
    assert usage["plan"] == "cfi"
    assert usage["used"] == {
        "extractions_today": 1,
        "saved_reports_this_month": 0,
        "batched_documents_this_month": 3,
    }


def test_files_per_batch_come_from_the_plan(
    instructor: User, class_files: Files, set_limits: Callable[..., Plan]
) -> None:
    set_limits("cfi", files_per_batch=2)
    body = _problem(_batch(client_for(instructor), class_files(3)), 422, "too_many_files")
    assert "2 files" in body["detail"]
    assert not QuotaUsage.objects.exists()


def test_batched_documents_per_month_run_out_with_429(
    school_admin: User, school: Any, class_files: Files, set_limits: Callable[..., Plan]
) -> None:
    school.clerk_plan = "school"
    school.save(update_fields=["clerk_plan"])
    set_limits("school", batched_documents_per_month=3)
    client = client_for(school_admin)
    assert _batch(client, class_files(2)).status_code == 202
    refused = _batch(client, class_files(2))
    _problem(refused, 429, "quota_exceeded")
    assert refused["X-RateLimit-Limit"] == "3"
    # The refused batch took no extraction either.
    assert client.get("/api/v1/me/usage").json()["used"]["extractions_today"] == 1


def test_me_usage_counts_what_was_used(student: User, pdf: bytes) -> None:
    client = client_for(student)
    before = client.get("/api/v1/me/usage")
    assert before.status_code == 200
    body = before.json()
    assert body["plan"] == "free"
    assert body["limits"]["extractions_per_day"] == 10
    assert body["limits"]["batch"] is False
    assert body["used"]["extractions_today"] == 0
    assert body["resets_at"].endswith(("T00:00:00Z", "T00:00:00+00:00"))
    for _ in range(2):
        _extract(client, pdf)
    assert client.get("/api/v1/me/usage").json()["used"]["extractions_today"] == 2


def test_me_usage_needs_a_signed_in_user() -> None:
    _problem(client_for(None).get("/api/v1/me/usage"), 401, "not_authenticated")
