"""Probes answer under production settings whatever the Host and scheme; other paths stay guarded."""

from __future__ import annotations

import json

import pytest

from tests.operations.processes import PRODUCTION_ENV, run_python

PROBE_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client()
out = {}
for path in ("/healthz", "/readyz", "/api/v1/acs-codes"):
    for host in ("10.1.2.3", "api.cfipros.test"):
        r = client.get(path, HTTP_HOST=host)
        out[f"{path} {host}"] = [r.status_code, r.get("X-Request-ID", "")]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def answers() -> dict[str, list]:
    """Real production settings in a fresh interpreter; plain HTTP, no X-Forwarded-Proto."""
    result = run_python(PROBE_SCRIPT, {**PRODUCTION_ENV, "LOG_LEVEL": "CRITICAL"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("host", ["10.1.2.3", "api.cfipros.test"])
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_200_on_any_host_over_plain_http(answers, path: str, host: str) -> None:
    status, request_id = answers[f"{path} {host}"]
    assert status == 200
    assert request_id


def test_other_paths_still_refuse_an_unknown_host(answers) -> None:
    assert answers["/api/v1/acs-codes 10.1.2.3"][0] == 400


def test_other_paths_still_redirect_plain_http_to_https(answers) -> None:
    assert answers["/api/v1/acs-codes api.cfipros.test"][0] == 301


def test_probe_is_answered_in_process_under_production_like_settings(client, settings) -> None:
    settings.ALLOWED_HOSTS = ["api.cfipros.test"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.get("/api/v1/acs-codes", HTTP_HOST="10.1.2.3").status_code == 400
