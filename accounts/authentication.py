"""DRF authentication with Clerk RS256 session tokens, verified against Clerk's JWKS.

Keys are cached per process; any JWKS request (first load, expiry, unknown ``kid``) happens at most
once per cool-down (sooner, but still rate-limited, after a failed fetch), so a flood of forged
tokens or an unreachable Clerk cannot turn into a flood of outgoing requests. Past their TTL, keys
stay usable for ``CLERK_JWKS_MAX_STALE`` more seconds while Clerk cannot be reached: one request
refreshes them and the others are answered from the stale set without waiting. With no usable key
set at all (Clerk down from the start, or for longer than that), a token cannot be checked either
way and the answer is 503, not 401.
"""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.request
from time import monotonic
from typing import Any

import jwt
from django.conf import settings
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import User
from accounts.services import CLERK_ID_MAX_LENGTH, user_get_or_create_from_claims
from cfipros.errors import Unavailable

MAX_JWKS_BYTES = 1_000_000


class KeysUnavailable(Unavailable):
    """No usable signing key set: never fetched, or stale past ``max_stale`` and Clerk unreachable."""

    code = "jwks_unavailable"
    default_detail = "The identity provider's signing keys cannot be fetched right now; try again shortly."


class JWKSClient:
    """Fetches and caches the RSA signing keys of a JWKS document, keyed by ``kid``."""

    def __init__(
        self,
        url: str,
        *,
        ttl: int,
        cooldown: int,
        max_stale: int = 3600,
        failure_retry: int = 30,
        timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.ttl = ttl
        self.cooldown = cooldown
        # How long past its TTL a key set is still trusted while it cannot be refreshed: bounded,
        # because a key Clerk revoked in the meantime would be accepted until then.
        self.max_stale = max_stale
        # After a failed fetch the next attempt may come sooner than the cool-down (but never more
        # often than this), so a blip at start-up does not lock every user out for a whole cool-down.
        self.failure_retry = min(failure_retry, cooldown)
        self.timeout = timeout
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._last_attempt: float | None = None
        self._last_failed = False
        self._lock = threading.Lock()

    def _fetch(self) -> None:
        self._last_attempt = monotonic()
        self._last_failed = True
        with urllib.request.urlopen(self.url, timeout=self.timeout) as response:  # noqa: S310
            document = json.loads(response.read(MAX_JWKS_BYTES))
        entries = document.get("keys") if isinstance(document, dict) else None
        keys: dict[str, Any] = {}
        for jwk in entries if isinstance(entries, list) else []:
            if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or not jwk.get("kid"):
                continue
            if jwk.get("use", "sig") == "sig":
                keys[str(jwk["kid"])] = jwt.algorithms.RSAAlgorithm.from_jwk(jwk)
        if not keys:
            raise ValueError("The JWKS document has no RSA signing key.")
        self._keys = keys
        self._fetched_at = monotonic()
        self._last_failed = False

    def _fresh(self, now: float) -> bool:
        return self._fetched_at is not None and now - self._fetched_at <= self.ttl

    def _usable(self, now: float) -> bool:
        return self._fetched_at is not None and now - self._fetched_at <= self.ttl + self.max_stale

    def _refresh(self, kid: str) -> None:
        """Fetch the key set if it is stale or lacks ``kid`` and the cool-down allows; the caller
        holds the lock. A failure keeps the previous set, within its bounds."""
        now = monotonic()
        wanted = kid not in self._keys or not self._fresh(now)
        wait = self.failure_retry if self._last_failed else self.cooldown
        allowed = self._last_attempt is None or now - self._last_attempt >= wait
        if wanted and allowed:
            with contextlib.suppress(OSError, ValueError, jwt.PyJWTError):
                self._fetch()

    def get_key(self, kid: str) -> Any | None:
        """The key for ``kid``, or ``None`` when the key set is known and has no such key.

        A fresh key is returned at once. A stale one (past the TTL, within ``max_stale``) is
        returned at once too, by every request but the one that takes the lock to refresh the set.
        Without a usable key for ``kid`` the request waits for the refresh. Raises
        :class:`KeysUnavailable` when no usable key set can be had.
        """
        now = monotonic()
        key = self._keys.get(kid)
        if key is not None and self._fresh(now):
            return key
        if key is not None and self._usable(now):
            if self._lock.acquire(blocking=False):
                try:
                    self._refresh(kid)
                finally:
                    self._lock.release()
            # After a refresh that dropped ``kid`` (Clerk revoked it) this is None: refused.
            return self._keys.get(kid)
        with self._lock:
            self._refresh(kid)
            if not self._usable(monotonic()):
                raise KeysUnavailable()
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
                max_stale=settings.CLERK_JWKS_MAX_STALE,
            )
            _clients[url] = client
        return client


def reset_jwks_cache() -> None:
    """Forget every cached key set (used when settings change, e.g. in tests)."""
    with _clients_lock:
        _clients.clear()


def verify_session_token(token: str) -> dict[str, Any]:
    """Return the verified claims of a Clerk session token or raise ``AuthenticationFailed``.

    The algorithm is pinned to RS256 before any key is looked up, so ``alg: none`` and HS256 tokens
    signed with the public key are refused. Without a configured issuer nothing is accepted. Raises
    :class:`KeysUnavailable` (503) when Clerk's keys cannot be had, since the token may be valid.
    """
    if not settings.CLERK_JWKS_URL or not settings.CLERK_ISSUER:
        raise exceptions.AuthenticationFailed("Bearer authentication is not configured.")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise exceptions.AuthenticationFailed("Malformed token.") from exc
    if header.get("alg") != "RS256":
        raise exceptions.AuthenticationFailed("Only RS256 tokens are accepted.")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise exceptions.AuthenticationFailed("Unknown signing key.")
    key = get_jwks_client().get_key(kid)
    if key is None:
        raise exceptions.AuthenticationFailed("Unknown signing key.")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            issuer=settings.CLERK_ISSUER,
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
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject or len(subject) > CLERK_ID_MAX_LENGTH:
        raise exceptions.AuthenticationFailed("Invalid token subject.")
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
        user = user_get_or_create_from_claims(claims)
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User is deactivated.")
        return user, claims

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
