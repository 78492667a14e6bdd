"""Client identity behind proxies: configured on purpose in production, and IPv6 keyed by its /64.

The audit's findings: ``NUM_PROXIES`` defaulted to 0 while production sits behind a TLS proxy, so
every anonymous user shared the proxy's address and one bucket of uploads (one client could lock
everyone out); and IPv6 clients were keyed per address, so a client rotating through the 2^64
addresses of its own network escaped the limit. Now production refuses to start until it is told
how to find the client (``NUM_PROXIES``, or a ``TRUSTED_PROXIES`` list), and a throttle counts an
IPv6 client by its /64.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

import pytest
from django.test import override_settings

from tests.operations.processes import PRODUCTION_ENV, run_python
from tests.personas import client_for
from tests.reports.conftest import clean_throttles, engine_catalog, pdf
from tests.reports.helpers import upload
from tests.reports.test_throttles import rates

__all__ = ["clean_throttles", "engine_catalog", "pdf"]  # fixtures of the report tests, used here

SETUP = "import django; django.setup(); from django.conf import settings; print(settings.NUM_PROXIES)"


# --- production must be told how to find the client ------------------------------------------------


def _production(**env: str) -> dict[str, str]:
    base = {k: v for k, v in PRODUCTION_ENV.items() if k not in ("NUM_PROXIES", "TRUSTED_PROXIES")}
    return {**base, **env}


def test_production_refuses_to_start_without_knowing_its_proxies() -> None:
    result = run_python(SETUP, _production())
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in message
    assert "NUM_PROXIES or TRUSTED_PROXIES" in message


def test_production_names_it_with_the_other_missing_variables() -> None:
    env = {k: v for k, v in _production().items() if k != "SECRET_KEY"}
    message = run_python(SETUP, env).stderr.strip().splitlines()[-1]
    assert "SECRET_KEY" in message and "NUM_PROXIES or TRUSTED_PROXIES" in message


@pytest.mark.parametrize(
    ("env", "printed"),
    [
        ({"NUM_PROXIES": "1"}, "1"),
        ({"NUM_PROXIES": "0"}, "0"),  # said on purpose: the app faces clients directly
        ({"TRUSTED_PROXIES": "10.0.0.0/8, fd00::/8"}, "0"),
    ],
)
def test_production_starts_once_told(env: dict[str, str], printed: str) -> None:
    result = run_python(SETUP, _production(**env))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == printed


@pytest.mark.parametrize(
    "env", [{"NUM_PROXIES": "-1"}, {"NUM_PROXIES": "two"}, {"TRUSTED_PROXIES": "10.0.0.0/8,not-a-network"}]
)
def test_production_refuses_a_setting_it_cannot_use(env: dict[str, str]) -> None:
    result = run_python(SETUP, _production(**env))
    assert result.returncode != 0
    assert next(iter(env)) in result.stderr.strip().splitlines()[-1]


# --- who the client is ----------------------------------------------------------------------------


def _address(remote: str, forwarded: str | None = None, **config: object) -> str:
    from cfipros.client_address import client_address

    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(**{"NUM_PROXIES": 0, "TRUSTED_PROXIES": [], **config}):
        return client_address(meta)


def test_without_proxies_the_socket_peer_is_the_client() -> None:
    assert _address("198.51.100.7", "203.0.113.1") == "198.51.100.7"


def test_num_proxies_takes_the_address_that_many_from_the_right() -> None:
    assert _address("10.0.0.2", "1.2.3.4, 203.0.113.9", NUM_PROXIES=1) == "203.0.113.9"
    assert _address("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1", NUM_PROXIES=2) == "203.0.113.9"
    assert _address("10.0.0.2", None, NUM_PROXIES=1) == "10.0.0.2"


def test_trusted_proxies_skip_the_proxies_and_stop_at_the_first_stranger() -> None:
    trusted = {"TRUSTED_PROXIES": ["10.0.0.0/8", "fd00::/8"]}
    # The client forged the leftmost entry; the proxies appended the real address and their own.
    assert _address("10.0.0.2", "6.6.6.6, 203.0.113.9, 10.1.1.1", **trusted) == "203.0.113.9"
    assert _address("fd00::5", "2001:db8::7", **trusted) == "2001:db8::7"
    # A peer that is no proxy of ours is the client, whatever it claims to forward for.
    assert _address("198.51.100.1", "203.0.113.9", **trusted) == "198.51.100.1"
    # Only proxies all the way: the leftmost of them.
    assert _address("10.0.0.2", "10.3.3.3", **trusted) == "10.3.3.3"


def test_a_malformed_forwarded_entry_falls_back_to_the_peer() -> None:
    assert _address("10.0.0.2", "not-an-ip", NUM_PROXIES=1) == "10.0.0.2"
    assert _address("10.0.0.2", "203.0.113.9:4711", NUM_PROXIES=1) == "203.0.113.9"
    assert _address("10.0.0.2", "[2001:db8::7]:443", NUM_PROXIES=1) == "2001:db8::7"


# --- the throttles --------------------------------------------------------------------------------


@pytest.fixture
def one_upload_an_hour() -> Iterator[None]:
    with rates(extraction_anon="1/hour"):
        yield


@pytest.mark.django_db
@pytest.mark.usefixtures("one_upload_an_hour")
def test_ipv6_clients_are_counted_by_their_64(pdf: bytes) -> None:
    network = ipaddress.ip_network("2001:db8:1:2::/64")
    first, last = str(network[1]), str(network[-2])
    assert upload(client_for(None), pdf, REMOTE_ADDR=first).status_code == 201
    refused = upload(client_for(None), pdf, REMOTE_ADDR=last)
    assert refused.status_code == 429
    assert upload(client_for(None), pdf, REMOTE_ADDR="2001:db8:1:3::1").status_code == 201


@pytest.mark.django_db
@pytest.mark.usefixtures("one_upload_an_hour")
def test_ipv4_clients_are_counted_by_their_address(pdf: bytes) -> None:
    assert upload(client_for(None), pdf, REMOTE_ADDR="198.51.100.7").status_code == 201
    assert upload(client_for(None), pdf, REMOTE_ADDR="::ffff:198.51.100.7").status_code == 429
    assert upload(client_for(None), pdf, REMOTE_ADDR="198.51.100.8").status_code == 201


@pytest.mark.django_db
@pytest.mark.usefixtures("one_upload_an_hour")
def test_behind_trusted_proxies_one_client_is_one_bucket_whatever_it_forges(pdf: bytes) -> None:
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        proxy = {"REMOTE_ADDR": "10.0.0.2"}
        first = upload(client_for(None), pdf, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9", **proxy)
        assert first.status_code == 201
        forged = upload(client_for(None), pdf, HTTP_X_FORWARDED_FOR="2.2.2.2, 203.0.113.9", **proxy)
        assert forged.status_code == 429
        other = upload(client_for(None), pdf, HTTP_X_FORWARDED_FOR="203.0.113.10", **proxy)
        assert other.status_code == 201
