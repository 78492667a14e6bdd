"""One uploaded document read and stored: the engine's refusals as domain errors, the upload's size
limit, and the saved-report count a signed-in user's new report takes.

Apart from ``services`` so that module keeps to the writes on stored reports; this one is the
path of ``POST /api/v1/extractions``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from accounts.models import User
from accounts.plans.quotas import quota_consume
from cfipros.errors import Invalid, TooLarge, UnsupportedType
from extraction.adapter.extract import VisionUse, run_extraction
from extraction.engine import ExtractionError, ExtractionResult
from extraction.models import Report
from extraction.reports.events import report_created_announce
from extraction.reports.services import StoredReport, report_store_result

# What each engine refusal is: the type is not ours, the document is bigger than the engine accepts
# in bytes, pages or pixels, or (anything else) it cannot be read as a report. A document that is
# too complex (a page with pathologically many text runs, a compression bomb) is invalid, not too
# large: it is within every size cap and well formed, so sending fewer bytes is not the remedy.
ENGINE_REFUSALS: dict[str, type[Invalid]] = {
    "unsupported_type": UnsupportedType,
    "file_too_large": TooLarge,
    "too_many_pages": TooLarge,
    "image_too_large": TooLarge,
}


def engine_refusal_error(exc: ExtractionError) -> Invalid:
    """The domain error for an engine refusal; it keeps the engine's code and message."""
    return ENGINE_REFUSALS.get(exc.code, Invalid)(exc.message, code=exc.code)


def upload_check_size(size: int | None) -> None:
    """Refuse a single upload larger than ``MAX_UPLOAD_FILE_BYTES`` before it is read."""
    if size is not None and size > settings.MAX_UPLOAD_FILE_BYTES:
        limit_mb = settings.MAX_UPLOAD_FILE_BYTES / (1024 * 1024)
        raise TooLarge(f"The file is larger than {limit_mb:g} MB.", code="file_too_large")


@dataclass(frozen=True, slots=True)
class ExtractedReport:
    report: Report
    created: bool
    result: ExtractionResult


def _store_and_count(*, owner: User | None, result: ExtractionResult, third_party: str) -> StoredReport:
    """Store the result; a new report of a signed-in user is a saved report and takes one of the
    plan's saved reports for the month, in the same transaction, so over the limit nothing is kept
    (429). An update of the same exam id saves nothing new; an anonymous result is not saved until
    it is claimed."""
    if owner is None:
        return report_store_result(owner=None, result=result, third_party=third_party)
    with transaction.atomic():
        stored = report_store_result(owner=owner, result=result, third_party=third_party)
        if stored.created:
            quota_consume(owner, "saved_reports")
    return stored


def report_extract(*, owner: User | None, data: bytes) -> ExtractedReport:
    """Read one document and store its result; the document itself is never stored.

    Raises the domain error of the engine's refusal (see :data:`ENGINE_REFUSALS`).
    """
    vision = VisionUse(user_id=owner.pk if owner is not None else None)
    try:
        result = run_extraction(data, vision=vision)
    except ExtractionError as exc:
        raise engine_refusal_error(exc) from None
    stored = _store_and_count(owner=owner, result=result, third_party=vision.recipient)
    if stored.created and owner is not None:
        report_created_announce(stored.report, result)
    return ExtractedReport(stored.report, stored.created, result)
