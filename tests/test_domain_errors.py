"""Domain errors reach the client as problem+json with their family's status and their own code."""

from __future__ import annotations

import pytest
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from cfipros import errors
from cfipros.api.problems import DOMAIN_STATUS, PROBLEM_CONTENT_TYPE


def _answer(exc: Exception) -> Response:
    class Raising(APIView):
        authentication_classes: list[type] = []
        permission_classes: list[type] = []

        def get(self, request: Request) -> Response:
            raise exc

    response = Raising.as_view()(APIRequestFactory().get("/api/v1/somewhere?x=1"))
    response.render()
    return response


class ClaimTaken(errors.Conflict):
    code = "already_claimed"
    default_detail = "Someone else holds this."


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (errors.NotFound(), 404, "not_found"),
        (errors.Gone("Expired."), 410, "gone"),
        (errors.Conflict(), 409, "conflict"),
        (errors.Invalid(), 422, "invalid_input"),
        (errors.TooLarge(), 413, "payload_too_large"),
        (errors.UnsupportedType(), 415, "unsupported_type"),
        (errors.Forbidden(), 403, "permission_denied"),
        (errors.Unauthenticated(), 401, "not_authenticated"),
        (errors.Unavailable(), 503, "service_unavailable"),
        (errors.QuotaExceeded(), 429, "quota_exceeded"),
        (ClaimTaken(), 409, "already_claimed"),
        (errors.Gone("Expired.", code="expired"), 410, "expired"),
    ],
)
def test_each_family_has_one_status_and_the_error_keeps_its_code(
    exc: errors.DomainError, status: int, code: str
) -> None:
    response = _answer(exc)
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    body = response.data
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == "https://cfipros.com/problems/" + code.replace("_", "-")
    assert body["detail"] == exc.detail
    assert body["instance"] == "/api/v1/somewhere?x=1"
    assert "errors" not in body


def test_the_default_detail_serves_when_none_is_given() -> None:
    assert _answer(ClaimTaken()).data["detail"] == "Someone else holds this."


def test_field_errors_travel_with_the_problem() -> None:
    exc = errors.Invalid("Choose a format.", code="invalid_format", errors={"format": ("Must be csv.",)})
    body = _answer(exc).data
    assert body["errors"] == {"format": ["Must be csv."]}
    assert body["code"] == "invalid_format"


def test_an_authentication_error_names_its_scheme() -> None:
    response = _answer(errors.Unauthenticated("Bad signature.", code="invalid_signature", scheme="Svix"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Svix"


def test_a_quota_says_when_it_frees_up() -> None:
    response = _answer(errors.QuotaExceeded("Wait.", code="transit_quota", retry_after=60))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Retry-After" not in _answer(errors.QuotaExceeded())


def test_an_instance_code_does_not_change_the_class_default() -> None:
    errors.Invalid("x", code="no_files")
    assert errors.Invalid().code == "invalid_input"


def test_every_family_has_a_status() -> None:
    families = {errors.NotFound, errors.Conflict, errors.Invalid, errors.Unavailable, errors.Forbidden}
    assert families <= set(DOMAIN_STATUS)
