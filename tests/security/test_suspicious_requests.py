"""Django's SuspiciousOperation family is a client's error: 400 or 413 problem+json, no traceback.

The audit's finding: 101 files to ``/api/v1/extractions`` or ``/api/v1/batches`` raised
``TooManyFilesSent``, which nothing mapped, so the API answered 500 and logged a traceback. Too
many files or fields, a body too large to parse, a bad ``Host`` header and malformed bodies must
all be refused with a 4xx problem+json and at most one line in the log, wherever they are raised:
in a DRF view, in Django's CSRF check, or in routing.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from tests.personas import client_for

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _files(count: int) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"f{i}.pdf", b"%PDF-1.4 x", content_type="application/pdf") for i in range(count)
    ]


def _assert_client_error(response: Any, statuses: tuple[int, ...] = (400, 413)) -> dict[str, Any]:
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    return body


def _assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        assert record.exc_info is None, (record.name, record.getMessage())
        assert record.levelno < logging.ERROR, (record.name, record.getMessage())
    assert "Traceback" not in caplog.text


def _csrf_client() -> Client:
    """A browser that has a CSRF cookie, so Django's CSRF check goes on to read the form."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    return client


@pytest.fixture(autouse=True)
def _capture_everything(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


def test_101_files_to_extractions_is_a_4xx(caplog: pytest.LogCaptureFixture) -> None:
    response = client_for(None).post("/api/v1/extractions", {"file": _files(101)}, format="multipart")
    body = _assert_client_error(response)
    assert body["code"] == "too_many_files"
    _assert_no_traceback(caplog)


def test_101_files_to_batches_is_a_4xx(instructor: User, caplog: pytest.LogCaptureFixture) -> None:
    response = client_for(instructor).post("/api/v1/batches", {"files": _files(101)}, format="multipart")
    body = _assert_client_error(response)
    assert body["code"] == "too_many_files"
    _assert_no_traceback(caplog)


def test_too_many_fields_to_an_api_endpoint(caplog: pytest.LogCaptureFixture) -> None:
    form = "&".join(f"f{i}=1" for i in range(1001))
    response = client_for(None).generic(
        "POST", "/api/v1/extractions", form, content_type="application/x-www-form-urlencoded"
    )
    body = _assert_client_error(response)
    assert body["code"] == "too_many_fields"
    _assert_no_traceback(caplog)


def test_too_many_fields_to_the_admin_login(caplog: pytest.LogCaptureFixture) -> None:
    """Raised inside Django's CSRF middleware, outside any DRF view."""
    form = "&".join(f"f{i}=1" for i in range(1001))
    response = _csrf_client().generic(
        "POST", "/admin/login/", form, content_type="application/x-www-form-urlencoded"
    )
    body = _assert_client_error(response)
    assert body["code"] == "too_many_fields"
    _assert_no_traceback(caplog)


def test_too_many_files_to_the_admin_login(caplog: pytest.LogCaptureFixture) -> None:
    response = _csrf_client().post("/admin/login/", {"f": _files(101)})
    body = _assert_client_error(response)
    assert body["code"] == "too_many_files"
    _assert_no_traceback(caplog)


def test_a_form_larger_than_django_parses_is_413(caplog: pytest.LogCaptureFixture, settings: Any) -> None:
    """``DATA_UPLOAD_MAX_MEMORY_SIZE`` below the body cap: Django's own refusal, mapped the same."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = Client().generic(
        "POST", "/admin/login/", "a=" + "x" * 4096, content_type="application/x-www-form-urlencoded"
    )
    body = _assert_client_error(response, (413,))
    assert body["code"] == "payload_too_large"
    _assert_no_traceback(caplog)


def test_a_bad_host_header_is_400(caplog: pytest.LogCaptureFixture) -> None:
    response = Client().get("/api/v1/acs-codes", HTTP_HOST="evil.example.com")
    body = _assert_client_error(response, (400,))
    assert body["code"] == "bad_request"
    _assert_no_traceback(caplog)


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/api/v1/extractions", b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        ("/api/v1/extractions", b"anything", "multipart/form-data"),
        ("/api/v1/extractions", b"anything", "multipart/form-data; boundary="),
        ("/api/v1/extractions", b"\xff\xfe\x00", "multipart/form-data; boundary=\xff"),
        (
            "/api/v1/batches",
            b"--x\r\nContent-Disposition: form-data\r\n\r\n",
            "multipart/form-data; boundary=x",
        ),
        ("/api/v1/reports/00000000-0000-0000-0000-000000000000/share", b"{not json", "application/json"),
        ("/api/v1/webhooks/clerk", b"\xff\xfe", "application/json"),
        ("/admin/login/", b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        ("/admin/login/", b"a=%ff%fe&b", "application/x-www-form-urlencoded; charset=utf-16"),
    ],
)
def test_malformed_bodies_never_get_a_5xx(
    path: str, body: bytes, content_type: str, instructor: User, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(instructor) if path.startswith("/api/v1/") else _csrf_client()
    response = client.generic("POST", path, body, content_type=content_type)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    _assert_no_traceback(caplog)
