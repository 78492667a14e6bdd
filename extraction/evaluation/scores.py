"""Scores of extraction output per document format: exactness, code precision and recall, times.

Pure Python, no Django: the ``evaluate_extraction`` command and the benchmark share it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from extraction.evaluation.cases import FORMATS, SCALAR_FIELDS, Outcome

# The bars for ``review``: it flags at least 90% of the documents with anything wrong and
# at most 10% of the fully right ones.
REVIEW_RECALL_BAR = 0.9
REVIEW_FALSE_ALARM_BAR = 0.1


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(slots=True)
class FormatReport:
    format: str
    documents: int = 0
    exact: int = 0
    errors: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    field_right: dict[str, int] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    codes_outside_catalogue: int = 0
    # Read documents (refusals excluded) with any wrong field or code, fully right ones, and how
    # many of each the engine's ``review`` flagged.
    wrong_read: int = 0
    wrong_flagged: int = 0
    right_read: int = 0
    right_flagged: int = 0

    @property
    def review_recall(self) -> float | None:
        return self.wrong_flagged / self.wrong_read if self.wrong_read else None

    @property
    def false_alarm_rate(self) -> float | None:
        return self.right_flagged / self.right_read if self.right_read else None

    def review_dict(self) -> dict[str, Any]:
        recall, false_alarms = self.review_recall, self.false_alarm_rate
        return {
            "wrong_documents": self.wrong_read,
            "wrong_flagged": self.wrong_flagged,
            "recall": None if recall is None else round(recall, 4),
            "right_documents": self.right_read,
            "right_flagged": self.right_flagged,
            "false_alarm_rate": None if false_alarms is None else round(false_alarms, 4),
            "meets_bars": (recall is None or recall >= REVIEW_RECALL_BAR)
            and (false_alarms is None or false_alarms <= REVIEW_FALSE_ALARM_BAR),
        }

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        n = self.documents or 1
        return {
            "format": self.format,
            "documents": self.documents,
            "exact": self.exact,
            "exact_rate": round(self.exact / n, 4),
            "errors": self.errors,
            "code_precision": round(self.precision, 4),
            "code_recall": round(self.recall, 4),
            "code_f1": round(self.f1, 4),
            "codes_outside_catalogue": self.codes_outside_catalogue,
            "field_accuracy": {
                f: round(self.field_right.get(f, 0) / n, 4) for f in (*SCALAR_FIELDS, "codes")
            },
            "p50_ms": round(percentile(self.times, 50), 1),
            "p95_ms": round(percentile(self.times, 95), 1),
            "review": self.review_dict(),
        }


def summarize(outcomes: Iterable[Outcome], known_code: Any = None) -> list[FormatReport]:
    """Per-format reports, then an ``all`` row. ``known_code(code) -> bool`` counts strays."""
    reports: dict[str, FormatReport] = {}
    total = FormatReport("all")
    for o in outcomes:
        fmt = o.case.format
        for rep in (reports.setdefault(fmt, FormatReport(fmt)), total):
            rep.documents += 1
            rep.times.append(o.elapsed_ms)
            truth_codes = set(o.case.truth.get("codes") or [])
            if o.predicted is None:
                rep.errors += 1
                rep.fn += len(truth_codes)
                continue
            wrong = set(o.wrong_fields)
            rep.exact += not wrong
            if wrong:
                rep.wrong_read += 1
                rep.wrong_flagged += o.review
            else:
                rep.right_read += 1
                rep.right_flagged += o.review
            for f in (*SCALAR_FIELDS, "codes"):
                if f not in wrong:
                    rep.field_right[f] = rep.field_right.get(f, 0) + 1
            got = set(o.predicted.get("codes") or [])
            rep.tp += len(got & truth_codes)
            rep.fp += len(got - truth_codes)
            rep.fn += len(truth_codes - got)
            if known_code is not None:
                rep.codes_outside_catalogue += sum(
                    1 for c in got if not c.startswith("PLT") and not known_code(c)
                )
    ordered = [reports[f] for f in FORMATS if f in reports]
    ordered += [r for f, r in sorted(reports.items()) if f not in FORMATS]
    return [*ordered, total]


def render_table(reports: list[FormatReport]) -> str:
    head = ("format", "docs", "exact", "errors", "code P", "code R", "code F1", "p50 ms", "p95 ms")
    rows = [head]
    for r in reports:
        d = r.as_dict()
        rows.append(
            (
                r.format,
                str(r.documents),
                f"{r.exact} ({100 * d['exact_rate']:.1f}%)",
                str(r.errors),
                f"{d['code_precision']:.4f}",
                f"{d['code_recall']:.4f}",
                f"{d['code_f1']:.4f}",
                f"{d['p50_ms']:.0f}",
                f"{d['p95_ms']:.0f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]
    lines.append("")
    lines.append("field accuracy")
    names = (*SCALAR_FIELDS, "codes")
    fw = max(len(n) for n in names)
    lines.append(" " * fw + "  " + "  ".join(r.format.rjust(7) for r in reports))
    for n in names:
        lines.append(
            n.ljust(fw) + "  " + "  ".join(f"{100 * r.as_dict()['field_accuracy'][n]:6.1f}%" for r in reports)
        )
    return "\n".join(lines)
