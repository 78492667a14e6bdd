"""Health probes, problem+json errors and the committed API contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_without_touching_the_database(client) -> None:
    """No django_db mark: pytest-django fails the test if the view opens the database."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_cache(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok"}


@pytest.mark.django_db
def test_readyz_names_the_failed_dependency(client, monkeypatch) -> None:
    from cfipros.api import health

    def broken() -> None:
        raise ConnectionError("down")

    monkeypatch.setattr(health, "_check_cache", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["failed"] == ["cache"]


def test_unknown_url_is_problem_json(client) -> None:
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert body["status"] == 404


def test_contract_is_up_to_date(tmp_path) -> None:
    """The committed OpenAPI file equals a fresh generation, and generation emits no warning."""
    out = tmp_path / "openapi.yaml"
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--file", str(out), "--validate", "--fail-on-warn"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "cfipros.settings.test", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    committed = (ROOT / "contracts" / "openapi.yaml").read_text()
    assert out.read_text() == committed, "contracts/openapi.yaml is stale: run `make contract`"
