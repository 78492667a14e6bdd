"""Whether a result needs a person: stable review reasons and a calibrated confidence.

Reasons are facts the engine can check (a field the report prints but no value was read for,
a code left unresolved, a score on the wrong side of the pass mark for the grade ...). The
confidence is the probability that the whole document is right, from a logistic model over
signals of the reading (``data/calibration.json``), fitted on generated documents by
``python -m tests.engine.generator.calibrate`` (see docs/extraction.md). A result needs review
when it has any reason, or when that probability is below ``REVIEW_BELOW``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .types import ExtractionResult

# Confidence a value gets from the reading path before field checks.
PATH_CONFIDENCE: dict[str, float] = {"text": 1.0, "ocr": 0.9}

CALIBRATION_PATH = Path(__file__).with_name("data") / "calibration.json"
REVIEW_BELOW = 0.5  # default threshold; the calibration file may set its own

# Fields every report prints; a result without one of them is incomplete.
EXPECTED_FIELDS = ("applicant_name", "exam_id", "exam_title", "exam_date", "exam_site", "grade", "take")
REQUIRED_FOR_CONFIDENCE = ("applicant_name", "exam_id", "exam_title", "exam_date", "grade", "codes")
LOW_OCR_CONFIDENCE = 0.5


@dataclass(slots=True)
class Evidence:
    """What the parser noticed while reading, beyond the values themselves."""

    score_said_none: bool = False  # the report prints N/A or a dash for the score
    score_printed: bool = True  # a score label, or a percentage no label claimed, is on the page
    score_dropped: bool = False  # a score on the wrong side of the pass mark for the grade
    expiration_disagrees: bool = False  # printed expiration is not the one the exam date gives
    unchecked: list[str] = field(default_factory=list)  # values taken although invalid as read
    codes_outside_exam: int = 0  # catalogue codes of another ACS than the exam's
    exam_known: bool = True  # the test code is one the engine knows the prefixes of
    row_confidence: float = 1.0  # the lowest reading confidence of the rows used
    repaired_codes: int = 0  # codes settled by print order rather than read
    fuzzy_codes: int = 0  # codes matched with a confusion rather than read exactly
    fuzzy_labels: int = 0  # labels matched with an OCR slip
    code_layout_gap: bool = False  # a line or a cell of the codes block seems lost
    order_breaks: int = 0  # codes read out of the printed order that no repair explains
    codes_unread: int = 0  # catalogue codes printed below the header that no code row gave
    doubtful: list[str] = field(default_factory=list)  # fields whose value has an unlikely shape
    conflicts: list[str] = field(default_factory=list)  # fields two labels gave different values
    inferred: list[str] = field(default_factory=list)  # fields read by their value's shape, no label
    unsure: list[str] = field(default_factory=list)  # fields with a character OCR hardly read
    looked: list[str] = field(default_factory=list)  # fields only a second look at the page read
    codes_unsure: int = 0  # codes a rival reading of one glyph makes into other catalogue codes
    codes_blurred: int = 0  # codes the catalogue gave to a line blurred past a code's shape
    code_kind_inferred: bool = False  # no code and no paragraph: the kind is the test's alone
    rival_weight: float = 1.0  # the probability of the weakest glyph whose rival changes a copied value


def reasons_for(result: ExtractionResult, ev: Evidence) -> list[str]:
    """Stable strings naming every check the result fails, in a fixed order."""
    out: list[str] = []
    for name in EXPECTED_FIELDS:
        if getattr(result, name) is None:
            out.append(f"field_missing:{name}")
    if result.ftn is None and result.applicant_id is None:
        out.append("field_missing:ftn")
    if result.score is None and ev.score_printed and not ev.score_said_none and not ev.score_dropped:
        out.append("field_missing:score")
    for name in ev.unchecked:
        out.append(f"field_unchecked:{name}")
    if ev.score_dropped:
        out.append("score_grade_mismatch")
    if ev.expiration_disagrees:
        out.append("expiration_mismatch")
    if result.unresolved:
        out.append("code_unresolved")
    if ev.codes_outside_exam or (result.codes and result.code_kind == "acs" and not ev.exam_known):
        out.append("prefix_mismatch")
    if result.score == 100 and result.codes:
        out.append("codes_unexpected")
    for name in ev.doubtful:
        out.append(f"field_doubtful:{name}")
    for name in ev.conflicts:
        out.append(f"field_conflict:{name}")
    for name in ev.inferred:
        out.append(f"field_inferred:{name}")
    for name in ev.unsure:
        out.append(f"field_unsure:{name}")
    for name in ev.looked:
        out.append(f"field_looked:{name}")
    if ev.code_layout_gap:
        out.append("code_layout_gap")
    if ev.order_breaks:
        out.append("code_order_break")
    if ev.codes_unread:
        out.append("code_unread")
    if ev.codes_unsure:
        out.append("code_unsure")
    if ev.codes_blurred:
        out.append("code_blurred")
    if ev.code_kind_inferred:
        out.append("code_kind_inferred")
    if ev.row_confidence < LOW_OCR_CONFIDENCE:
        out.append("low_ocr_confidence")
    return out


def signals(result: ExtractionResult, ev: Evidence, reasons: Iterable[str]) -> dict[str, float]:
    """What the reading measured, each in [0, 1] or a small count: the calibration model uses
    the ones its file weighs (``tests/engine/calibrate.FEATURES``), the rest are diagnostics."""
    conf = result.field_confidence
    required = [conf.get(k, 0.0) for k in REQUIRED_FOR_CONFIDENCE]
    code_conf = [d.confidence for d in result.codes_detail]
    return {
        "ocr": 1.0 if result.path == "ocr" else 0.0,
        "min_field": min(required),
        "mean_field": sum(required) / len(required),
        "min_code": min(code_conf, default=1.0),
        "row_confidence": ev.row_confidence,
        "reasons": float(len(list(reasons))),
        "repaired_codes": float(ev.repaired_codes),
        "fuzzy_codes": float(ev.fuzzy_codes),
        "fuzzy_labels": float(ev.fuzzy_labels),
        "codes": float(len(result.codes)),
        "rival_weight": ev.rival_weight,
    }


@dataclass(frozen=True, slots=True)
class Calibration:
    """A logistic model: P(document right) = sigmoid(bias + sum(weight * signal))."""

    bias: float
    weights: Mapping[str, float]
    review_below: float = REVIEW_BELOW

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.bias + sum(w * values.get(name, 0.0) for name, w in self.weights.items())
        z = max(-30.0, min(30.0, z))
        return 1.0 / (1.0 + math.exp(-z))


@lru_cache(maxsize=1)
def calibration() -> Calibration:
    """The shipped model; without a file, the old rule: the lowest required confidence."""
    if not CALIBRATION_PATH.exists():
        return Calibration(-6.0, {"min_field": 6.0, "min_code": 6.0, "reasons": -4.0})
    data = json.loads(CALIBRATION_PATH.read_text(encoding="utf-8"))
    return Calibration(
        float(data["bias"]), dict(data["weights"]), float(data.get("review_below", REVIEW_BELOW))
    )


def assess(result: ExtractionResult, ev: Evidence) -> dict[str, float]:
    """Fill ``review_reasons``, ``confidence`` and ``review``; return the model's inputs."""
    reasons = reasons_for(result, ev)
    values = signals(result, ev, reasons)
    model = calibration()
    result.confidence = round(model.probability(values), 3)
    if result.confidence < model.review_below:
        reasons.append("low_confidence")
    result.review_reasons = reasons
    result.review = bool(reasons)
    return values
