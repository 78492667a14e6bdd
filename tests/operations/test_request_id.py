"""``X-Request-ID``: echoed when safe, made here otherwise, returned on every answer."""

from __future__ import annotations

import re

import pytest

from cfipros.request_id import MAX_LENGTH

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_a_safe_id_from_the_caller_is_echoed(client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.9:trace=1/2@edge")
    assert response["X-Request-ID"] == "lb-7f3a.9:trace=1/2@edge"


def test_an_id_is_made_when_the_caller_sends_none(client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert GENERATED.fullmatch(first)
    assert first != second


@pytest.mark.parametrize(
    "offered",
    ["x" * (MAX_LENGTH + 1), "two words", "line\nbreak", 'quote"d', "", "caf\u00e9"],
    ids=["too-long", "space", "newline", "quote", "empty", "non-ascii"],
)
def test_an_unsafe_id_is_replaced(client, offered: str) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID=offered)
    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_the_longest_allowed_id_is_kept(client) -> None:
    offered = "a" * MAX_LENGTH
    assert client.get("/healthz", HTTP_X_REQUEST_ID=offered)["X-Request-ID"] == offered


def test_error_answers_carry_the_id_too(client) -> None:
    response = client.get("/api/v1/does-not-exist", HTTP_X_REQUEST_ID="req-404")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-404"


def test_problem_bodies_carry_the_request_id(client) -> None:
    """A Django-level 404, a DRF 401 and a refused host all name the id of their answer."""
    for response in (
        client.get("/api/v1/does-not-exist", HTTP_X_REQUEST_ID="req-problem-1"),
        client.get("/api/v1/reports", HTTP_X_REQUEST_ID="req-problem-1"),
        client.get("/api/v1/reports", HTTP_X_REQUEST_ID="req-problem-1", HTTP_HOST="not-allowed.example"),
    ):
        assert response["Content-Type"] == "application/problem+json"
        assert response.status_code in (400, 401, 404)
        assert response.json()["request_id"] == "req-problem-1" == response["X-Request-ID"]


def test_a_generated_id_is_the_one_in_the_problem_body(client) -> None:
    response = client.get("/api/v1/does-not-exist")
    assert response.json()["request_id"] == response["X-Request-ID"]
    assert GENERATED.fullmatch(response["X-Request-ID"])
