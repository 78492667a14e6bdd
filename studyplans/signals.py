"""Reactions of the study plans app to what accounts announces, so accounts need not know us."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.exports import ExportSection
from accounts.models import User
from accounts.signals import user_export_requested
from studyplans.plans.selectors import study_plans_export


@receiver(user_export_requested, dispatch_uid="studyplans.export_study_plans")
def export_study_plans(sender: type[User], user: User, **kwargs: Any) -> ExportSection:
    """A person's export carries every study plan they own, with the progress recorded on it."""
    return ExportSection("study_plans", study_plans_export(user))
