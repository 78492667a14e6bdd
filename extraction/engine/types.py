"""Value types shared by every stage of the extraction engine.

The engine is plain Python: these dataclasses are what the Django adapter, the Celery
tasks and the management commands receive, so they carry no framework types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ErrorCode = Literal[
    "empty_file",
    "unsupported_type",
    "corrupt_file",
    "encrypted_pdf",
    "too_many_pages",
    "image_too_large",
    "file_too_large",
    "not_an_aktr",
    "document_too_complex",
]

SourceFormat = Literal["pdf_text", "pdf_scan", "image"]
CodeKind = Literal["acs", "plt"]
Grade = Literal["PASS", "FAIL"]


class ExtractionError(Exception):
    """A document the engine refuses, with a stable machine code and a one-line message."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One ACS element as the engine needs it (no database row)."""

    code: str
    prefix: str
    area: str
    task: str
    element_type: str
    description: str
    area_title: str = ""
    task_title: str = ""


@dataclass(slots=True)
class CodeDetail:
    code: str
    description: str
    area: str
    task: str
    element_type: str
    confidence: float
    raw: str


@dataclass(slots=True)
class Unresolved:
    raw: str
    reason: str
    candidates: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ExtractionResult:
    applicant_name: str | None = None
    ftn: str | None = None
    applicant_id: str | None = None
    exam_id: str | None = None
    exam_code: str | None = None
    exam_title: str | None = None
    exam_date: str | None = None
    exam_site: str | None = None
    score: int | None = None
    grade: Grade | None = None
    take: int | None = None
    expiration_date: str | None = None
    code_kind: CodeKind | None = None
    codes: list[str] = field(default_factory=list)
    codes_detail: list[CodeDetail] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    field_confidence: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.0
    # True when any check doubts the result; the reasons are stable strings such as
    # ``field_missing:score`` or ``code_unresolved`` (see docs/extraction.md).
    review: bool = False
    review_reasons: list[str] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)  # what the reading measured (review.py)
    source_format: SourceFormat = "pdf_text"
    pages: int = 1
    path: str = "text"
    elapsed_ms: float = 0.0
