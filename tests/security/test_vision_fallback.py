"""The vision fallback: never an anonymous upload unless allowed, a cap per user, https, a record.

The audit's finding (by reading): when configured, the fallback sent anonymous users' documents
to a third party without their consent; ``OPENAI_BASE_URL`` was not required to be https; and
anonymous users could use up the daily cap. Now anonymous uploads are never sent unless
``VISION_FALLBACK_ANONYMOUS=true``, each user (the anonymous ones together) has a daily cap of
their own, a plain-http base URL is refused unless it is this machine, and a report records the
host that saw its document (API and admin).

Nothing reaches the network: the model server is the local stand-in of the fallback's own tests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from rest_framework.test import APIClient

from accounts.models import User
from extraction.adapter import extract as adapter
from extraction.adapter import fallback
from extraction.models import Report
from tests.cache_keys import delete_cache_keys
from tests.extraction.test_vision_fallback import FakeModelServer, enabled, ocr_result, photo, server
from tests.factories import UserFactory
from tests.personas import client_for

__all__ = ["enabled", "server"]  # the local model server of the fallback's tests, used here

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def doubtful_ocr(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every document reads as a doubtful OCR result, the case the fallback exists for."""
    monkeypatch.setattr(adapter, "extract_document", lambda data, catalog, options=None: ocr_result())
    delete_cache_keys("*throttle_*")
    yield
    delete_cache_keys("*throttle_*")


def _upload(client: APIClient) -> Any:
    file = SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg")
    return client.post("/api/v1/extractions", {"file": file}, format="multipart")


# --- anonymous uploads stay home ------------------------------------------------------------------------


def test_an_anonymous_upload_is_never_sent_by_default(enabled: FakeModelServer) -> None:
    response = _upload(client_for(None))
    assert response.status_code == 201, response.content[:300]
    assert enabled.requests == []
    assert response.json()["third_party_recipient"] is None


def test_anonymous_uploads_are_sent_only_when_allowed(enabled: FakeModelServer) -> None:
    with override_settings(VISION_FALLBACK_ANONYMOUS=True):
        response = _upload(client_for(None))
    assert response.status_code == 201
    assert len(enabled.requests) == 1
    assert response.json()["third_party_recipient"] == "127.0.0.1"
    shared = client_for(None).get(f"/api/v1/results/{response.json()['share_token']}").json()
    assert shared["third_party_recipient"] == "127.0.0.1"


# --- the report records who saw it ------------------------------------------------------------------


def test_a_signed_in_upload_records_the_third_party(enabled: FakeModelServer, student: User) -> None:
    created = _upload(client_for(student))
    assert created.status_code == 201
    assert len(enabled.requests) == 1
    report = Report.objects.get(pk=created.json()["id"])
    assert report.third_party_recipient == "127.0.0.1"
    read = client_for(student).get(f"/api/v1/reports/{report.pk}").json()
    assert read["third_party_recipient"] == "127.0.0.1"

    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(staff)
    page = admin.get(f"/admin/extraction/report/{report.pk}/change/").content.decode()
    assert "Sent to a third party" in page and "127.0.0.1" in page


def test_a_failed_call_still_records_that_the_document_left(enabled: FakeModelServer, student: User) -> None:
    enabled.status = 500
    created = _upload(client_for(student))
    assert created.status_code == 201
    assert enabled.requests, "the document was sent"
    assert Report.objects.get(pk=created.json()["id"]).third_party_recipient == "127.0.0.1"


def test_a_report_no_third_party_saw_says_so(enabled: FakeModelServer, student: User) -> None:
    with override_settings(OPENAI_API_KEY=""):
        created = _upload(client_for(student))
    assert enabled.requests == []
    assert created.json()["third_party_recipient"] is None
    assert Report.objects.get(pk=created.json()["id"]).third_party_recipient == ""


def test_a_batch_file_records_the_third_party(
    enabled: FakeModelServer, instructor: User, django_capture_on_commit_callbacks: Any
) -> None:
    file = SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client_for(instructor).post("/api/v1/batches", {"files": [file]}, format="multipart")
    assert accepted.status_code == 202
    report = Report.objects.get(batch_files__batch_id=accepted.json()["id"])
    assert report.third_party_recipient == "127.0.0.1"
    assert len(enabled.requests) == 1


# --- a daily cap per user ---------------------------------------------------------------------------


def test_each_user_has_a_daily_cap_of_their_own(
    enabled: FakeModelServer, student: User, stranger: User
) -> None:
    with override_settings(OPENAI_USER_DAILY_CALL_CAP=1, OPENAI_DAILY_CALL_CAP=10):
        assert _upload(client_for(student)).status_code == 201
        assert _upload(client_for(student)).status_code in (200, 201)  # read by OCR alone
        assert _upload(client_for(stranger)).status_code == 201
    assert len(enabled.requests) == 2  # the student's first, the stranger's; not the student's second


def test_anonymous_uploads_share_one_cap(enabled: FakeModelServer) -> None:
    with override_settings(
        VISION_FALLBACK_ANONYMOUS=True, OPENAI_USER_DAILY_CALL_CAP=2, OPENAI_DAILY_CALL_CAP=10
    ):
        for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
            file = SimpleUploadedFile("photo.jpg", photo(), content_type="image/jpeg")
            client_for(None).post(
                "/api/v1/extractions", {"file": file}, format="multipart", REMOTE_ADDR=address
            )
    assert len(enabled.requests) == 2


# --- https or this machine ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("", True),  # the provider's own default, https
        ("https://vision.example.com/v1", True),
        ("http://127.0.0.1:8080/v1", True),
        ("http://localhost:11434/v1", True),
        ("http://[::1]:8080/v1", True),
        ("http://vision.example.com/v1", False),
        ("http://10.0.0.5/v1", False),
        ("ftp://vision.example.com/v1", False),
        ("vision.example.com", False),
    ],
)
def test_the_base_url_must_be_https_unless_it_is_this_machine(url: str, allowed: bool) -> None:
    assert fallback.base_url_allowed(url) is allowed


def test_a_plain_http_server_elsewhere_is_never_called(
    enabled: FakeModelServer, student: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse() -> None:
        raise AssertionError("a client for a plain-http server was made")

    monkeypatch.setattr(fallback, "make_client", refuse)
    caplog.set_level(logging.WARNING, logger="extraction.adapter.fallback")
    with override_settings(OPENAI_BASE_URL="http://vision.example.com/v1"):
        created = _upload(client_for(student))
    assert created.status_code == 201
    assert Report.objects.get(pk=created.json()["id"]).third_party_recipient == ""
    assert any("https" in record.getMessage() for record in caplog.records)
