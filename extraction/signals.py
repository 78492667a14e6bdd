"""Reactions of the extraction app to changes elsewhere, kept here so accounts need not know us."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.exports import ExportSection
from accounts.models import User
from accounts.signals import user_erased, user_export_requested
from extraction.batches.erasure import batch_files_erase_personal
from extraction.batches.selectors import batches_export
from extraction.reports.selectors import reports_export
from extraction.reports.services import reports_scrub_personal_fields


@receiver(user_erased, dispatch_uid="extraction.scrub_erased_owner")
def scrub_reports_of_erased_user(sender: type[User], user: User, **kwargs: Any) -> None:
    """A user erased (deleted in Clerk, or through ``DELETE /api/v1/me``) keeps their row (and
    reports) but not their identity: the name, FTN, applicant id, exam id and site go from every
    report they own, as from their account, and the file names from their batches."""
    reports_scrub_personal_fields(owner=user)
    batch_files_erase_personal(owner=user)


@receiver(user_export_requested, dispatch_uid="extraction.export_reports_and_batches")
def export_reports_and_batches(sender: type[User], user: User, **kwargs: Any) -> list[ExportSection]:
    """A person's export carries every report they own, with its codes, and every batch they
    uploaded, with its files."""
    return [ExportSection("reports", reports_export(user)), ExportSection("batches", batches_export(user))]
