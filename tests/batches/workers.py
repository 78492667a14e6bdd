"""Celery worker subprocesses for the batch end-to-end tests and the batch benchmark.

Each worker leads a session of its own (so it and its pool children stop as a group) and consumes
one queue only, without the gossip, mingle and heartbeat traffic a short-lived worker has no use for.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]


def spawn_worker(
    env: dict[str, str], queue: str, concurrency: int, log: IO[bytes]
) -> subprocess.Popen[bytes]:
    """Start ``celery -A cfipros worker`` on ``queue``, its output to ``log``; it is not yet ready."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cfipros",
        "worker",
        "-Q",
        queue,
        "--concurrency",
        str(concurrency),
    ]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop_worker(worker: subprocess.Popen[bytes], timeout: float) -> None:
    """A warm shutdown of the worker's group, a kill when it outlasts ``timeout`` seconds."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
