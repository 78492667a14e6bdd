"""requirements/*.txt lock every package with hashes, and follow the pins of requirements/*.in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[_name(match.group(1))] = match.group(2)
    return pins


def _entries(path: Path) -> list[str]:
    """Each requirement of a lock with its continuation lines joined."""
    text = path.read_text().replace("\\\n", " ")
    return [line for line in text.splitlines() if line and not line.lstrip().startswith("#")]


@pytest.mark.parametrize("lock", ["base.txt", "dev.txt"])
def test_every_locked_package_is_pinned_with_a_hash(lock: str) -> None:
    entries = _entries(REQUIREMENTS / lock)
    assert len(entries) > 50
    for entry in entries:
        assert PIN.match(entry), f"not pinned: {entry[:80]}"
        assert "--hash=sha256:" in entry, f"no hash: {entry[:80]}"


@pytest.mark.parametrize(("source", "lock"), [("base.in", "base.txt"), ("dev.in", "dev.txt")])
def test_the_lock_follows_every_pin_of_its_source(source: str, lock: str) -> None:
    wanted, locked = _pins(REQUIREMENTS / source), _pins(REQUIREMENTS / lock)
    stale = {name: (pin, locked.get(name)) for name, pin in wanted.items() if locked.get(name) != pin}
    assert stale == {}, "requirements changed without a new lock: run `make lock`"


def test_tools_run_on_the_same_versions_as_the_application() -> None:
    base, dev = _pins(REQUIREMENTS / "base.txt"), _pins(REQUIREMENTS / "dev.txt")
    assert {name: dev.get(name) for name in base} == base
