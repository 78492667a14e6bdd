"""Orchestration: sniff -> limits -> text layer or OCR -> parse -> verify codes -> result."""

from __future__ import annotations

import time
from typing import Any

from .catalog import Catalog
from .types import ExtractionError, ExtractionResult

ENGINE_VERSION = "0.1.0"


def extract_document(data: bytes, catalog: Catalog, *, options: dict[str, Any] | None = None) -> ExtractionResult:
    """Extract one AKTR from raw bytes. Raises :class:`ExtractionError` for refused input."""
    started = time.perf_counter()
    from . import sniff

    kind = sniff.sniff(data)
    result = ExtractionResult()
    result.source_format = "pdf_text" if kind == "pdf" else "image"
    result.elapsed_ms = (time.perf_counter() - started) * 1000
    raise ExtractionError("not_an_aktr", "engine not implemented yet")
