"""The report endpoints with real Clerk bearer tokens (signed here, keys served on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from extraction.models import Report
from tests.accounts.conftest import JWKSServer, jwks_server, make_token, signing_key  # noqa: F401
from tests.reports.helpers import upload

pytestmark = pytest.mark.django_db


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_signed_in_upload_then_history_within_five_queries(
    jwks_server: JWKSServer,  # noqa: F811
    make_token: Callable[..., str],  # noqa: F811
    pdf: bytes,
) -> None:
    client = bearer(make_token(sub="user_bearer_1"))
    created = upload(client, pdf)
    assert created.status_code == 201, created.content
    user = User.objects.get(clerk_id="user_bearer_1")
    report = Report.objects.get(pk=created.json()["id"])
    assert report.owner == user and report.applicant_name == "DOE, JANE Q"
    assert created["Location"] == f"/api/v1/reports/{report.pk}"

    for n in range(20):
        Report.objects.create(owner=user, exam_code="PAR", exam_id_hash=f"h{n}")
    with CaptureQueriesContext(connection) as queries:
        listed = client.get("/api/v1/reports", {"limit": 50})
    assert listed.status_code == 200
    assert listed.json()["count"] == 21
    assert len(queries) <= 5, [q["sql"][:80] for q in queries]


def test_an_invalid_bearer_token_on_extraction_is_401_not_anonymous(
    jwks_server: JWKSServer,  # noqa: F811
    pdf: bytes,
) -> None:
    response = upload(bearer("not-a-jwt"), pdf)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert Report.objects.count() == 0
