"""Reactions of the extraction app to changes elsewhere, kept here so accounts need not know us."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User
from extraction.reports.services import reports_scrub_personal_fields


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="extraction.scrub_deleted_owner")
def scrub_reports_of_deleted_user(sender: type[User], instance: User, **kwargs: Any) -> None:
    """A user deleted in Clerk keeps their row (and reports) but not their identity: the name, FTN,
    applicant id, exam id and site go from every report they own, as from their account."""
    if instance.deleted_at is not None:
        reports_scrub_personal_fields(owner=instance)
