"""Fit the engine's confidence model on generated documents and write it to the engine's data.

The confidence of a result is P(document entirely right) from a logistic model over the
``signals`` the engine records. This script fits that model on sweep records (one JSON line
per generated document, with ``got.signals`` and ``exact``), by Newton's method with a small
ridge penalty, and picks the review threshold: the largest probability cut that keeps false
alarms on right documents at or below ``--max-false-alarms`` among documents that no hard
reason already flags. Never fit on outside samples. Usage::

    python -m tests.engine.generator.sweep --formats text,scan,png,photo --count 150 \\
        --start 0 --records /tmp/records.jsonl --ocr-cache /tmp/ocr
    python -m tests.engine.calibrate /tmp/records.jsonl [--write]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from extraction.engine import review

# The model's inputs: few and smooth, so that it carries to layouts it was not fitted on.
# Counts (codes matched through a confusion, labels read with a slip) were tried and dropped:
# they separate the generated documents well and real photos badly.
FEATURES = ("ocr", "min_field", "min_code", "row_confidence", "reasons")


def load(paths: list[Path]) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]]]:
    rows: list[list[float]] = []
    labels: list[float] = []
    records: list[dict[str, Any]] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            got = record.get("got") or {}
            signals = got.get("signals")
            if not signals:
                continue  # a refused document has no signals: nothing to calibrate
            rows.append([float(signals.get(name, 0.0)) for name in FEATURES])
            labels.append(1.0 if record["exact"] else 0.0)
            records.append(record)
    return np.array(rows), np.array(labels), records


def fit(x: np.ndarray, y: np.ndarray, ridge: float = 3.0, steps: int = 50) -> np.ndarray:
    """Logistic regression weights (bias last) by Newton-Raphson with an L2 penalty."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * ridge
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -30, 30)))
        gradient = design.T @ (p - y) + penalty @ w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return w


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", type=Path, nargs="+")
    parser.add_argument("--max-false-alarms", type=float, default=0.05)
    parser.add_argument("--write", action="store_true", help="write extraction/engine/data/calibration.json")
    args = parser.parse_args()
    x, y, records = load(args.records)
    if len(y) < 20 or y.min() == y.max():
        print("need at least 20 documents, both right and wrong ones", file=sys.stderr)
        return 1
    w = fit(x, y)
    design = np.hstack([x, np.ones((len(x), 1))])
    p = 1.0 / (1.0 + np.exp(-np.clip(design @ w, -30, 30)))
    hard = np.array([any(r != "low_confidence" for r in rec["got"]["review_reasons"]) for rec in records])
    right = y == 1
    wrong = ~right
    formats = np.array([rec.get("format", "") for rec in records])
    groups = [formats == f for f in sorted(set(formats))]
    # The threshold: the highest cut whose false alarms among right documents stay in budget in
    # every format (text PDFs, nearly always right, must not hide the photos' false alarms).
    threshold = 0.0
    for cut in sorted(set(np.round(p, 3).tolist())):
        flagged_at = (p < cut) | hard
        worst = max((float(flagged_at[right & g].mean()) for g in groups if (right & g).any()), default=0.0)
        if worst <= args.max_false_alarms:
            threshold = cut
    threshold = round(min(max(threshold, 0.05), 0.99), 3)
    flagged = (p < threshold) | hard
    print(f"documents {len(y)}: right {int(right.sum())}, wrong {int(wrong.sum())}")
    print(f"review threshold {threshold:.3f}")
    for fmt, g in zip(sorted(set(formats)), groups, strict=True):
        print(
            f"  {fmt or '-'}: wrong flagged {int(flagged[wrong & g].sum())}/{int((wrong & g).sum())}, "
            f"right flagged {int(flagged[right & g].sum())}/{int((right & g).sum())}"
        )
    log_loss = float(-np.mean(y * np.log(p + 1e-9) + (1 - y) * np.log(1 - p + 1e-9)))
    print(f"Brier score {float(np.mean((p - y) ** 2)):.4f}; log loss {log_loss:.4f}")
    print("bin           docs  mean p  exact")
    for lo, hi in ((0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01)):
        mask = (p >= lo) & (p < hi)
        if mask.any():
            share = f"{p[mask].mean():.3f}  {y[mask].mean():.3f}"
            print(f"{lo:.2f}-{min(hi, 1.0):.2f}   {int(mask.sum()):5d}  {share}")
    model = {
        "bias": round(float(w[-1]), 4),
        "weights": {name: round(float(v), 4) for name, v in zip(FEATURES, w[:-1], strict=True)},
        "review_below": threshold,
        "fitted_on": f"{len(y)} generated documents",
    }
    print(json.dumps(model, indent=1))
    if args.write:
        review.CALIBRATION_PATH.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"written to {review.CALIBRATION_PATH}")
    return 0 if math.isfinite(log_loss) else 1


if __name__ == "__main__":
    sys.exit(main())
