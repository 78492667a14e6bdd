"""Generated report variants beyond the hand-picked ones: every dimension the family varies on.

:func:`random_report` draws label spellings, date styles, header and code layouts, fonts,
test codes (with their prefixes), names with apostrophes, hyphens and suffixes, month ends
and leap days, reports without a score, two pages and codes continued on page 2. Every one
must come out exact from its text PDF.
"""

from __future__ import annotations

from collections import Counter

import pytest

from extraction.engine import Catalog, extract_document
from extraction.engine.serialize import FIELDS
from tests.engine.generator.random_reports import codes_by_prefix, random_report
from tests.engine.generator.render import render_pdf, render_pdf_info
from tests.engine.generator.spec import DocumentSpec

SEEDS = range(150)


@pytest.fixture(scope="module")
def reports(catalog: Catalog) -> list[DocumentSpec]:
    by_prefix = codes_by_prefix(catalog)
    return [random_report(seed, by_prefix) for seed in SEEDS]


def test_generated_variants_cover_the_family(reports: list[DocumentSpec]) -> None:
    """The draw is wide enough to mean something (and stays so when the generator changes)."""
    assert len({r.exam_code for r in reports}) >= 15
    assert Counter(r.header_layout for r in reports).keys() == {"stacked", "pairs", "columns"}
    assert Counter(r.code_layout for r in reports).keys() == {"lines", "grid_rows", "separated"}
    assert len({r.date_style for r in reports}) == 8
    assert len({r.font for r in reports}) == 3
    assert any(r.score_text is None for r in reports)
    assert any(r.score is None and r.score_text for r in reports)
    assert any(r.split_at for r in reports) and any(r.break_before_statement for r in reports)
    assert any(not r.codes for r in reports) and any(len(r.codes) >= 15 for r in reports)
    assert any(r.code_kind == "plt" for r in reports)
    assert any(not r.labels["name"].endswith(":") for r in reports)
    assert any("'" in r.name for r in reports) and any("-" in r.name for r in reports)
    assert any(render_pdf_info(r)[1].pages == 2 for r in reports if r.split_at)


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_variant_is_exact(seed: int, reports: list[DocumentSpec], catalog: Catalog) -> None:
    report = reports[seed]
    result = extract_document(render_pdf(report), catalog)
    got = {f: getattr(result, f) for f in FIELDS}
    assert got == report.expected()
    assert result.unresolved == []
