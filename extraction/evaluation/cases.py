"""Labelled documents and the engine's outcome on each (format of ``shared/samples/aktr``).

A truth file ``X.json`` sits beside its document and names it in ``file``; ``format`` is one
of text, scan, png, photo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extraction.engine import FIELDS

FORMATS = ("text", "scan", "png", "photo")
SCALAR_FIELDS = tuple(f for f in FIELDS if f != "codes")


@dataclass(slots=True)
class Case:
    document: Path
    truth: dict[str, Any]

    @property
    def format(self) -> str:
        return str(self.truth.get("format") or "unknown")


@dataclass(slots=True)
class Outcome:
    case: Case
    predicted: dict[str, Any] | None  # None: the engine refused the document
    error: str | None
    elapsed_ms: float

    @property
    def wrong_fields(self) -> list[str]:
        if self.predicted is None:
            return ["error:" + (self.error or "?")]
        wrong = [f for f in SCALAR_FIELDS if self.predicted.get(f) != self.case.truth.get(f)]
        if sorted(self.predicted.get("codes") or []) != sorted(self.case.truth.get("codes") or []):
            wrong.append("codes")
        return wrong

    @property
    def exact(self) -> bool:
        return not self.wrong_fields

    @property
    def confidence(self) -> float | None:
        """The engine's probability that the whole result is right; ``None`` when it refused."""
        if self.predicted is None:
            return None
        return float(self.predicted.get("confidence") or 0.0)

    @property
    def review(self) -> bool:
        return bool(self.predicted and self.predicted.get("review"))


def load_cases(directory: Path) -> list[Case]:
    cases = []
    for truth_path in sorted(directory.glob("*.json")):
        try:
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(truth, dict):
            continue
        name = truth.get("file")
        doc = directory / name if isinstance(name, str) else None
        if doc is None or not doc.is_file():
            matches = [p for p in directory.glob(truth_path.stem + ".*") if p.suffix.lower() != ".json"]
            doc = matches[0] if matches else None
        if doc is not None:
            cases.append(Case(doc, truth))
    return cases
