"""The confidence model: how it is fitted, and what the shipped one says of clear cases."""

from __future__ import annotations

import numpy as np
import pytest

from extraction.engine import Catalog, extract_document
from extraction.engine.layout import rows_from_text
from extraction.engine.parse import parse_rows
from extraction.engine.review import Calibration, calibration
from tests.engine.calibrate import FEATURES, fit
from tests.engine.generator.documents import aktr_pdf


def test_fit_recovers_the_direction_of_each_signal() -> None:
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, size=(600, 2))
    # Right documents have a high first signal; the second is noise.
    y = (x[:, 0] + rng.normal(0, 0.1, 600) > 0.5).astype(float)
    w = fit(x, y, ridge=0.1)
    assert w[0] > 3 and abs(w[1]) < 1


def test_probabilities_are_bounded_whatever_the_input() -> None:
    model = Calibration(0.0, {"a": 100.0})
    high, low = model.probability({"a": 1e9}), model.probability({"a": -1e9})
    assert 1 - 1e-9 < high <= 1.0 and 0.0 <= low < 1e-9
    assert abs(high + low - 1.0) < 1e-12


def test_the_shipped_model_uses_the_fitted_signals() -> None:
    model = calibration()
    assert set(model.weights) <= set(FEATURES) | {
        "mean_field",
        "repaired_codes",
        "fuzzy_codes",
        "fuzzy_labels",
        "codes",
    }
    assert 0.0 < model.review_below < 1.0
    assert model.weights["reasons"] < 0  # every doubt named makes a right document less likely


def test_a_clean_text_report_is_confident_and_a_doubtful_one_is_not(catalog: Catalog) -> None:
    clean = extract_document(aktr_pdf(), catalog)
    doubtful = extract_document(aktr_pdf(codes=["PA.I.C.K2a", "PA.I.C.K99"]), catalog)
    assert clean.confidence >= 0.95 and not clean.review
    assert doubtful.confidence < clean.confidence
    assert doubtful.review and "code_unresolved" in doubtful.review_reasons
    assert set(clean.signals) >= set(FEATURES)


@pytest.mark.parametrize(("score_rows", "missed"), [(["QXZW(%)", "56 8"], True), ([], False)])
def test_a_score_printed_alone_under_a_label_read_past_knowing_is_missed(
    catalog: Catalog, score_rows: list[str], missed: bool
) -> None:
    """Some tests print no score; a number of a score's shape alone on its row says this one did."""
    page = [
        "AIRMAN KNOWLEDGE TEST REPORT",
        "NAME:   OKAFOR, WEI",
        "FTN:   A1B2C3D4",
        "EXAM ID:   106923934486464573",
        "EXAM:   Private Pilot Airplane (PAR)",
        "EXAM DATE:   02/17/2022",
        "TESTING CENTER:   ABC12345",
        *score_rows,
        "GRADE:   PASS",
        "TAKE:   1",
        "The ACS codes listed below identify the knowledge areas in which you answered at least one",
        "question incorrectly.",
        "PA.I.C.K2a",
    ]
    result = parse_rows(rows_from_text("\n".join(page)), catalog, path="ocr")
    assert result.score is None and result.codes == ["PA.I.C.K2a"]
    assert ("field_missing:score" in result.review_reasons) is missed
