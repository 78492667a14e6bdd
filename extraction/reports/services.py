"""Writes on reports: turning an engine result into a stored report, claiming, deleting, correcting.

A report keeps the engine's normalized result and nothing of the uploaded document. Anonymous
results additionally drop everything that identifies a person or a sitting (name, FTN, applicant
id, exam id, exam site) and expire after ``ANONYMOUS_RESULT_TTL_HOURS``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.plans.quotas import quota_consume
from cfipros.errors import Conflict, Forbidden, Invalid
from extraction.engine import ENGINE_VERSION, ExtractionResult
from extraction.models import CURRENT_EDITION, AcsElement, CodeCorrection, Report, ReportCode, new_share_token
from extraction.statistics.services import (
    owner_contributes,
    report_figures,
    report_figures_stored,
    statistics_report_changed,
    statistics_reports_retain,
)

# --- Reports -------------------------------------------------------------------------------------


def exam_id_normalize(exam_id: str | None) -> str:
    """Exam ids compare without case or whitespace, as they are printed differently across scans."""
    return "".join((exam_id or "").split()).upper()


def exam_id_hash(exam_id: str | None) -> str:
    """Keyed HMAC-SHA256 of the normalized exam id, or "" when there is none to dedupe on."""
    normalized = exam_id_normalize(exam_id)
    if not normalized:
        return ""
    key = settings.EXAM_ID_HASH_KEY.encode()
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _result_fields(result: ExtractionResult) -> dict[str, Any]:
    """Columns every report keeps, anonymous or owned."""
    return {
        "exam_code": result.exam_code or "",
        "exam_title": result.exam_title or "",
        "exam_date": _parse_date(result.exam_date),
        "score": result.score,
        "grade": result.grade or "",
        "take": result.take,
        "expiration_date": _parse_date(result.expiration_date),
        "code_kind": result.code_kind or "",
        "confidence": result.confidence,
        "field_confidence": dict(result.field_confidence),
        "unresolved": [
            {"raw": u.raw, "reason": u.reason, "candidates": list(u.candidates)} for u in result.unresolved
        ],
        # The engine alone decides whether a result is doubtful; the report only records it.
        "status": Report.Status.NEEDS_REVIEW if result.review else Report.Status.OK,
        "review_reasons": list(result.review_reasons),
        "source_format": result.source_format,
        "extraction_path": result.path,
        "engine_version": ENGINE_VERSION,
        "processing_ms": round(result.elapsed_ms, 2),
    }


# What identifies a person or a sitting: kept only on owned reports, blanked when the owner goes.
PERSONAL_FIELDS = ("applicant_name", "ftn", "applicant_id", "exam_id", "exam_site")


def _personal_fields(result: ExtractionResult) -> dict[str, Any]:
    """Columns only an owned report keeps."""
    return {
        "applicant_name": result.applicant_name or "",
        "ftn": result.ftn or "",
        "applicant_id": result.applicant_id or "",
        "exam_id": result.exam_id or "",
        "exam_site": result.exam_site or "",
        "exam_id_hash": exam_id_hash(result.exam_id),
    }


# What a report's representation reads from an element; loading only this keeps the row small.
ELEMENT_COLUMNS = ("id", "code", "description", "area_title", "task_title", "element_type")


def _elements_by_code(codes: list[str]) -> dict[str, AcsElement]:
    """Current-edition catalogue elements for ``codes``, in one query."""
    found = AcsElement.objects.filter(code__in=codes, edition=CURRENT_EDITION).only(*ELEMENT_COLUMNS)
    return {e.code: e for e in found}


def _write_codes(report: Report, result: ExtractionResult, *, replace: bool) -> None:
    """Write the report's codes, linked to the catalogue in one query.

    The rows written are also left in the report's prefetch cache (where ``prefetch_related``
    would put them), so the response that follows reads them without querying again.
    """
    details = {d.code: d for d in result.codes_detail}
    codes = list(dict.fromkeys(result.codes or [d.code for d in result.codes_detail]))
    elements = _elements_by_code(codes) if codes else {}
    if replace:
        ReportCode.objects.filter(report=report).delete()
    rows = []
    for position, code in enumerate(codes):
        detail = details.get(code)
        rows.append(
            ReportCode(
                report=report,
                code=code,
                element=elements.get(code),
                raw=(detail.raw if detail else code)[:64],
                confidence=detail.confidence if detail else 1.0,
                position=position,
            )
        )
    if rows:
        ReportCode.objects.bulk_create(rows)
    _cache_codes(report, rows)


def _cache_codes(report: Report, rows: list[ReportCode]) -> None:
    """Fill ``report.codes`` the way ``prefetch_related`` does: a queryset whose results are known."""
    cache: dict[str, Any] = report.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.pop("codes", None)
    known = report.codes.all()
    known._result_cache = rows
    known._prefetch_done = True  # type: ignore[attr-defined]
    cache["codes"] = known


def _relax_commit_durability() -> None:
    """Let this transaction commit without waiting for the WAL flush (PostgreSQL only).

    Used for anonymous results alone: they live 24 h and the caller already holds the result in
    the response, so a database crash within the flush delay (a fraction of a second) can at
    worst lose a share link, never corrupt anything. Owned reports keep fully durable commits.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


