"""Reactions of the extraction app to changes elsewhere, kept here so accounts need not know us."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from accounts.exports import ExportSection
from accounts.models import User
from accounts.signals import statistics_preference_changed, user_erased, user_export_requested
from extraction.batches.erasure import batch_files_erase_personal
from extraction.batches.selectors import batches_export
from extraction.reports.selectors import reports_export
from extraction.reports.services import reports_scrub_personal_fields
from extraction.statistics.services import statistics_owner_contribution_set, statistics_owner_withdraw


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


@receiver(statistics_preference_changed, dispatch_uid="extraction.statistics_preference")
def count_reports_by_preference(sender: type[User], user: User, contribute: bool, **kwargs: Any) -> None:
    """A user who opts out of the national statistics takes their reports out of them, and puts
    them back by opting in again."""
    statistics_owner_contribution_set(owner=user, contribute=contribute)


@receiver(pre_delete, sender=User, dispatch_uid="extraction.statistics_owner_deleted")
def uncount_reports_of_deleted_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    """A user row deleted outright (by staff) takes its reports with it, and so what they counted
    for; erasure keeps the row and the reports, and the counts with them."""
    statistics_owner_withdraw(owner=instance)
