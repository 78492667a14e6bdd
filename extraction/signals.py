"""Reactions of the extraction app to changes elsewhere, kept here so accounts need not know us."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import User
from accounts.signals import user_erased
from extraction.reports.services import reports_scrub_personal_fields


@receiver(user_erased, dispatch_uid="extraction.scrub_erased_owner")
def scrub_reports_of_erased_user(sender: type[User], user: User, **kwargs: Any) -> None:
    """A user erased (deleted in Clerk) keeps their row (and reports) but not their identity: the
    name, FTN, applicant id, exam id and site go from every report they own, as from their account."""
    reports_scrub_personal_fields(owner=user)