@dataclass(frozen=True, slots=True)
class StoredReport:
    report: Report
    created: bool


@transaction.atomic
def report_store_result(
    *, owner: User | None, result: ExtractionResult, third_party: str = ""
) -> StoredReport:
    """Store ``result``; for an owner, an exam id already on file updates that report instead.

    An owner erased meanwhile (a batch file finishing after the account was deleted) gets the
    result without any personal field, as their other reports have.
    """
    fields = _result_fields(result)
    if third_party:  # kept once set: an update read without the model does not unsay it
        fields["third_party_recipient"] = third_party
    if owner is None:
        _relax_commit_durability()
        # The uploader's only way back to the result is its link, which lives as long as it does.
        expires_at = timezone.now() + timedelta(hours=settings.ANONYMOUS_RESULT_TTL_HOURS)
        report = Report.objects.create(
            owner=None,
            expires_at=expires_at,
            share_token=new_share_token(),
            share_expires_at=expires_at,
            **fields,
        )
        _write_codes(report, result, replace=False)
        statistics_report_changed(before=None, after=report_figures(report, _stored_codes(report)))
        return StoredReport(report, created=True)

    # Locked, so an erasure of the owner running now either finishes first (and this stores
    # nothing personal) or waits for this report and scrubs it (see accounts.services.user_erase);
    # and so the owner's statistics preference cannot change while this report is counted.
    deleted_at, contributes = (
        User.objects.select_for_update()
        .filter(pk=owner.pk)
        .values_list("deleted_at", "contribute_to_statistics")
        .get()
    )
    if deleted_at is None:
        fields |= _personal_fields(result)
    created = True
    before = None
    if fields.get("exam_id_hash"):
        report, created = Report.objects.select_for_update().get_or_create(
            owner=owner, exam_id_hash=fields["exam_id_hash"], defaults=fields
        )
        if not created:
            before = report_figures_stored(report) if contributes else None
            for name, value in fields.items():
                setattr(report, name, value)
            report.expires_at = None
            report.save()
    else:
        report = Report.objects.create(owner=owner, **fields)
    _write_codes(report, result, replace=not created)
    if contributes:
        statistics_report_changed(before=before, after=report_figures(report, _stored_codes(report)))
    return StoredReport(report, created=created)


def _stored_codes(report: Report) -> list[str]:
    """The codes just written for ``report``, from its prefetch cache (no query)."""
    return [row.code for row in report.codes.all()]


def report_create_from_result(
    *, owner: User | None, result: ExtractionResult, third_party: str = ""
) -> Report:
    """The stored report for ``result`` (new, or the owner's existing one for the same exam id);
    ``third_party`` is the host the document was sent to, if any."""
    return report_store_result(owner=owner, result=result, third_party=third_party).report


