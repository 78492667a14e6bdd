"""Read queries of reports: what a user may see, what a share link shows, an owner's export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import owners_visible_to
from cfipros.errors import Gone, NotFound
from extraction.models import Report, ReportCode


def _with_codes(queryset: QuerySet[Report]) -> QuerySet[Report]:
    """Codes and their catalogue elements in one extra query, whatever the number of reports."""
    codes = ReportCode.objects.select_related("element").order_by("position")
    return queryset.prefetch_related(Prefetch("codes", queryset=codes))


def reports_visible_to(user: User) -> QuerySet[Report]:
    """Reports ``user`` may read (see ``owners_visible_to``), newest first, codes prefetched.

    Anonymous results have no owner and are never listed; they are reached by share token only.
    """
    return _with_codes(Report.objects.filter(owner__in=owners_visible_to(user)).order_by("-created_at", "pk"))


def report_get_by_share_token(token: str) -> Report | None:
    """The report behind a share link, expired or not (the caller decides what expiry means)."""
    return _with_codes(Report.objects.filter(share_token=token)).first()


def report_get_shared(token: str) -> Report:
    """The live report behind a share link; raises when there is none or it has expired.

    A revoked or replaced link matches no report (404); a link past its lifetime, or the link
    of an anonymous result past its 24 h, is gone (410).
    """
    report = report_get_by_share_token(token) if token else None
    if report is None:
        raise NotFound("No result has this link.")
    now = timezone.now()
    if report.expires_at is not None and report.expires_at <= now:
        hours = settings.ANONYMOUS_RESULT_TTL_HOURS
        raise Gone(f"This result has expired; anonymous results are kept {hours} hours.", code="expired")
    if report.share_expires_at is not None and report.share_expires_at <= now:
        raise Gone("This link has expired; ask the report's owner for a new one.", code="expired")
    return report


def report_get_with_codes(pk: Any) -> Report:
    return _with_codes(Report.objects.filter(pk=pk)).get()


# Rows of a report in its owner's export (``GET /api/v1/me/export``): what was read, identity
# fields included (it is the owner's own data), never the share token, which is a live capability.
EXPORT_CHUNK = 200


def reports_export(owner: User) -> Iterator[dict[str, Any]]:
    """Every report ``owner`` owns, oldest first, with its codes: two queries per chunk of reports."""
    reports = _with_codes(Report.objects.filter(owner=owner).order_by("created_at", "pk"))
    for report in reports.iterator(chunk_size=EXPORT_CHUNK):
        yield {
            "id": report.pk,
            "created_at": report.created_at,
            "updated_at": report.updated_at,
            "applicant_name": report.applicant_name,
            "ftn": report.ftn,
            "applicant_id": report.applicant_id,
            "exam_id": report.exam_id,
            "exam_code": report.exam_code,
            "exam_title": report.exam_title,
            "exam_date": report.exam_date,
            "exam_site": report.exam_site,
            "score": report.score,
            "grade": report.grade,
            "take": report.take,
            "expiration_date": report.expiration_date,
            "status": report.status,
            "source_format": report.source_format,
            "third_party_recipient": report.third_party_recipient or None,
            "codes": [
                {
                    "code": code.code,
                    "description": code.element.description if code.element is not None else "",
                    "confidence": code.confidence,
                }
                for code in report.codes.all()
            ],
        }
