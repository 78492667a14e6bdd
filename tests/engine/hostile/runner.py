"""``manage.py extract`` in a fresh interpreter, with its answer, wall time and peak memory."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_RUNNER = """
import os, resource, sys
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cfipros.settings.test")
from manage import main
sys.argv = ["manage.py", "extract", *sys.argv[1:]]
try:
    main()
finally:
    sys.stdout.flush()
    # VmHWM is this process's own peak: ru_maxrss also counts the parent's RSS at fork time.
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("peak_rss_kb=%d" % peak, file=sys.stderr)
"""


@dataclass(frozen=True)
class Run:
    entries: list[dict[str, Any]]
    peak_rss_mb: float
    seconds: float
    returncode: int
    stderr: str


def run_fresh(paths: list[str], *, timeout: float = 120.0) -> Run:
    """``manage.py extract PATHS`` in a new interpreter, with its wall time and peak RSS."""
    root = Path(__file__).resolve().parents[3]
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, *paths],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=root,
        check=False,
    )
    seconds = time.perf_counter() - started
    peaks = re.findall(r"peak_rss_kb=(\d+)", proc.stderr)
    entries = json.loads(proc.stdout) if proc.stdout.strip() else []
    peak = int(peaks[-1]) / 1024 if peaks else float("inf")
    return Run(entries, peak, seconds, proc.returncode, proc.stderr)


def answer(entry: dict[str, Any]) -> str:
    """The stable answer of one output entry: its error code, or its status."""
    return str(entry["error"]["code"]) if entry.get("error") else str(entry["status"])
