"""Catalogue throughput and p99 through gunicorn with ``wrk``: search and detail in the same run.

Starts ``gunicorn -c gunicorn.conf.py`` (production settings, PostgreSQL and Redis, 2 workers) on
a free port of 127.0.0.1 against a database of its own, then, one after the other with the same
server, drives each workload at 32 connections with ``wrk`` (one thread):

- **search**: ``/api/v1/acs-codes?search=...``, each request drawn at random from ``--pool``
  distinct searches of one word (two in three) or two words, the words drawn from every distinct
  word of four letters or more in the catalogue's descriptions (2,887 words);
- **detail**: ``/api/v1/acs-codes/{code}``, drawn at random from ``--pool`` distinct codes;
- **healthz**, for the floor of the stack.

Each workload starts from an empty server cache, runs ``--warmup`` seconds, then is measured for
``--duration`` seconds; the answers rendered during the measured window (cache misses: URLs the
warm-up never drew) are counted from Redis and printed beside the request count. ``--warmup 0``
measures from an empty cache. Then: a repeated request with ``If-None-Match`` (must be 304), and a
400-word and a 1,300-word search (each must be answered within 200 ms with 422 or results; the
second is longer than gunicorn's default request-line limit). ``wrk`` is installed with apt-get
when missing.

Usage::

    .venv/bin/python bench/bench_catalog.py [--duration 20] [--warmup 10] [--pool 2000]
        [--connections 32] [--workers 2]
        [--database postgres://postgres@127.0.0.1:5432/cfipros_bench_catalog]
        [--redis redis://127.0.0.1:6379/13] [--keep-db]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import drop_database, ensure_database  # noqa: E402

PYTHON = sys.executable
CATALOG = ROOT / "extraction" / "data" / "acs_catalog.json.gz"
LIST = "/api/v1/acs-codes"
HEADERS = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}

LUA = """
local paths = {%s}
init = function(args)
  math.randomseed(tonumber(args[1]))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], {["X-Forwarded-Proto"] = "https"})
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed; install it with apt-get install wrk (root needed)")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or "wrk"


