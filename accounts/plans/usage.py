"""What a caller has used of their plan, for ``GET /api/v1/me/usage``."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.plans.quotas import period_bounds, quota_used
from accounts.plans.selectors import plan_for_user, plan_limits


def usage_get(user: User) -> dict[str, Any]:
    """The caller's plan, its limits, what was used this period and when the daily count renews."""
    plan = plan_for_user(user)
    return {
        "plan": plan.code,
        "limits": plan_limits(plan),
        "used": {
            "extractions_today": quota_used(user, "extractions"),
            "saved_reports_this_month": quota_used(user, "saved_reports"),
            "batched_documents_this_month": quota_used(user, "batched_documents"),
        },
        "resets_at": period_bounds("extractions")[1],
    }
