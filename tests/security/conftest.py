"""The Clerk stand-ins of ``tests/accounts`` (keys, a JWKS server, a JWKS clock) for the security
regression tests, which attack the same boundaries."""

from tests.accounts.conftest import clock, jwks_server, make_token, second_signing_key, signing_key

__all__ = ["clock", "jwks_server", "make_token", "second_signing_key", "signing_key"]
