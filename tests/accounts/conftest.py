"""Clerk stand-ins: RSA keys, a JWKS served over HTTP on 127.0.0.1, token and webhook signing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings

from accounts.authentication import reset_jwks_cache

ISSUER = "https://clerk.test.cfipros.local"
AUTHORIZED_PARTY = "https://app.cfipros.test"


class SigningKey:
    def __init__(self, kid: str) -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def jwk(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey("key-1")


@pytest.fixture(scope="session")
def second_signing_key() -> SigningKey:
    return SigningKey("key-2")


class JWKSServer:
    """Serves ``{"keys": [...]}`` and counts the requests it answers."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.hits = 0
        self.body: bytes | None = None  # when set, served instead of the key set
        self.failing = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits += 1
                if server.failing:
                    self.send_error(503)
                    return
                body = server.body if server.body is not None else json.dumps({"keys": server.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jwks.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def jwks_server(settings, signing_key: SigningKey) -> Iterator[JWKSServer]:
    server = JWKSServer()
    server.keys = [signing_key.jwk]
    settings.CLERK_JWKS_URL = server.url
    settings.CLERK_ISSUER = ISSUER
    settings.CLERK_AUTHORIZED_PARTIES = [AUTHORIZED_PARTY]
    reset_jwks_cache()
    yield server
    reset_jwks_cache()
    server.close()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """Drives the JWKS cache's monotonic clock (cool-down and expiry) without sleeping."""
    fake = FakeClock()
    monkeypatch.setattr("accounts.authentication.monotonic", fake)
    return fake


def claims_for(sub: str = "user_2abc", **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": sub,
        "iss": ISSUER,
        "azp": AUTHORIZED_PARTY,
        "iat": now - 1,
        "nbf": now - 1,
        "exp": now + 60,
        "sid": "sess_123",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.fixture
def make_token(signing_key: SigningKey) -> Callable[..., str]:
    def make(key: SigningKey | None = None, *, kid: str | None = None, **overrides: Any) -> str:
        key = key or signing_key
        return jwt.encode(
            claims_for(**overrides), key.private, algorithm="RS256", headers={"kid": kid or key.kid}
        )

    return make


def svix_sign(body: bytes, message_id: str, timestamp: str, secret: str | None = None) -> str:
    key = base64.b64decode((secret or django_settings.CLERK_WEBHOOK_SECRET).removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def svix_headers(
    body: bytes, *, message_id: str | None = None, timestamp: int | None = None
) -> dict[str, str]:
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "HTTP_SVIX_ID": message_id,
        "HTTP_SVIX_TIMESTAMP": stamp,
        "HTTP_SVIX_SIGNATURE": svix_sign(body, message_id, stamp),
    }
