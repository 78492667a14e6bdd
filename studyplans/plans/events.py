"""What the plans concern announces to outgoing webhooks (``accounts.outgoing``)."""

from __future__ import annotations

from collections.abc import Sequence

from accounts.outgoing.events import STUDY_PLAN_CREATED
from accounts.outgoing.services import webhook_emit
from extraction.models import Report
from studyplans.models import StudyPlan


def study_plan_created_announce(plan: StudyPlan, reports: Sequence[Report]) -> None:
    """``study_plan.created``: the plan's id, the reports it was built from and its size."""
    webhook_emit(
        event=STUDY_PLAN_CREATED,
        user_id=plan.owner_id,
        data={
            "study_plan_id": str(plan.pk),
            "report_ids": [str(report.pk) for report in reports],
            "status": plan.status,
            "total_minutes": plan.total_minutes,
        },
    )
