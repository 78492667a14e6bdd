"""Which plan applies: the user's (staff override, else Clerk's ``public_metadata.plan``, else
free) or, when better, that of an organization they belong to; anonymous callers get ``anonymous``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import Membership, Organization, Plan, User
from accounts.plans.tiers import plans_restore_missing

ANONYMOUS_PLAN = "anonymous"
DEFAULT_PLAN = "free"

FEATURES = {
    "batch": "feature_batch",
    "cohorts": "feature_cohorts",
    "exports": "feature_exports",
    "analytics": "feature_analytics",
}


def _chosen_code(clerk_plan: str, override: Plan | None) -> str | None:
    if override is not None:
        return override.code
    return clerk_plan or None


def plan_get(code: str) -> Plan:
    """The plan of this code; a shipped tier whose row is missing is restored first."""
    try:
        return Plan.objects.get(code=code)
    except Plan.DoesNotExist:
        plans_restore_missing()
        return Plan.objects.get(code=code)


def plan_for_user(user: User) -> Plan:
    """The best plan among the user's own and their organizations' (two queries).

    A Clerk plan code with no row (a plan not yet created by staff) counts as the default plan.
    """
    codes = {_chosen_code(user.clerk_plan, user.plan_override) or DEFAULT_PLAN}
    memberships = Membership.objects.filter(user=user).select_related("organization__plan_override")
    for membership in memberships:
        org = membership.organization
        code = _chosen_code(org.clerk_plan, org.plan_override)
        if code:
            codes.add(code)
    codes.add(DEFAULT_PLAN)
    best = Plan.objects.filter(code__in=codes).order_by("-rank").first()
    if best is None:  # not even the default: the shipped tiers are restored, then read again
        plans_restore_missing()
        best = Plan.objects.filter(code__in=codes).order_by("-rank").first()
    return best if best is not None else plan_get(DEFAULT_PLAN)


def plan_cheapest_with(feature: str) -> Plan | None:
    """The lowest-ranked plan that includes ``feature`` (one of :data:`FEATURES`)."""
    return Plan.objects.filter(**{FEATURES[feature]: True}).order_by("rank").first()


def plan_limits(plan: Plan) -> dict[str, int | bool | None]:
    """The plan's limits and features as plain values (None: no limit)."""
    return {
        "extractions_per_day": plan.extractions_per_day,
        "saved_reports_per_month": plan.saved_reports_per_month,
        "files_per_batch": plan.files_per_batch,
        "batched_documents_per_month": plan.batched_documents_per_month,
        "seats": plan.seats,
        **{feature: bool(getattr(plan, field)) for feature, field in FEATURES.items()},
    }


# The roles that take a seat of an organization's plan: its instructors and administrators.
SEAT_ROLES = frozenset({Membership.Role.INSTRUCTOR, Membership.Role.ADMIN})


@dataclass(frozen=True, slots=True)
class SeatUse:
    seats: int | None  # None: no limit
    taken: int
    planned: bool = True  # False: the organization has no plan of its own, so no seats to exceed

    @property
    def over(self) -> bool:
        return self.planned and self.seats is not None and self.taken > self.seats


def organization_seats(organization: Organization) -> SeatUse:
    """The seats of the organization's own plan (the staff override, else Clerk's
    ``public_metadata.plan``; none is 0) and how many instructors and administrators hold one."""
    plan = organization.plan_override
    if plan is None and organization.clerk_plan:
        plan = Plan.objects.filter(code=organization.clerk_plan).first()
    taken = Membership.objects.filter(organization=organization, role__in=SEAT_ROLES).count()
    return SeatUse(seats=plan.seats if plan is not None else 0, taken=taken, planned=plan is not None)


def organizations_with_seats(organizations: QuerySet[Organization]) -> QuerySet[Organization]:
    """The organizations with what :func:`seat_use_annotated` reads, in the same query."""
    clerk_plan = Plan.objects.filter(code=OuterRef("clerk_plan"))
    return organizations.select_related("plan_override").annotate(
        seats_taken=Count("memberships", filter=Q(memberships__role__in=SEAT_ROLES), distinct=True),
        clerk_plan_known=Exists(clerk_plan),
        clerk_plan_seats=Subquery(clerk_plan.values("seats")[:1]),
    )


def seat_use_annotated(organization: Any) -> SeatUse:
    """:func:`organization_seats` of an organization read through :func:`organizations_with_seats`."""
    plan = organization.plan_override
    if plan is not None:
        return SeatUse(seats=plan.seats, taken=int(organization.seats_taken))
    known = bool(organization.clerk_plan_known)
    seats = organization.clerk_plan_seats if known else 0
    return SeatUse(seats=seats, taken=int(organization.seats_taken), planned=known)
