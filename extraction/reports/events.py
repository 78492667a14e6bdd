"""What the reports concern announces to outgoing webhooks (``accounts.outgoing``)."""

from __future__ import annotations

from accounts.outgoing.events import REPORT_CREATED
from accounts.outgoing.services import webhook_emit
from extraction.engine import ExtractionResult
from extraction.models import Report


def report_created_announce(report: Report, result: ExtractionResult) -> None:
    """``report.created`` for a new owned report: its id, test code, score, grade and missed ACS
    codes; nothing that names the applicant or the sitting."""
    webhook_emit(
        event=REPORT_CREATED,
        user_id=report.owner_id,
        data={
            "report_id": str(report.pk),
            "exam_code": report.exam_code or None,
            "score": report.score,
            "grade": report.grade or None,
            "code_count": len(result.codes),
            "codes": list(result.codes),
        },
    )
