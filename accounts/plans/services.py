"""Every entitlement check goes through here: features, batches and seats of the caller's plan."""

from __future__ import annotations

from accounts.models import Membership, Organization, Plan, User
from accounts.plans.quotas import quota_consume, quota_release
from accounts.plans.selectors import FEATURES, plan_cheapest_with, plan_for_user
from cfipros.errors import Invalid, PaymentRequired, PlanRequired


def entitlement_check(user: User, feature: str, *, plan: Plan | None = None) -> Plan:
    """The user's plan when it includes ``feature``; else ``PlanRequired`` (403 ``plan_required``)
    naming the cheapest plan that does."""
    plan = plan or plan_for_user(user)
    if not getattr(plan, FEATURES[feature]):
        required = plan_cheapest_with(feature)
        raise PlanRequired(
            f"Your plan ({plan.name}) does not include {feature}.",
            required_plan=required.code if required else None,
        )
    return plan


def batch_allowance_consume(user: User, file_count: int) -> None:
    """Admit a batch of ``file_count`` files: the plan must include batches and take that many
    files, and the batch takes one extraction and ``file_count`` batched documents."""
    plan = entitlement_check(user, "batch")
    if file_count > plan.files_per_batch:
        message = f"Your plan takes at most {plan.files_per_batch} files per batch."
        raise Invalid(message, code="too_many_files", errors={"files": [message]})
    quota_consume(user, "extractions", 1, plan=plan)
    try:
        quota_consume(user, "batched_documents", file_count, plan=plan)
    except Exception:
        quota_release(user, "extractions", 1)
        raise


def seat_check(organization: Organization) -> None:
    """Room for one more instructor in ``organization``; else ``PaymentRequired`` (402)."""
    plans = [p for p in [organization.plan_override] if p is not None]
    if not plans and organization.clerk_plan:
        plans = list(Plan.objects.filter(code=organization.clerk_plan))
    seats = plans[0].seats if plans else 0
    if seats is None:
        return
    taken = Membership.objects.filter(
        organization=organization, role__in=[Membership.Role.INSTRUCTOR, Membership.Role.ADMIN]
    ).count()
    if taken >= seats:
        raise PaymentRequired(f"{organization.name} uses all of its {seats} instructor seats; add seats.")
