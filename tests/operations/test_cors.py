"""CORS: browser front ends on the allowed origins may call the API with a bearer token."""

from __future__ import annotations

ALLOWED = "https://app.cfipros.test"  # the test settings' CLERK_AUTHORIZED_PARTIES
EXPOSED = {
    "location",
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "content-disposition",
    "x-request-id",
    "etag",
}


def _preflight(client, origin: str, path: str = "/api/v1/reports"):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, x-request-id",
    )


def test_a_preflight_from_an_allowed_origin_is_granted(client) -> None:
    response = _preflight(client, ALLOWED)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    allowed_headers = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "x-request-id"} <= allowed_headers
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


def test_exposed_headers_on_preflight_and_actual_answers(client) -> None:
    for response in (_preflight(client, ALLOWED), client.get("/api/v1/reports", HTTP_ORIGIN=ALLOWED)):
        exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
        assert exposed >= EXPOSED


def test_an_error_answer_to_an_allowed_origin_is_readable(client) -> None:
    response = client.get("/api/v1/reports", HTTP_ORIGIN=ALLOWED)
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == ALLOWED


def test_a_disallowed_origin_gets_no_cors_header(client) -> None:
    for response in (
        _preflight(client, "https://evil.example"),
        client.get("/api/v1/reports", HTTP_ORIGIN="https://evil.example"),
    ):
        assert not any(name.lower().startswith("access-control-") for name in response.headers)


def test_origins_come_from_the_environment_by_default_clerk_parties(monkeypatch) -> None:
    import importlib

    import cfipros.settings.base as base

    monkeypatch.setenv("CLERK_AUTHORIZED_PARTIES", "https://a.example,https://b.example")
    monkeypatch.delenv("CORS_ALLOWED_ORIGINS", raising=False)
    assert importlib.reload(base).CORS_ALLOWED_ORIGINS == ["https://a.example", "https://b.example"]
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://front.example")
    assert importlib.reload(base).CORS_ALLOWED_ORIGINS == ["https://front.example"]
    monkeypatch.undo()
    importlib.reload(base)


def test_local_settings_allow_any_localhost_development_origin(monkeypatch) -> None:
    import importlib
    import re

    import cfipros.settings.local as local

    monkeypatch.delenv("CORS_ALLOWED_ORIGIN_REGEXES", raising=False)
    patterns = importlib.reload(local).CORS_ALLOWED_ORIGIN_REGEXES
    for origin in ("http://localhost:3000", "http://127.0.0.1:5173", "http://localhost"):
        assert any(re.match(p, origin) for p in patterns)
    assert not any(re.match(p, "http://localhost.evil.example") for p in patterns)
