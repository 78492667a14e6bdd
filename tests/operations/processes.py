"""Run the project's entry points in fresh interpreters with exactly the environment given."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cfipros.settings.production",
    "SECRET_KEY": "operations-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "api.cfipros.test",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "NUM_PROXIES": "1",
}


def run(command: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``command`` from the repository root with ``env`` alone (plus a PATH and HOME)."""
    full_env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": "/tmp", **env}
    return subprocess.run(
        command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout, check=False
    )


def run_python(code: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-c", code], env, timeout)
