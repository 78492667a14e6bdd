"""gunicorn.conf.py: workers from the cores, graceful shutdown, an access log without queries."""

from __future__ import annotations

import logging
import os
import runpy
from pathlib import Path

from cfipros.logs import RequestContextFilter

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _load(monkeypatch, **env: str) -> dict:
    for name in ("WEB_CONCURRENCY", "LOG_FORMAT", "DJANGO_SETTINGS_MODULE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_workers_follow_the_cores_unless_the_environment_says(monkeypatch) -> None:
    assert _load(monkeypatch)["workers"] == len(os.sched_getaffinity(0))
    assert _load(monkeypatch, WEB_CONCURRENCY="5")["workers"] == 5


def test_graceful_shutdown_and_timeouts_are_set(monkeypatch) -> None:
    conf = _load(monkeypatch)
    assert 0 < conf["graceful_timeout"] <= conf["timeout"]
    assert _load(monkeypatch, GUNICORN_GRACEFUL_TIMEOUT="12")["graceful_timeout"] == 12


def test_the_access_log_leaves_out_query_strings(monkeypatch) -> None:
    fmt = _load(monkeypatch)["access_log_format"]
    assert "%(U)s" in fmt
    for with_query in ("%(r)s", "%(q)s", "%({raw_uri}e)s"):
        assert with_query not in fmt


def test_logs_are_json_under_production_settings_and_plain_locally(monkeypatch) -> None:
    def formatter(**env: str) -> str:
        return _load(monkeypatch, **env)["logconfig_dict"]["handlers"]["console"]["formatter"]

    assert formatter() == "json"
    assert formatter(DJANGO_SETTINGS_MODULE="cfipros.settings.local") == "plain"
    assert formatter(DJANGO_SETTINGS_MODULE="cfipros.settings.local", LOG_FORMAT="json") == "json"


def test_an_access_line_gets_the_request_id_of_its_response() -> None:
    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(U)s", None, None)
    record.args = {"U": "/healthz", "{x-request-id}o": "req-from-response"}
    RequestContextFilter().filter(record)
    assert record.request_id == "req-from-response"
