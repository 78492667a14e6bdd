"""Example answers of the report endpoints, as the contract shows them (an owner's report, and an
anonymous upload's result with its share link and personal fields shown once)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample

_CODES_DETAIL = [
    {
        "code": "PA.I.A.K1",
        "description": "Certification requirements, recent flight experience, and recordkeeping.",
        "area": "Preflight Preparation",
        "task": "Pilot Qualifications",
        "element_type": "K",
        "confidence": 1.0,
        "raw": "PA.I.A.K1",
        "national": {"share": 0.1832, "frequency": "common"},
    },
    {
        "code": "PA.I.B.K2",
        "description": "Pilot-performed preventive maintenance.",
        "area": "Preflight Preparation",
        "task": "Airworthiness Requirements",
        "element_type": "K",
        "confidence": 1.0,
        "raw": "PA.I.B.K2",
        "national": {"share": None, "frequency": "rare"},
    },
]

OWNED_REPORT: dict[str, Any] = {
    "id": "6a49c5d1-e59b-433f-9077-bf101dadd7e8",
    "share_token": None,
    "share_expires_at": None,
    "owner": 1,
    "expires_at": None,
    "created_at": "2026-03-15T10:02:14.021267Z",
    "updated_at": "2026-03-15T10:02:14.021278Z",
    "exam_code": "PAR",
    "exam_title": "Private Pilot Airplane (PAR)",
    "exam_date": "2026-03-14",
    "score": 82,
    "grade": "PASS",
    "take": 1,
    "expiration_date": "2028-03-31",
    "code_kind": "acs",
    "codes": ["PA.I.A.K1", "PA.I.B.K2"],
    "codes_detail": _CODES_DETAIL,
    "unresolved": [],
    "field_confidence": {"exam_code": 1.0, "exam_date": 1.0, "score": 1.0, "codes": 1.0},
    "confidence": 0.992,
    "status": "ok",
    "review": False,
    "review_reasons": [],
    "source_format": "pdf_text",
    "extraction_path": "text",
    "engine_version": "1.0.0",
    "processing_ms": 48.78,
    "applicant_name": "DOE, JANE Q",
    "ftn": "A1B2C3D4",
    "applicant_id": None,
    "exam_id": "466317578555813058",
    "exam_site": "CG38270",
    "third_party_recipient": None,
}

ANONYMOUS_RESULT: dict[str, Any] = {
    **OWNED_REPORT,
    "id": "0b6f3c1e-8d4a-4f0e-9a57-2f9d5c1b7e42",
    "share_token": "Jx0c3Wq8Yb9mT2kR5vN7pL4sD6fG1hA8eZ3uI0oQ2wE",
    "share_expires_at": "2026-03-16T10:02:14Z",
    "owner": None,
    "expires_at": "2026-03-16T10:02:14Z",
}

REPORT_READ = [OpenApiExample("an owner's report", value=OWNED_REPORT, response_only=True)]
EXTRACTION_CREATED = [
    OpenApiExample(
        "an anonymous upload",
        value=ANONYMOUS_RESULT,
        response_only=True,
        status_codes=["201"],
        description="Name, FTN, exam id and site appear in this answer only; the link expires in 24 h.",
    ),
    OpenApiExample("a signed-in upload", value=OWNED_REPORT, response_only=True, status_codes=["201"]),
]
