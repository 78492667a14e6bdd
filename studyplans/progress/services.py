"""Writes of progress: an item done or not, minutes spent, and the plan's status kept in step."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from studyplans.models import StudyPlan, StudyPlanItem


def study_plan_item_update(
    *, plan: StudyPlan, item: StudyPlanItem, done: bool | None = None, minutes_spent: int | None = None
) -> StudyPlanItem:
    """Record progress on one item and keep the plan's status in step with its items."""
    fields: list[str] = []
    if done is not None and done != item.done:
        item.done = done
        item.done_at = timezone.now() if done else None
        fields += ["done", "done_at"]
    if minutes_spent is not None and minutes_spent != item.minutes_spent:
        item.minutes_spent = minutes_spent
        fields.append("minutes_spent")
    if not fields:
        return item
    with transaction.atomic():
        # Lock the plan row so two requests finishing the last two items agree on the status.
        StudyPlan.objects.select_for_update().filter(pk=plan.pk).values_list("pk", flat=True).first()
        item.save(update_fields=fields)
        remaining = StudyPlanItem.objects.filter(plan=plan, done=False).exists()
        status = StudyPlan.Status.ACTIVE if remaining else StudyPlan.Status.COMPLETED
        if status != plan.status:
            plan.status = status
            plan.save(update_fields=["status", "updated_at"])
    return item
