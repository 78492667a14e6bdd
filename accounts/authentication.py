"""DRF authentication with Clerk RS256 session tokens, verified against Clerk's JWKS.

Keys are cached per process; an unknown ``kid`` triggers at most one JWKS refetch per cool-down,
so a flood of forged tokens cannot turn into a flood of requests to Clerk.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

import jwt
from django.conf import settings
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import User


class JWKSClient:
    """Fetches and caches the public keys of a JWKS document, keyed by ``kid``."""

    def __init__(self, url: str, *, ttl: int, cooldown: int, timeout: float = 5.0) -> None:
        self.url = url
        self.ttl = ttl
        self.cooldown = cooldown
        self.timeout = timeout
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._last_attempt = 0.0
        self._lock = threading.Lock()

    def _fetch(self) -> None:
        self._last_attempt = time.monotonic()
        with urllib.request.urlopen(self.url, timeout=self.timeout) as response:  # noqa: S310
            document = json.loads(response.read())
        keys: dict[str, Any] = {}
        for jwk in document.get("keys", []):
            if jwk.get("kty") == "RSA" and jwk.get("kid"):
                keys[jwk["kid"]] = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
        self._keys = keys
        self._fetched_at = time.monotonic()

    def get_key(self, kid: str) -> Any | None:
        with self._lock:
            now = time.monotonic()
            stale = not self._keys or now - self._fetched_at > self.ttl
            unknown = kid not in self._keys and now - self._last_attempt >= self.cooldown
            if stale or unknown:
                try:
                    self._fetch()
                except (OSError, ValueError):
                    if not self._keys:
                        return None
            return self._keys.get(kid)


_clients: dict[str, JWKSClient] = {}
_clients_lock = threading.Lock()


def get_jwks_client() -> JWKSClient:
    url = settings.CLERK_JWKS_URL
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = JWKSClient(
                url,
                ttl=settings.CLERK_JWKS_CACHE_SECONDS,
                cooldown=settings.CLERK_JWKS_REFETCH_COOLDOWN_SECONDS,
            )
            _clients[url] = client
        return client


def reset_jwks_cache() -> None:
    """Forget every cached key set (used when settings change, e.g. in tests)."""
    with _clients_lock:
        _clients.clear()


def verify_session_token(token: str) -> dict[str, Any]:
    """Return the verified claims of a Clerk session token or raise ``AuthenticationFailed``."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise exceptions.AuthenticationFailed("Malformed token.") from exc
    if header.get("alg") != "RS256":
        raise exceptions.AuthenticationFailed("Only RS256 tokens are accepted.")
    kid = header.get("kid")
    if not kid or not settings.CLERK_JWKS_URL:
        raise exceptions.AuthenticationFailed("Unknown signing key.")
    key = get_jwks_client().get_key(kid)
    if key is None:
        raise exceptions.AuthenticationFailed("Unknown signing key.")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            issuer=settings.CLERK_ISSUER or None,
            leeway=settings.CLERK_JWT_LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "iss"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise exceptions.AuthenticationFailed("Token has expired.") from exc
    except jwt.ImmatureSignatureError as exc:
        raise exceptions.AuthenticationFailed("Token is not yet valid.") from exc
    except jwt.InvalidIssuerError as exc:
        raise exceptions.AuthenticationFailed("Token issuer is not accepted.") from exc
    except jwt.InvalidTokenError as exc:
        raise exceptions.AuthenticationFailed("Invalid token.") from exc
    azp = claims.get("azp")
    if azp is not None and azp not in settings.CLERK_AUTHORIZED_PARTIES:
        raise exceptions.AuthenticationFailed("Token authorized party is not accepted.")
    return claims


class ClerkJWTAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <Clerk session JWT>``; the first valid token creates the local user."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, dict[str, Any]] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization header must be 'Bearer <token>'.")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Malformed token.") from exc
        claims = verify_session_token(token)
        from accounts.services import user_get_or_create_from_claims

        user = user_get_or_create_from_claims(claims)
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User is deactivated.")
        return user, claims

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
