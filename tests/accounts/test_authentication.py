"""Clerk session tokens: every rejection path, first-sight user creation, and the JWKS cache."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from accounts.models import Membership, Organization, User
from tests.accounts.conftest import claims_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def get_me(anonymous_client, token: str):
    return anonymous_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")


def assert_rejected(response, detail_fragment: str | None = None) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert {"type", "title", "detail", "instance"} <= set(body)
    if detail_fragment:
        assert detail_fragment in body["detail"]
    assert not User.objects.filter(clerk_id="user_2abc").exists()


def test_valid_token_reaches_me_and_creates_the_user_once(anonymous_client, jwks_server, make_token) -> None:
    token = make_token(email="pilot@example.com")
    first = get_me(anonymous_client, token)
    assert first.status_code == 200
    body = first.json()
    user = User.objects.get(clerk_id="user_2abc")
    assert body == {
        "id": user.pk,
        "clerk_id": "user_2abc",
        "email": "pilot@example.com",
        "role": "student",
        "organizations": [],
        "contribute_to_statistics": True,
    }
    second = get_me(anonymous_client, token)
    assert second.status_code == 200
    assert User.objects.filter(clerk_id="user_2abc").count() == 1
    assert jwks_server.hits == 1


def test_me_lists_organizations_with_the_membership_role(
    anonymous_client, jwks_server, make_token, django_assert_max_num_queries
) -> None:
    user = User.objects.create(clerk_id="user_2abc", username="user_2abc", role=User.Role.CFI)
    for index, role in enumerate(["instructor", "student", "admin", "student"]):
        org = Organization.objects.create(clerk_id=f"org_{index}", name=f"School {3 - index}")
        Membership.objects.create(user=user, organization=org, role=role)
    get_me(anonymous_client, make_token())  # warm the JWKS cache outside the measured request
    with django_assert_max_num_queries(2):
        response = get_me(anonymous_client, make_token())
    assert response.status_code == 200
    organizations = response.json()["organizations"]
    assert [o["name"] for o in organizations] == ["School 0", "School 1", "School 2", "School 3"]
    assert [o["role"] for o in organizations] == ["student", "admin", "student", "instructor"]
    assert organizations[0]["id"] == Organization.objects.get(name="School 0").pk
    assert response.json()["role"] == "cfi"


def test_no_credentials_is_401_bearer(anonymous_client, jwks_server) -> None:
    assert_rejected(anonymous_client.get(ME))


def test_alg_none_is_rejected(anonymous_client, jwks_server, signing_key) -> None:
    header = {"alg": "none", "typ": "JWT", "kid": signing_key.kid}
    token = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims_for()).encode())}."
    assert_rejected(get_me(anonymous_client, token), "RS256")


def test_token_without_signature_is_rejected(anonymous_client, jwks_server, make_token) -> None:
    header, payload, _signature = make_token().split(".")
    assert_rejected(get_me(anonymous_client, f"{header}.{payload}."))


def test_hs256_signed_with_the_public_key_is_rejected(anonymous_client, jwks_server, signing_key) -> None:
    """The classic algorithm-confusion forgery: HMAC keyed with the published public key."""
    import hashlib
    import hmac

    pem = signing_key.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": signing_key.kid}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims_for()).encode())}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    assert_rejected(get_me(anonymous_client, f"{signing_input}.{b64url(signature)}"), "RS256")


def test_unknown_kid_is_rejected(anonymous_client, jwks_server, make_token) -> None:
    assert_rejected(get_me(anonymous_client, make_token(kid="not-published")), "signing key")


def test_token_without_kid_is_rejected(anonymous_client, jwks_server, signing_key) -> None:
    token = jwt.encode(claims_for(), signing_key.private, algorithm="RS256")
    assert_rejected(get_me(anonymous_client, token), "signing key")


def test_tampered_payload_is_rejected(anonymous_client, jwks_server, make_token) -> None:
    header, _payload, signature = make_token(sub="user_other").split(".")
    forged = b64url(json.dumps(claims_for(sub="user_2abc")).encode())
    assert_rejected(get_me(anonymous_client, f"{header}.{forged}.{signature}"))
    assert not User.objects.filter(clerk_id="user_other").exists()


def test_expired_token_is_rejected(anonymous_client, jwks_server, make_token) -> None:
    now = int(time.time())
    assert_rejected(
        get_me(anonymous_client, make_token(iat=now - 600, nbf=now - 600, exp=now - 60)), "expired"
    )


def test_not_yet_valid_token_is_rejected(anonymous_client, jwks_server, make_token) -> None:
    now = int(time.time())
    assert_rejected(get_me(anonymous_client, make_token(nbf=now + 60, exp=now + 120)), "not yet valid")


def test_wrong_issuer_is_rejected(anonymous_client, jwks_server, make_token) -> None:
    assert_rejected(get_me(anonymous_client, make_token(iss="https://evil.example.com")), "issuer")


def test_wrong_authorized_party_is_rejected(anonymous_client, jwks_server, make_token) -> None:
    assert_rejected(get_me(anonymous_client, make_token(azp="https://evil.example.com")), "authorized party")


def test_missing_required_claim_is_rejected(anonymous_client, jwks_server, make_token) -> None:
    assert_rejected(get_me(anonymous_client, make_token(exp=None)))


@pytest.mark.parametrize("subject", ["", "u" * 65])
def test_unusable_subject_is_rejected(anonymous_client, jwks_server, signing_key, subject: str) -> None:
    token = jwt.encode(
        {**claims_for(), "sub": subject},
        signing_key.private,
        algorithm="RS256",
        headers={"kid": signing_key.kid},
    )
    assert_rejected(get_me(anonymous_client, token), "subject")
    assert not User.objects.exists()


def test_token_without_azp_is_accepted(anonymous_client, jwks_server, make_token) -> None:
    assert get_me(anonymous_client, make_token(azp=None)).status_code == 200


@pytest.mark.parametrize("value", ["Bearer", "Bearer a b", "Bearer not-a-jwt", "Bearer \xe9t\xe9"])
def test_malformed_authorization_header_is_rejected(anonymous_client, jwks_server, value) -> None:
    response = anonymous_client.get(ME, HTTP_AUTHORIZATION=value.encode("latin-1").decode("latin-1"))
    assert_rejected(response)


def test_other_schemes_fall_through_to_401(anonymous_client, jwks_server) -> None:
    assert_rejected(anonymous_client.get(ME, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz"))


def test_nothing_is_accepted_without_configured_issuer(
    anonymous_client, jwks_server, make_token, settings
) -> None:
    settings.CLERK_ISSUER = ""
    assert_rejected(get_me(anonymous_client, make_token()), "not configured")


def test_deactivated_user_is_rejected(anonymous_client, jwks_server, make_token) -> None:
    User.objects.create(clerk_id="user_gone", username="user_gone", is_active=False)
    response = get_me(anonymous_client, make_token(sub="user_gone"))
    assert response.status_code == 401
    assert "deactivated" in response.json()["detail"]


def test_leeway_accepts_a_token_that_expired_seconds_ago(anonymous_client, jwks_server, make_token) -> None:
    now = int(time.time())
    assert get_me(anonymous_client, make_token(iat=now - 60, exp=now - 2)).status_code == 200


def test_leeway_accepts_a_token_valid_in_a_few_seconds(anonymous_client, jwks_server, make_token) -> None:
    now = int(time.time())
    assert get_me(anonymous_client, make_token(nbf=now + 2)).status_code == 200


def test_unknown_kids_refetch_the_jwks_at_most_once_per_cooldown(
    anonymous_client, jwks_server, make_token, clock, settings
) -> None:
    assert get_me(anonymous_client, make_token()).status_code == 200
    assert jwks_server.hits == 1
    for index in range(5):
        assert get_me(anonymous_client, make_token(kid=f"forged-{index}")).status_code == 401
    assert jwks_server.hits == 1, "the cool-down started with the first fetch"
    clock.advance(settings.CLERK_JWKS_REFETCH_COOLDOWN_SECONDS + 1)
    for index in range(5):
        assert get_me(anonymous_client, make_token(kid=f"forged-again-{index}")).status_code == 401
    assert jwks_server.hits == 2
    assert get_me(anonymous_client, make_token()).status_code == 200, "known keys keep working"
    assert jwks_server.hits == 2


def test_rotated_key_is_picked_up_after_the_cooldown(
    anonymous_client, jwks_server, make_token, second_signing_key, signing_key, clock, settings
) -> None:
    assert get_me(anonymous_client, make_token()).status_code == 200
    jwks_server.keys = [second_signing_key.jwk, signing_key.jwk]
    assert get_me(anonymous_client, make_token(second_signing_key)).status_code == 401
    clock.advance(settings.CLERK_JWKS_REFETCH_COOLDOWN_SECONDS + 1)
    assert get_me(anonymous_client, make_token(second_signing_key)).status_code == 200
    assert get_me(anonymous_client, make_token()).status_code == 200
    assert jwks_server.hits == 2


def test_expired_key_set_is_refetched_and_kept_when_clerk_is_unreachable(
    anonymous_client, jwks_server, make_token, clock, settings
) -> None:
    assert get_me(anonymous_client, make_token()).status_code == 200
    clock.advance(settings.CLERK_JWKS_CACHE_SECONDS + 1)
    assert get_me(anonymous_client, make_token()).status_code == 200
    assert jwks_server.hits == 2
    jwks_server.close()
    clock.advance(settings.CLERK_JWKS_CACHE_SECONDS + 1)
    assert get_me(anonymous_client, make_token()).status_code == 200, "last good keys serve during an outage"


def test_only_rsa_signing_keys_are_loaded(anonymous_client, jwks_server, make_token, signing_key) -> None:
    encryption_key = {**signing_key.jwk, "kid": "enc-key", "use": "enc"}
    ec_key = {"kty": "EC", "kid": "ec-key", "crv": "P-256", "x": "AA", "y": "AA"}
    jwks_server.keys = [encryption_key, ec_key, signing_key.jwk]
    assert_rejected(get_me(anonymous_client, make_token(kid="enc-key")), "signing key")
    assert get_me(anonymous_client, make_token()).status_code == 200


def test_failed_first_fetch_is_retried_soon_but_rate_limited(
    anonymous_client, jwks_server, make_token, clock, settings
) -> None:
    jwks_server.failing = True
    for _ in range(3):
        assert get_me(anonymous_client, make_token()).status_code == 503
    assert jwks_server.hits == 1
    jwks_server.failing = False
    clock.advance(31)
    assert settings.CLERK_JWKS_REFETCH_COOLDOWN_SECONDS > 31
    assert get_me(anonymous_client, make_token()).status_code == 200
    assert jwks_server.hits == 2


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"keys": "nope"}', b'{"keys": [1, {"kty": "RSA"}]}', b'{"keys": []}'],
)
def test_unusable_jwks_documents_keep_the_previous_keys(
    anonymous_client, jwks_server, make_token, clock, settings, body: bytes
) -> None:
    assert get_me(anonymous_client, make_token()).status_code == 200
    jwks_server.body = body
    clock.advance(settings.CLERK_JWKS_CACHE_SECONDS + 1)
    assert get_me(anonymous_client, make_token()).status_code == 200
    assert jwks_server.hits == 2


def test_unreachable_jwks_without_a_cached_key_is_503(anonymous_client, jwks_server, make_token) -> None:
    jwks_server.close()
    response = get_me(anonymous_client, make_token())
    assert response.status_code == 503
    assert response.json()["code"] == "jwks_unavailable"


def test_session_authentication_still_works_for_staff(anonymous_client, jwks_server) -> None:
    staff = User.objects.create_user(username="ops", password="x", is_staff=True)
    anonymous_client.force_login(staff)
    response = anonymous_client.get(ME)
    assert response.status_code == 200
    assert response.json()["clerk_id"] is None
