"""Saved reports a month: a signed-in user's new report and a claimed result each take one; over
the plan's limit nothing is kept (429), and /me/usage counts what was saved."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import Plan, User
from extraction.models import Report
from tests.personas import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_catalog")]

Files = Callable[[int], list[tuple[str, bytes]]]


def _extract(client: APIClient, data: bytes) -> Any:
    file = SimpleUploadedFile("report.pdf", data, content_type="application/pdf")
    return client.post("/api/v1/extractions", {"file": file}, format="multipart")


def _used(client: APIClient) -> dict[str, int]:
    body: dict[str, Any] = client.get("/api/v1/me/usage").json()
    used: dict[str, int] = body["used"]
    return used


def _next_month_start() -> int:
    today = dt.datetime.now(dt.UTC).date()
    start = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return int(dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC).timestamp())


def _assert_saved_reports_refusal(response: Any, limit: int) -> None:
    assert response.status_code == 429, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "quota_exceeded"
    assert response["X-RateLimit-Limit"] == str(limit)
    assert response["X-RateLimit-Remaining"] == "0"
    reset = int(response["X-RateLimit-Reset"])
    assert reset == _next_month_start()
    assert abs(reset - (time.time() + int(response["Retry-After"]))) <= 2


def test_a_free_users_sixth_new_report_in_a_month_gets_429_and_is_not_kept(
    student: User, class_files: Files
) -> None:
    client = client_for(student)
    files = class_files(6)
    assert [_extract(client, data).status_code for _, data in files[:5]] == [201] * 5
    assert _used(client)["saved_reports_this_month"] == 5
    refused = _extract(client, files[5][1])
    _assert_saved_reports_refusal(refused, 5)
    assert Report.objects.filter(owner=student).count() == 5
    # The refused upload gave its extraction back; uploading a report already saved saves nothing new.
    assert _used(client) == {
        "extractions_today": 5,
        "saved_reports_this_month": 5,
        "batched_documents_this_month": 0,
    }
    assert _extract(client, files[0][1]).status_code == 200
    assert _used(client)["saved_reports_this_month"] == 5


def test_claiming_a_result_saves_it_and_is_refused_over_the_limit(
    student: User, class_files: Files, set_limits: Callable[..., Plan]
) -> None:
    set_limits("free", saved_reports_per_month=1)
    anonymous = client_for(None)
    first, second = (_extract(anonymous, data).json()["share_token"] for _, data in class_files(2))
    client = client_for(student)
    assert client.post(f"/api/v1/results/{first}/claim").status_code == 200
    assert _used(client)["saved_reports_this_month"] == 1
    refused = client.post(f"/api/v1/results/{second}/claim")
    _assert_saved_reports_refusal(refused, 1)
    # Not claimed: still the anonymous result behind its link.
    assert Report.objects.get(share_token=second).owner_id is None
    assert anonymous.get(f"/api/v1/results/{second}").status_code == 200
    # Claiming one's own report again is not a second save.
    new_token = Report.objects.get(owner=student).share_token
    assert client.post(f"/api/v1/results/{new_token}/claim").status_code == 200
    assert _used(client)["saved_reports_this_month"] == 1


def test_a_plan_without_a_limit_still_counts_its_saved_reports(stranger: User, class_files: Files) -> None:
    stranger.clerk_plan = "student_pro"
    stranger.save(update_fields=["clerk_plan"])
    client = client_for(stranger)
    assert [_extract(client, data).status_code for _, data in class_files(7)] == [201] * 7
    assert _used(client)["saved_reports_this_month"] == 7


def test_a_batchs_reports_are_batched_documents_not_saved_reports(
    instructor: User, class_files: Files, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(instructor)
    payload = {"files": [SimpleUploadedFile(n, d, content_type="application/pdf") for n, d in class_files(3)]}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/v1/batches", payload, format="multipart").status_code == 202
    assert Report.objects.filter(owner=instructor).count() == 3
    assert _used(client) == {
        "extractions_today": 1,
        "saved_reports_this_month": 0,
        "batched_documents_this_month": 3,
    }