def catalogue() -> tuple[list[str], list[str]]:
    """Every code, and every distinct word of four letters or more of the descriptions."""
    with gzip.open(CATALOG, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    rows = data["elements"] if isinstance(data, dict) else data
    words = sorted({word.lower() for row in rows for word in re.findall(r"[A-Za-z]{4,}", row["description"])})
    return [row["code"] for row in rows], words


def search_paths(words: list[str], count: int, rng: random.Random) -> list[str]:
    """One word in two requests of three, two words in the third: what people type."""
    paths = []
    for _ in range(count):
        terms = rng.sample(words, 1 if rng.random() < 2 / 3 else 2)
        paths.append(f"{LIST}?search={quote(' '.join(terms))}")
    return paths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={**HEADERS, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    etag = response.getheader("ETag") or ""
    conn.close()
    elapsed = (time.perf_counter() - started) * 1000
    return response.status, elapsed, body if not etag else body + b"\nETag: " + etag.encode()


def wait_ready(port: int, deadline: float) -> None:
    while time.time() < deadline:
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    wrk: list[str], port: int, paths: list[str], connections: int, duration: int, seed: int
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ",".join(json.dumps(path) for path in paths))
    try:
        out = subprocess.run(
            [
                *wrk,
                "-t1",
                f"-c{connections}",
                f"-d{duration}s",
                "--latency",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
                "--",
                str(seed),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    return {
        "requests": float(re.search(r"(\d+) requests in", out).group(1)),  # type: ignore[union-attr]
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": to_ms(latency["50"]),
        "p90": to_ms(latency["90"]),
        "p99": to_ms(latency["99"]),
        "errors": float(errors.group(1)) if errors else 0.0,
        "socket_errors": 1.0 if socket_errors else 0.0,
    }


def redis_client(url: str):  # type: ignore[no-untyped-def]
    import redis

    return redis.Redis.from_url(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument(
        "--pool", type=int, default=2000, help="distinct URLs per workload, each drawn at random per request"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=10,
        help="seconds of the same workload first (0: measure from an empty cache)",
    )
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/cfipros_bench_catalog")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="scheduling niceness of this process, gunicorn and wrk, set on their autogroup "
        "(e.g. -15 on a machine shared with other work; negative needs root); PostgreSQL and Redis "
        "keep theirs",
    )
    args = parser.parse_args()

    wrk = ensure_wrk()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cfipros.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": args.database,
        "REDIS_URL": args.redis,
        "SECURE_SSL_REDIRECT": "false",
        "NUM_PROXIES": "0",
        "WEB_CONCURRENCY": str(args.workers),
        "LOG_LEVEL": "WARNING",
    }
    ensure_database(args.database)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "load_acs_catalog"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    codes, words = catalogue()
    rng = random.Random(args.seed)
    workloads = {
        "search": search_paths(words, args.pool, rng),
        "detail": [f"{LIST}/{quote(code)}" for code in rng.sample(codes, min(args.pool, len(codes)))],
        "healthz": ["/healthz"],
    }
    cache = redis_client(args.redis)
    if args.nice:
        # gunicorn and wrk stay in this session, hence in its scheduler autogroup: the kernel shares
        # the CPU between autogroups before it looks at a process's niceness, so the niceness is
        # set on the group (as bench_batch.py does).
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
        autogroup = Path("/proc/self/autogroup")
        if autogroup.exists():
            autogroup.write_text(str(args.nice))
    wrk_command = [wrk]

    port = free_port()
    gunicorn = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "cfipros.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: dict[str, dict[str, float]] = {}
    try:
        wait_ready(port, time.time() + 90)
        for name, paths in workloads.items():
            cache.flushdb()
            if args.warmup:
                run_wrk(wrk_command, port, paths, args.connections, args.warmup, args.seed + 1)
            before = len(cache.keys("*acs-catalog:*"))
            results[name] = run_wrk(wrk_command, port, paths, args.connections, args.duration, args.seed)
            results[name]["rendered"] = float(len(cache.keys("*acs-catalog:*")) - before)

        status, _, body = get(port, workloads["search"][0])
        etag = body.rsplit(b"ETag: ", 1)[1].decode()
        repeated, repeated_ms, _ = get(port, workloads["search"][0], {"If-None-Match": etag})
        long_searches = {}
        for count in (400, 1300):
            path = f"{LIST}?search={quote(' '.join(rng.choice(words) for _ in range(count)))}"
            timings = [get(port, path) for _ in range(20)]
            long_searches[count] = (len(path), {t[0] for t in timings}, max(t[1] for t in timings))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        if not args.keep_db:
            drop_database(args.database)

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"{args.workers} gunicorn workers, wrk -t1 -c{args.connections} -d{args.duration}s after a "
        f"{args.warmup} s warm-up, {args.pool} distinct URLs per workload, load average {load}, "
        f"{os.cpu_count()} cores" + (f", nice {args.nice}" if args.nice else "")
    )
    for name, figures in results.items():
        rendered = f", {figures['rendered']:.0f} rendered (misses)" if name != "healthz" else ""
        print(
            f"  {name:8} {figures['rps']:8.0f} req/s  p50 {figures['p50']:6.1f} ms  "
            f"p90 {figures['p90']:6.1f} ms  p99 {figures['p99']:6.1f} ms  "
            f"{figures['requests']:.0f} requests, {figures['errors']:.0f} non-2xx{rendered}"
        )
    ratio = results["search"]["rps"] / results["detail"]["rps"]
    print(f"  search / detail throughput: {ratio:.0%}")
    print(f"  repeated search with If-None-Match: {repeated} in {repeated_ms:.1f} ms (first: {status})")
    for count, (length, statuses, worst) in long_searches.items():
        print(
            f"  {count}-word search ({length} bytes of URL), 20 requests: status {sorted(statuses)}, "
            f"slowest {worst:.1f} ms"
        )


if __name__ == "__main__":
    main()