@transaction.atomic
def report_claim(*, report: Report, user: User) -> Report:
    """Make an anonymous result ``user``'s report and stop its expiry; idempotent for the owner.

    The link is rotated: whoever else saw the anonymous link (it was public) can no longer read
    or claim the report, and the new owner gets a fresh token that expires when the old one
    would have. The personal fields of an anonymous result were never stored, so a claimed
    report has none of them; if the user already holds a report for the same exam it stays a
    separate row.
    """
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.owner_id is not None and locked.owner_id != user.pk:
        raise Conflict("This result belongs to another user.", code="already_claimed")
    if locked.owner_id is None:
        # Claiming saves the result: one of the plan's saved reports for the month (429 over it).
        quota_consume(user, "saved_reports")
        # An anonymous result counts; claimed by someone who opted out, it no longer does.
        if not User.objects.select_for_update().filter(pk=user.pk, contribute_to_statistics=True).exists():
            statistics_report_changed(before=report_figures_stored(locked), after=None)
        locked.owner = user
        locked.expires_at = None
        locked.share_token = new_share_token()
        locked.save(update_fields=["owner", "expires_at", "share_token", "updated_at"])
    return locked


SHARE_LINK_MAX_DAYS = 90


@transaction.atomic
def report_share_link_create(*, report: Report, user: User, days: int) -> Report:
    """Give the owner's report a new link valid ``days`` days (1 to 90); any previous link dies."""
    if report.owner_id != user.pk:
        raise Forbidden("Only the owner may share a report.")
    if not 1 <= days <= SHARE_LINK_MAX_DAYS:
        raise Invalid(
            f"A link lives 1 to {SHARE_LINK_MAX_DAYS} days.",
            errors={"days": [f"Must be between 1 and {SHARE_LINK_MAX_DAYS}."]},
        )
    locked = Report.objects.select_for_update().get(pk=report.pk)
    locked.share_token = new_share_token()
    locked.share_expires_at = timezone.now() + timedelta(days=days)
    locked.save(update_fields=["share_token", "share_expires_at", "updated_at"])
    return locked


def report_share_link_revoke(*, report: Report, user: User) -> None:
    """End the owner's link to ``report`` at once; revoking a report without one changes nothing."""
    if report.owner_id != user.pk:
        raise Forbidden("Only the owner may revoke a report's link.")
    Report.objects.filter(pk=report.pk).exclude(share_token=None).update(
        share_token=None, share_expires_at=None, updated_at=timezone.now()
    )


@transaction.atomic
def report_delete(*, report: Report, user: User) -> None:
    """Delete ``user``'s own report, and what it counted for in the national statistics; those
    who may only read it (instructors, admins) may not."""
    if report.owner_id != user.pk:
        raise Forbidden("Only the owner may delete a report.")
    if owner_contributes(report.owner_id):
        statistics_report_changed(before=report_figures_stored(report), after=None)
    report.delete()


def reports_scrub_personal_fields(*, owner: User) -> int:
    """Blank the personal fields (and the exam id hash) of every report ``owner`` holds, and end
    their share links.

    An erased user keeps their reports, as results, but nothing that identifies them, and no link
    they handed out reaches them any more. Returns how many reports had personal fields; reports
    already blank are not rewritten.
    """
    blanks = dict.fromkeys(PERSONAL_FIELDS, "")
    reports = Report.objects.filter(owner=owner)
    reports.exclude(share_token=None).update(share_token=None, share_expires_at=None)
    return reports.exclude(**blanks, exam_id_hash="").update(**blanks, exam_id_hash="")


def reports_purge_expired(*, now: datetime | None = None) -> int:
    """Delete anonymous results past their expiry (codes go with them) and forget the expired
    links of owned reports; returns how many results went.

    What the results counted for in the national statistics stays (it names nobody): the counts
    move to the rows a rebuild keeps, since no report is left to recount them from.
    """
    cutoff = now or timezone.now()
    expired = Report.objects.filter(owner__isnull=True, expires_at__lte=cutoff)
    with transaction.atomic():
        statistics_reports_retain(reports=expired)
        _, per_model = expired.delete()
    Report.objects.filter(owner__isnull=False, share_expires_at__lte=cutoff).update(
        share_token=None, share_expires_at=None
    )
    return per_model.get(Report._meta.label, 0)


# --- Staff review ----------------------------------------------------------------------------------


