"""Plain-dict form of results and errors (JSON-ready), shared by the CLI and the API."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from .types import ExtractionError, ExtractionResult

FIELDS = (
    "applicant_name",
    "ftn",
    "applicant_id",
    "exam_id",
    "exam_code",
    "exam_title",
    "exam_date",
    "exam_site",
    "score",
    "grade",
    "take",
    "expiration_date",
    "code_kind",
    "codes",
)


def result_to_dict(result: ExtractionResult) -> dict[str, Any]:
    out: dict[str, Any] = {name: getattr(result, name) for name in FIELDS}
    out["codes"] = list(result.codes)
    out["codes_detail"] = [asdict(d) for d in result.codes_detail]
    out["unresolved"] = [asdict(u) for u in result.unresolved]
    out["field_confidence"] = dict(result.field_confidence)
    out["confidence"] = result.confidence
    out["review"] = result.review
    out["review_reasons"] = list(result.review_reasons)
    out["signals"] = dict(result.signals)
    out["source_format"] = result.source_format
    out["pages"] = result.pages
    out["path"] = result.path
    out["elapsed_ms"] = result.elapsed_ms
    return out


def empty_fields() -> dict[str, Any]:
    """Every field of a result, unset: the shape of an error entry."""
    out: dict[str, Any] = {name: None for name in FIELDS}
    out.update(codes=[], codes_detail=[], unresolved=[], confidence=0.0, review=False, review_reasons=[])
    return out


def error_to_dict(error: ExtractionError) -> dict[str, str]:
    return {"code": error.code, "message": error.message}
