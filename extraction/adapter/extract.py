"""The Django side of the extraction engine: one catalogue per process, one call per document.

The engine (``extraction.engine``) never imports Django. This module builds its
:class:`~extraction.engine.Catalog` once per process, from the ``AcsElement`` table when it has
rows and otherwise from the catalogue shipped in ``extraction/data/acs_catalog.json.gz``, and
exposes :func:`run_extraction`, which passes a doubtful OCR reading to the vision fallback
(:mod:`extraction.adapter.fallback`, off unless ``OPENAI_API_KEY`` is set).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from extraction.adapter.fallback import VisionUse, apply_vision_fallback
from extraction.catalog.shipped import SHIPPED_CATALOG
from extraction.engine import Catalog, ExtractionResult, extract_document, warm_up

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_catalog: Catalog | None = None

__all__ = ["VisionUse", "get_catalog", "reset_catalog", "run_extraction"]


def _rows_from_db() -> list[dict[str, Any]]:
    """Catalogue rows from the AcsElement table; empty when the table is empty or unreachable."""
    try:
        from extraction.models import AcsElement
    except Exception:  # Django not configured (plain scripts): the shipped file serves
        return []
    try:
        fields = (
            "code",
            "prefix",
            "area",
            "area_title",
            "task",
            "task_title",
            "element_type",
            "description",
            "exam_codes",
        )
        return [_db_row(r) for r in AcsElement.objects.values(*fields).iterator(chunk_size=4000)]
    except Exception as exc:  # no database, no table yet, no access: the shipped file serves
        logger.warning("AcsElement table unreadable (%s); using the shipped catalogue", type(exc).__name__)
        return []


def _db_row(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "code": r["code"],
        "prefix": r["prefix"],
        "area_roman": r["area"],
        "task_letter": r["task"],
        "element_type": r["element_type"],
        "description": r["description"],
        "area_of_operation": r["area_title"],
        "task": r["task_title"],
        "exam_codes": r["exam_codes"] or [],
    }


def _dedupe(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for row in rows:
        if row["code"] not in seen:
            seen.add(row["code"])
            yield row


def get_catalog() -> Catalog:
    """The process-wide catalogue, built on first use."""
    global _catalog
    if _catalog is None:
        with _lock:
            if _catalog is None:
                rows = _rows_from_db()
                if rows:
                    _catalog = Catalog.from_rows(_dedupe(rows))
                    logger.info("ACS catalogue: %d elements from the database", len(_catalog))
                else:
                    _catalog = Catalog.from_json(SHIPPED_CATALOG)
                    logger.info("ACS catalogue: %d elements from %s", len(_catalog), SHIPPED_CATALOG.name)
                warm_up(_catalog)
    return _catalog


def reset_catalog() -> None:
    """Forget the cached catalogue (after ``load_acs_catalog`` changed the table, and in tests)."""
    global _catalog
    with _lock:
        _catalog = None


def run_extraction(
    data: bytes, *, options: Mapping[str, Any] | None = None, vision: VisionUse | None = None
) -> ExtractionResult:
    """Extract one document. Raises ``extraction.engine.ExtractionError`` for refused input.

    ``vision`` says for whom (see :class:`~extraction.adapter.fallback.VisionUse`) and records
    whether the document went to the vision model; None is the operator's own run.
    """
    catalog = get_catalog()
    return apply_vision_fallback(data, extract_document(data, catalog, options=options), catalog, vision)
