"""Standard Webhooks signing, and the endpoint secret kept encrypted at rest.

A secret is ``whsec_`` followed by the base64 of 32 random bytes; the HMAC key is those bytes. The
signature of a message is ``v1,`` and the base64 of HMAC-SHA256 over ``{id}.{timestamp}.{body}``.
The stored form is a Fernet token under a key derived from ``WEBHOOKS_SECRET_KEY`` (by default the
Django ``SECRET_KEY``), so a copy of the database alone does not let anyone forge deliveries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet
from django.conf import settings

SECRET_PREFIX = "whsec_"  # noqa: S105 (the scheme's prefix, not a secret)
SECRET_BYTES = 32


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def message_id_generate() -> str:
    return "msg_" + secrets.token_hex(12)


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` header of one message sent at ``timestamp`` (Unix seconds)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(secret: str, message_id: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def _fernet() -> Fernet:
    material = str(settings.WEBHOOKS_SECRET_KEY or settings.SECRET_KEY).encode()
    key = hashlib.sha256(b"cfipros-webhook-secrets:" + material).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode("ascii")


def secret_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode("ascii")
