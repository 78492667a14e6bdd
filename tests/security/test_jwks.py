"""Issue 11, item 8: Clerk's signing keys when Clerk is slow, down, or down from the start.

Before: once the cache passed its TTL every request queued on a lock behind the fetch; after a
failed fetch stale (possibly revoked) keys were trusted indefinitely; and with the JWKS server down
from the start a valid token got 401, telling the client its session was bad when it was ours.
"""

from __future__ import annotations

import threading
import urllib.request
from typing import Any

import pytest

from accounts.authentication import get_jwks_client, reset_jwks_cache
from accounts.models import User

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def get_me(client, token: str):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"]) == (503, "jwks_unavailable")
    assert "WWW-Authenticate" not in response


def test_jwks_down_from_the_start_answers_503_not_401(anonymous_client, jwks_server, make_token) -> None:
    jwks_server.close()
    assert_unavailable(get_me(anonymous_client, make_token()))
    assert not User.objects.exists()


def test_jwks_failing_from_the_start_answers_503(anonymous_client, jwks_server, make_token) -> None:
    jwks_server.failing = True
    assert_unavailable(get_me(anonymous_client, make_token()))
    assert_unavailable(get_me(anonymous_client, make_token(kid="invented")))


def test_a_bad_token_is_still_401_while_keys_are_known(anonymous_client, jwks_server, make_token) -> None:
    assert get_me(anonymous_client, make_token()).status_code == 200
    jwks_server.close()
    assert get_me(anonymous_client, make_token(kid="invented")).status_code == 401
    assert get_me(anonymous_client, make_token(iss="https://evil.example")).status_code == 401


def test_stale_keys_are_trusted_for_a_bounded_time_only(
    anonymous_client, jwks_server, make_token, clock, settings
) -> None:
    assert settings.CLERK_JWKS_MAX_STALE == 3600
    assert get_me(anonymous_client, make_token()).status_code == 200
    jwks_server.failing = True
    clock.advance(settings.CLERK_JWKS_CACHE_SECONDS + settings.CLERK_JWKS_MAX_STALE - 1)
    assert get_me(anonymous_client, make_token()).status_code == 200, "stale keys serve during an outage"
    clock.advance(2)
    assert_unavailable(get_me(anonymous_client, make_token()))
    jwks_server.failing = False
    clock.advance(31)
    assert get_me(anonymous_client, make_token()).status_code == 200, "recovers once Clerk answers"


def test_max_stale_is_a_setting(anonymous_client, jwks_server, make_token, clock, settings) -> None:
    settings.CLERK_JWKS_MAX_STALE = 0
    reset_jwks_cache()
    assert get_me(anonymous_client, make_token()).status_code == 200
    jwks_server.failing = True
    clock.advance(settings.CLERK_JWKS_CACHE_SECONDS + 1)
    assert_unavailable(get_me(anonymous_client, make_token()))


def test_a_key_revoked_by_the_refresh_is_refused(
    anonymous_client, jwks_server, make_token, second_signing_key, clock, settings
) -> None:
    assert get_me(anonymous_client, make_token()).status_code == 200
    jwks_server.keys = [second_signing_key.jwk]
    clock.advance(settings.CLERK_JWKS_CACHE_SECONDS + 1)
    assert get_me(anonymous_client, make_token()).status_code == 401
    assert get_me(anonymous_client, make_token(second_signing_key)).status_code == 200


@pytest.mark.timeout(20)
def test_stale_keys_serve_without_waiting_while_one_request_refreshes(
    anonymous_client, jwks_server, make_token, clock, settings, monkeypatch
) -> None:
    """The refreshing request waits for Clerk; every other one is answered from the stale keys.

    Clerk is held for longer than this test's timeout, so a request queued behind the refresh
    fails the test rather than waiting for it.
    """
    assert get_me(anonymous_client, make_token()).status_code == 200
    clock.advance(settings.CLERK_JWKS_CACHE_SECONDS + 1)
    get_jwks_client().timeout = 60
    fetching, release = threading.Event(), threading.Event()
    real_urlopen = urllib.request.urlopen

    def slow_urlopen(*args: Any, **kwargs: Any) -> Any:
        fetching.set()
        release.wait(60)
        return real_urlopen(*args, **kwargs)

    monkeypatch.setattr("accounts.authentication.urllib.request.urlopen", slow_urlopen)
    token = make_token()
    outcome: list[Any] = []

    def refresh() -> None:
        try:
            outcome.append(get_jwks_client().get_key("key-1") is not None)
        except Exception as exc:  # reported below, never swallowed
            outcome.append(exc)

    refresher = threading.Thread(target=refresh)
    refresher.start()
    try:
        assert fetching.wait(10), "the first request did not start a refresh"
        for _ in range(3):
            assert get_me(anonymous_client, token).status_code == 200
    finally:
        release.set()
        refresher.join(30)
    assert outcome == [True]
    assert jwks_server.hits == 2
