"""Does the engine's confidence mean what it says? Confidence bins against observed exactness."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from extraction.evaluation.cases import Outcome
from extraction.evaluation.scores import REVIEW_FALSE_ALARM_BAR, REVIEW_RECALL_BAR, FormatReport

# Confidence bins of the reliability table; the last one includes 1.0.
CONFIDENCE_BINS = ((0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.0))


@dataclass(slots=True)
class ReliabilityBin:
    """Documents whose confidence falls in [low, high): does the engine's confidence mean what it says?"""

    low: float
    high: float
    documents: int = 0
    confidence_sum: float = 0.0
    exact: int = 0

    @property
    def mean_confidence(self) -> float | None:
        return self.confidence_sum / self.documents if self.documents else None

    @property
    def exact_rate(self) -> float | None:
        return self.exact / self.documents if self.documents else None

    def as_dict(self) -> dict[str, Any]:
        mean, rate = self.mean_confidence, self.exact_rate
        return {
            "low": self.low,
            "high": self.high,
            "documents": self.documents,
            "mean_confidence": None if mean is None else round(mean, 4),
            "exact_rate": None if rate is None else round(rate, 4),
        }


def reliability(outcomes: Iterable[Outcome]) -> list[ReliabilityBin]:
    """Read documents by confidence bin with their observed exact rate; refusals have no confidence."""
    bins = [ReliabilityBin(low, high) for low, high in CONFIDENCE_BINS]
    for o in outcomes:
        confidence = o.confidence
        if confidence is None:
            continue
        value = min(max(confidence, 0.0), 1.0)
        target = next((b for b in bins if value < b.high), bins[-1])
        target.documents += 1
        target.confidence_sum += value
        target.exact += o.exact
    return bins


def calibration_error(bins: list[ReliabilityBin]) -> float | None:
    """Expected calibration error: |mean confidence - exact rate| per bin, weighted by documents."""
    total = sum(b.documents for b in bins)
    if not total:
        return None
    return (
        sum(
            b.documents * abs(b.confidence_sum / b.documents - b.exact / b.documents)
            for b in bins
            if b.documents
        )
        / total
    )


def render_reliability(bins: list[ReliabilityBin], reports: list[FormatReport]) -> str:
    """The reliability table (confidence bins against exactness) and the review flags per format."""
    rows = [("confidence", "docs", "mean conf", "exact rate")]
    for b in bins:
        mean, rate = b.mean_confidence, b.exact_rate
        closing = "]" if b is bins[-1] else ")"
        rows.append(
            (
                f"[{b.low:.2f}, {b.high:.2f}{closing}",
                str(b.documents),
                "-" if mean is None else f"{mean:.3f}",
                "-" if rate is None else f"{100 * rate:.1f}%",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["reliability (read documents; refusals excluded)"]
    lines += [
        "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]
    ece = calibration_error(bins)
    lines.append("calibration error: " + ("-" if ece is None else f"{ece:.4f}"))
    lines.append("")
    lines.append(
        f"review flags (bars: wrong flagged >= {100 * REVIEW_RECALL_BAR:.0f}%, "
        f"right flagged <= {100 * REVIEW_FALSE_ALARM_BAR:.0f}%)"
    )
    fw = max(len(r.format) for r in reports)
    for r in reports:
        recall, false_alarms = r.review_recall, r.false_alarm_rate
        recall_text = "-" if recall is None else f"{100 * recall:.1f}%"
        alarm_text = "-" if false_alarms is None else f"{100 * false_alarms:.1f}%"
        verdict = "meets bars" if r.review_dict()["meets_bars"] else "MISSES BARS"
        lines.append(
            f"{r.format.ljust(fw)}  wrong flagged {r.wrong_flagged}/{r.wrong_read} ({recall_text})"
            f"  right flagged {r.right_flagged}/{r.right_read} ({alarm_text})  {verdict}"
        )
    return "\n".join(lines)
