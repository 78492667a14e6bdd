"""Searches of any length through gunicorn, as deployed: the API's 422, never gunicorn's own 414."""

from __future__ import annotations

import http.client
import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_workers_are_forked_from_a_preloaded_application(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUNICORN_PRELOAD", raising=False)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["preload_app"] is True
    monkeypatch.setenv("GUNICORN_PRELOAD", "false")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["preload_app"] is False


def test_the_request_line_is_left_to_the_application(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUNICORN_LIMIT_REQUEST_LINE", raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["limit_request_line"] == 0
    monkeypatch.setenv("GUNICORN_LIMIT_REQUEST_LINE", "8190")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["limit_request_line"] == 8190


@pytest.fixture(scope="module")
def gunicorn_port(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn -c gunicorn.conf.py under production settings, one worker, on the test database."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = _free_port()
    database = connection.settings_dict
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cfipros.settings.production",
        "SECRET_KEY": "long-url-test-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "NUM_PROXIES": "0",
        "SECURE_SSL_REDIRECT": "false",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
    }
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        server = subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py", "cfipros.wsgi:application", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, log_path.read_text()[-3000:]
                try:
                    if _get(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
            yield port
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def _get(port: int, path: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        conn.close()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("words", [400, 1300, 5000])
def test_a_search_of_any_length_gets_a_problem_from_the_api(gunicorn_port: int, words: int) -> None:
    """400 and 1,300 words: the search's 422. 5,000 words (40 kB): past what the API reads of a
    URL at all, which may be refused whole (414) before the search is looked at; either way the
    answer is the API's problem+json, never gunicorn's plain-text 414."""
    path = "/api/v1/acs-codes?search=" + quote(" ".join(["weather"] * words))
    assert len(path) > 4094 or words == 400  # past gunicorn's default request-line limit
    status, content_type, body = _get(gunicorn_port, path)
    assert content_type == "application/problem+json", (status, body[:500])
    if words <= 1300:
        assert status == 422
        limit = f"A search is at most 200 characters; this one has {8 * words - 1}."
        assert json.loads(body)["errors"]["search"] == [limit]
    else:
        assert status in (414, 422)
