"""Request bodies: 2 MB on every path but the upload endpoints, refused before the body is read.

The audit's finding: an anonymous 20 MB multipart POST to ``/admin/login/`` was buffered in
memory (Django's file-upload handlers keep files in memory up to the batch cap) before the CSRF
check rejected it. Now a body announced larger than its path's cap is answered 413
problem+json at once and never read; a chunked body (no length announced) is bounded while it
is read. Tested in process with a body stream that counts what is read, and against gunicorn over
a socket: the answer arrives while the client is still far from done sending.
"""

from __future__ import annotations

import asyncio
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.personas import client_for

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PROBLEM = "application/problem+json"
ROOT = Path(__file__).resolve().parents[2]
BOUNDARY = "----cfipros-test-boundary"


class CountingBody(io.RawIOBase):
    """A request body of ``size`` bytes, made up as it is read, counting what was read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_bytes = 0
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self.size - self.read_bytes)
        if n <= 0:
            return 0
        data = self.head[self.read_bytes : self.read_bytes + n]
        buffer[:n] = data + b"x" * (n - len(data))
        self.read_bytes += n
        return n


def _post_announcing(path: str, size: int, content_type: str = f"multipart/form-data; boundary={BOUNDARY}"):
    body = CountingBody(size)
    response = Client(enforce_csrf_checks=True).generic(
        "POST",
        path,
        data=b"",
        content_type=content_type,
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": body},
    )
    return response, body


def _assert_refused(response: Any) -> None:
    assert response.status_code == 413, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 413 and problem["code"] == "payload_too_large"
    assert response["Connection"] == "close"


# --- in process ---------------------------------------------------------------------------------


def test_a_20_mb_post_to_the_admin_login_is_refused_before_it_is_read() -> None:
    response, body = _post_announcing("/admin/login/", 20 * MB)
    _assert_refused(response)
    assert body.read_bytes == 0


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/admin/login/", "application/x-www-form-urlencoded"),
        ("/api/v1/me", "application/json"),
        ("/api/v1/webhooks/clerk", "application/json"),
        ("/api/v1/reports/00000000-0000-0000-0000-000000000000/share", "application/json"),
        ("/api/v1/no-such-route", "application/json"),
        ("/", f"multipart/form-data; boundary={BOUNDARY}"),
    ],
)
def test_every_other_path_takes_at_most_2_mb(path: str, content_type: str) -> None:
    from cfipros.body_limits import body_cap

    assert body_cap(path) == 2 * MB == settings.MAX_REQUEST_BODY_BYTES
    response, body = _post_announcing(path, 2 * MB + 1, content_type)
    _assert_refused(response)
    assert body.read_bytes == 0


def test_a_body_at_the_cap_is_read_as_usual() -> None:
    response, body = _post_announcing("/api/v1/webhooks/clerk", 2 * MB, "application/json")
    assert response.status_code in (400, 401), response.content[:300]  # read, then refused unsigned
    assert body.read_bytes == 2 * MB


def test_the_upload_endpoints_keep_their_own_caps() -> None:
    from cfipros.body_limits import body_cap

    assert body_cap("/api/v1/extractions") > settings.MAX_UPLOAD_FILE_BYTES > 2 * MB
    assert body_cap("/api/v1/batches") > settings.MAX_BATCH_BYTES
    # A 3 MB upload is read and judged by the engine (not a document: 415), not refused by size.
    file = SimpleUploadedFile("big.bin", b"\x00" * (3 * MB), content_type="application/octet-stream")
    response = client_for(None).post("/api/v1/extractions", {"file": file}, format="multipart")
    assert response.status_code == 415, response.content[:300]
    over, body = _post_announcing("/api/v1/extractions", body_cap("/api/v1/extractions") + 1)
    _assert_refused(over)
    assert body.read_bytes == 0


# --- ASGI: a chunked body is bounded while it is read -------------------------------------------------


async def _asgi_call(headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[list[dict], int]:
    sent: list[dict] = []
    received = 0
    reached_app = False

    async def app(scope: dict, receive: Any, send: Any) -> None:
        nonlocal reached_app
        reached_app = True
        while True:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    pending = list(chunks)

    async def receive() -> dict:
        nonlocal received
        if not pending:
            return {"type": "http.disconnect"}
        chunk = pending.pop(0)
        received += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message: dict) -> None:
        sent.append(message)

    from cfipros.body_limits import BodyLimitASGIMiddleware

    scope = {"type": "http", "method": "POST", "path": "/admin/login/", "headers": headers}
    await BodyLimitASGIMiddleware(app)(scope, receive, send)
    return sent, received


def test_asgi_refuses_an_announced_body_without_reading_it() -> None:
    sent, received = asyncio.run(_asgi_call([(b"content-length", str(20 * MB).encode())], [b"x" * MB] * 20))
    assert sent[0]["status"] == 413 and received == 0
    assert b"payload_too_large" in sent[1]["body"]


def test_asgi_stops_a_chunked_body_at_the_cap() -> None:
    sent, received = asyncio.run(_asgi_call([(b"transfer-encoding", b"chunked")], [b"x" * (MB // 2)] * 40))
    statuses = [m["status"] for m in sent if m["type"] == "http.response.start"]
    assert statuses == [413]
    assert received <= 2 * MB + MB // 2


def test_asgi_passes_a_small_body_through() -> None:
    sent, received = asyncio.run(_asgi_call([(b"content-length", b"10")], [b"x" * 10]))
    assert sent[0]["status"] == 200 and received == 10


# --- against gunicorn -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn_server(django_db_setup: None, tmp_path: Path) -> Iterator[int]:
    """gunicorn under production settings (as ``make serve`` runs it), one worker."""
    port = _free_port()
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cfipros.settings.production",
        "SECRET_KEY": "body-limit-test-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        "REDIS_URL": settings.REDIS_URL,
        "NUM_PROXIES": "0",
        "SECURE_SSL_REDIRECT": "false",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "-c", "gunicorn.conf.py", "cfipros.wsgi:application"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    if probe.recv(64).startswith(b"HTTP/1.1 200"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()


def _send_until_answered(port: int, head: bytes, body_chunk: bytes, total: int) -> tuple[bytes, int]:
    """Send ``head``, then ``body_chunk`` repeatedly up to ``total`` bytes, stopping as soon as an
    answer arrives (or the server closes); returns the answer and how many body bytes went out."""
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head)
        conn.setblocking(False)
        while sent < total:
            try:
                answer += conn.recv(65536)
                if answer:
                    break
            except BlockingIOError:
                pass
            except ConnectionResetError:
                break
            try:
                sent += conn.send(body_chunk[: total - sent])
            except BlockingIOError:
                time.sleep(0.01)
            except (BrokenPipeError, ConnectionResetError):
                break
        conn.setblocking(True)
        conn.settimeout(10)
        try:
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                more = conn.recv(65536)
                if not more:
                    break
                answer += more
        except (TimeoutError, ConnectionResetError):
            pass
    return answer, sent


@pytest.mark.slow
def test_gunicorn_answers_413_before_the_client_has_sent_the_20_mb(gunicorn_server: int) -> None:
    total = 20 * MB
    head = (
        "POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {total}\r\n\r\n"
    ).encode()
    answer, sent = _send_until_answered(gunicorn_server, head, b"x" * (256 * 1024), total)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413 "), answer[:300]
    assert b"application/problem+json" in rest and b'"payload_too_large"' in rest
    # The server answered while most of the body was still unsent: it never waited for it.
    assert sent < total // 2, sent


@pytest.mark.slow
def test_gunicorn_does_not_wait_for_a_chunked_body_either(gunicorn_server: int) -> None:
    head = (
        "POST /admin/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"%x\r\n%s\r\n" % (256 * 1024, b"x" * (256 * 1024))
    answer, sent = _send_until_answered(gunicorn_server, head, chunk * 4, 20 * MB)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    assert 400 <= status < 500, answer[:300]
    assert sent < 10 * MB, sent
