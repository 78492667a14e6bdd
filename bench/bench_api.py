"""Latency of ``POST /api/v1/extractions`` through gunicorn, for a generated text-PDF AKTR.

Starts gunicorn on 127.0.0.1 (a free port) against PostgreSQL and Redis, sends warm-up requests,
then N sequential anonymous uploads of the same small text PDF, and prints p50 / p95 / max of
the client-side time to a complete 201 response. Throttle rates are raised through the
environment so the run measures extraction, not the rate limiter.

Usage::

    .venv/bin/python bench/bench_api.py [--requests 300] [--warmup 20] [--workers 2]
        [--database postgres://postgres@127.0.0.1:5432/cfipros_bench] [--redis redis://127.0.0.1:6379/14]
        [--keep-db]

The database is created and migrated when missing and the ACS catalogue loaded into it; unless
``--keep-db`` is given it is dropped again at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import drop_database, ensure_database  # noqa: E402
from tests.engine.generator.documents import UPLOAD, aktr_pdf  # noqa: E402

PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def multipart(data: bytes, boundary: str) -> bytes:
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="report.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode()


def post(port: int, body: bytes, boundary: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(
        "POST",
        "/api/v1/extractions",
        body=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Forwarded-Proto": "https",
            "Host": "127.0.0.1",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - started) * 1000


def wait_ready(port: int, deadline: float) -> None:
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/cfipros_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cfipros.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": args.database,
        "REDIS_URL": args.redis,
        "SECURE_SSL_REDIRECT": "false",
        "THROTTLE_EXTRACTION_ANON": "1000000/hour",
        "THROTTLE_EXTRACTION_USER": "1000000/day",
        "LOG_LEVEL": "WARNING",
    }
    ensure_database(args.database)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "load_acs_catalog"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )

    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "cfipros.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_ready(port, time.time() + 60)
        boundary = "bench" + secrets.token_hex(8)
        body = multipart(aktr_pdf(UPLOAD), boundary)
        for _ in range(args.warmup):
            post(port, body, boundary)
        times: list[float] = []
        for _ in range(args.requests):
            status, elapsed = post(port, body, boundary)
            if status != 201:
                raise SystemExit(f"unexpected status {status}")
            times.append(elapsed)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        if not args.keep_db:
            drop_database(args.database)

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"POST /api/v1/extractions (text PDF, {len(body)} bytes), {args.requests} sequential requests, "
        f"{args.workers} gunicorn workers: p50 {statistics.median(times):.1f} ms, "
        f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms (load average {load}, "
        f"{os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