@transaction.atomic
def report_correct_codes(*, report: Report, user: User, codes: list[str]) -> CodeCorrection | None:
    """Replace a report's codes with a staff-reviewed list and record who changed what.

    Either way the report leaves review (status ``ok``). Saving the same list on a report that
    needs review confirms it (recorded with before equal to after); saving it on a reviewed report
    changes nothing and returns ``None``. A code the engine had keeps its raw text and confidence;
    a code staff added carries confidence 1.0. The unresolved tokens and the review reasons stay
    as the evidence that was reviewed.
    """
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    existing = {rc.code: rc for rc in ReportCode.objects.filter(report=report).order_by("position")}
    before = list(existing)
    if wanted != before and owner_contributes(report.owner_id):
        statistics_report_changed(before=report_figures(report, before), after=report_figures(report, wanted))
    if wanted == before:
        if report.status == Report.Status.OK:
            return None
        report.status = Report.Status.OK
        report.save(update_fields=["status", "updated_at"])
        return CodeCorrection.objects.create(report=report, user=user, before=before, after=wanted)
    elements = {
        e.code: e
        for e in AcsElement.objects.filter(code__in=wanted, edition=CURRENT_EDITION).only("id", "code")
    }
    ReportCode.objects.filter(report=report).delete()
    ReportCode.objects.bulk_create(
        ReportCode(
            report=report,
            code=code,
            element=elements.get(code),
            raw=existing[code].raw if code in existing else "",
            confidence=existing[code].confidence if code in existing else 1.0,
            position=position,
        )
        for position, code in enumerate(wanted)
    )
    report.status = Report.Status.OK
    report.save(update_fields=["status", "updated_at"])
    return CodeCorrection.objects.create(report=report, user=user, before=before, after=wanted)


@transaction.atomic
def reports_mark_reviewed(*, reports: QuerySet[Report], user: User) -> int:
    """Confirm the reports of ``reports`` that await review, their codes as they are.

    Each leaves review (status ``ok``) with a correction whose before equals its after, so the
    audit trail names who confirmed it and when, as confirming one report in its change form
    does. Reports already reviewed are left alone; returns how many were confirmed. A fixed
    number of queries, however many reports.
    """
    pending = list(
        Report.objects.select_for_update()
        .filter(pk__in=reports.order_by().values("pk"), status=Report.Status.NEEDS_REVIEW)
        .values_list("pk", flat=True)
    )
    codes: dict[Any, list[str]] = defaultdict(list)
    for report_id, code in (
        ReportCode.objects.filter(report_id__in=pending)
        .order_by("report_id", "position")
        .values_list("report_id", "code")
    ):
        codes[report_id].append(code)
    Report.objects.filter(pk__in=pending).update(status=Report.Status.OK, updated_at=timezone.now())
    CodeCorrection.objects.bulk_create(
        CodeCorrection(report_id=pk, user=user, before=codes[pk], after=codes[pk]) for pk in pending
    )
    return len(pending)


# --- Catalogue re-linking ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RelinkOutcome:
    scanned: int
    linked: int
    unlinked: int
    unchanged: int
    last_id: int


@transaction.atomic
def report_codes_relink(*, after_id: int, limit: int, dry_run: bool = False) -> RelinkOutcome:
    """Point up to ``limit`` report codes with id > ``after_id`` at the current catalogue.

    ``linked`` counts codes given a (different) element, ``unlinked`` codes whose element is gone.
    """
    rows = list(
        ReportCode.objects.filter(pk__gt=after_id).order_by("pk").only("id", "code", "element_id")[:limit]
    )
    if not rows:
        return RelinkOutcome(0, 0, 0, 0, after_id)
    elements = _elements_by_code(sorted({r.code for r in rows}))
    changed: list[ReportCode] = []
    linked = unlinked = 0
    for row in rows:
        element = elements.get(row.code)
        wanted_id = element.pk if element else None
        if row.element_id == wanted_id:
            continue
        if wanted_id is None:
            unlinked += 1
        else:
            linked += 1
        row.element_id = wanted_id
        changed.append(row)
    if changed and not dry_run:
        ReportCode.objects.bulk_update(changed, ["element"])
    return RelinkOutcome(len(rows), linked, unlinked, len(rows) - len(changed), rows[-1].pk)
