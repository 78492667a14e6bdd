"""Outgoing webhooks through a real Celery worker: from the event to the receiver, and what an
event costs the service that raises it.

The script raises events with ``webhook_emit`` for a user whose ``--endpoints`` endpoints all
point at a receiver on 127.0.0.1 (``WEBHOOKS_ALLOW_PRIVATE``), and a ``celery -A cfipros worker
--concurrency N`` subprocess on a queue of its own delivers them. For each delivery the clock runs
from the emit until the receiver has the request. First ``--single`` events one at a time (the
latency of a delivery with nothing queued before it), then ``--events`` at once (a burst: the
median and p95 include the wait in the queue, and the deliveries per second over the burst). A second
measure times ``webhook_emit`` for a user with no endpoint (what every batch file and report pays
when nobody listens), in process.

Usage::

    .venv/bin/python bench/bench_webhooks.py [--events 200] [--single 30] [--endpoints 2] [--concurrency 2]
        [--database postgres://postgres@127.0.0.1:5432/cfipros_bench_webhooks]
        [--redis redis://127.0.0.1:6379/12] [--keep-db]

The database is created and migrated when missing and dropped at the end unless ``--keep-db``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import drop_database, ensure_database  # noqa: E402
from tests.batches.workers import spawn_worker, stop_worker  # noqa: E402

PYTHON = sys.executable


def start_receiver() -> tuple[ThreadingHTTPServer, dict[str, float]]:
    """A receiver that notes when each (sequence number, endpoint path) arrived."""
    arrivals: dict[str, float] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            at = time.time()
            sequence = body.split(b'"sequence":', 1)[1].split(b"}", 1)[0].decode()
            with lock:
                arrivals[f"{self.path}#{sequence}"] = at
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, arrivals


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--endpoints", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--single", type=int, default=30, help="events sent one at a time first")
    parser.add_argument("--emit-runs", type=int, default=2000, help="emits timed with no endpoint")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/cfipros_bench_webhooks")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    queue = f"bench-webhooks-{uuid4().hex[:10]}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "cfipros.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": args.database,
        "REDIS_URL": args.redis,
        "WEBHOOKS_TASK_QUEUE": queue,
        "WEBHOOKS_ALLOW_PRIVATE": "true",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    ensure_database(args.database)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from django.db import connection, connections
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User, WebhookDelivery, WebhookEndpoint
    from accounts.outgoing.services import webhook_emit, webhook_endpoint_create

    server, arrivals = start_receiver()
    port = server.server_address[1]
    log_path = Path("/tmp") / f"{queue}.log"
    with log_path.open("wb") as log:
        worker = spawn_worker({**env, "LOG_LEVEL": "INFO"}, queue, args.concurrency, log)
    try:
        user, _ = User.objects.get_or_create(
            username="bench-webhooks",
            defaults={"clerk_id": "user_bench_webhooks", "role": "cfi", "clerk_plan": "cfi"},
        )
        quiet, _ = User.objects.get_or_create(
            username="bench-quiet", defaults={"clerk_id": "user_bench_quiet"}
        )
        WebhookEndpoint.objects.filter(owner=user).delete()
        paths = [f"/hook/{n}" for n in range(args.endpoints)]
        for path in paths:
            webhook_endpoint_create(
                user=user, url=f"http://127.0.0.1:{port}{path}", events=["batch.completed"]
            )

        # Warm-up: the worker is ready once a first event got through.
        webhook_emit(event="batch.completed", user_id=user.pk, data={"sequence": -1})
        deadline = time.monotonic() + args.timeout
        while len(arrivals) < len(paths):
            if time.monotonic() > deadline:
                sys.exit("the worker delivered nothing; see " + str(log_path))
            time.sleep(0.05)
        arrivals.clear()

        # One event at a time: the latency of a delivery when nothing is queued before it.
        single = []
        for sequence in range(args.single):
            begun = time.time()
            webhook_emit(event="batch.completed", user_id=user.pk, data={"sequence": 100000 + sequence})
            key = f"{paths[0]}#{100000 + sequence}"
            while key not in arrivals and time.time() - begun < 30:
                time.sleep(0.002)
            single.append((arrivals.get(key, time.time()) - begun) * 1000)
        print(
            f"one event at a time ({args.single} events, {len(paths)} endpoints): emit to receipt median "
            f"{statistics.median(single):.0f} ms, p95 {percentile(single, 0.95):.0f} ms"
        )
        time.sleep(0.5)
        arrivals.clear()

        load_before = os.getloadavg()[0]
        emitted: dict[int, float] = {}
        started = time.time()
        for sequence in range(args.events):
            emitted[sequence] = time.time()
            webhook_emit(event="batch.completed", user_id=user.pk, data={"sequence": sequence})
        expected = args.events * len(paths)
        while len(arrivals) < expected:
            if time.monotonic() > deadline + args.timeout:
                break
            time.sleep(0.02)
        finished = max(arrivals.values(), default=started)
        latencies = [(at - emitted[int(key.rsplit("#", 1)[1])]) * 1000 for key, at in arrivals.items()]
        print(
            f"{len(arrivals)}/{expected} deliveries ({args.events} events x {len(paths)} endpoints), "
            f"worker concurrency {args.concurrency}: emit to receipt median "
            f"{statistics.median(latencies):.0f} ms, "
            f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms; "
            f"{len(arrivals) / max(finished - started, 1e-9):.0f} deliveries/s; "
            f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
        )
        settle = time.monotonic() + 10
        while WebhookDelivery.objects.filter(status__in=["pending", "sending"]).exists():
            if time.monotonic() > settle:
                break
            time.sleep(0.05)
        counts = dict(WebhookDelivery.objects.values_list("status").annotate(n=Count("id")))
        print(f"attempts by status: {counts}")

        with CaptureQueriesContext(connection) as queries:
            webhook_emit(event="report.created", user_id=quiet.pk, data={})
        timings = []
        for _ in range(args.emit_runs):
            begun = time.perf_counter()
            webhook_emit(event="report.created", user_id=quiet.pk, data={})
            timings.append((time.perf_counter() - begun) * 1e6)
        print(
            f"webhook_emit with no endpoint: {len(queries)} query, "
            f"median {statistics.median(timings):.0f} us, "
            f"p95 {percentile(timings, 0.95):.0f} us over {args.emit_runs} calls"
        )
    finally:
        stop_worker(worker, timeout=20)
        server.shutdown()
        connections.close_all()
        if not args.keep_db:
            drop_database(args.database)
        log_path.unlink(missing_ok=True)
        import redis

        redis.Redis.from_url(args.redis).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )


if __name__ == "__main__":
    main()
