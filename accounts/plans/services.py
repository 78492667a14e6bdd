"""Every entitlement check goes through here: features, batches and seats of the caller's plan."""

from __future__ import annotations

import logging

from accounts.models import Organization, Plan, User
from accounts.plans.quotas import quota_consume, quota_release
from accounts.plans.selectors import FEATURES, organization_seats, plan_cheapest_with, plan_for_user
from cfipros.errors import Invalid, PaymentRequired, PlanRequired

logger = logging.getLogger(__name__)


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
    use = organization_seats(organization)
    if use.seats is not None and use.taken >= use.seats:
        raise PaymentRequired(f"{organization.name} uses all of its {use.seats} instructor seats; add seats.")


def seat_take_from_clerk(organization: Organization, *, membership_id: str) -> bool:
    """Check a seat Clerk has already given: ``True`` when the plan has room for it.

    The membership is recorded either way. Clerk is where schools add their staff, and refusing
    the webhook would not undo that there: Clerk would retry the delivery for days while our copy
    of the school disagreed with Clerk's, and an instructor the school added would be invisible
    here. So a seat beyond the plan is flagged instead: logged as ``seats_exceeded`` for the
    operators, and shown over its count in the organizations' admin list (``organization_seats``).
    An organization with no plan of its own pays for no seats and gives its members nothing (they
    keep their own plans), so its staff are recorded without a flag.
    """
    if not organization_seats(organization).planned:
        return True
    try:
        seat_check(organization)
    except PaymentRequired:
        use = organization_seats(organization)
        logger.warning(
            "seats_exceeded: organization %s gains a seat (Clerk membership %s) beyond its plan's %s; "
            "%s are taken",
            organization.pk,
            membership_id,
            use.seats,
            use.taken,
        )
        return False
    return True
