"""Handlers of ``organizationMembership.*`` events: who belongs to which school, in which role."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import Membership
from accounts.services import organization_get_or_create, user_get_or_create
from accounts.webhooks.payload import clerk_id, event_version, object_at, text, update_if_newer

CLERK_MEMBERSHIP_ROLES: dict[str, str] = {
    "org:admin": Membership.Role.ADMIN,
    "admin": Membership.Role.ADMIN,
    "org:instructor": Membership.Role.INSTRUCTOR,
    "instructor": Membership.Role.INSTRUCTOR,
    "org:member": Membership.Role.STUDENT,
    "basic_member": Membership.Role.STUDENT,
    "org:student": Membership.Role.STUDENT,
    "student": Membership.Role.STUDENT,
}


def membership_role_from_clerk(clerk_role: str) -> str:
    """Map a Clerk organization role to ours; unknown custom roles get the least privilege."""
    return CLERK_MEMBERSHIP_ROLES.get(clerk_role.strip().lower(), Membership.Role.STUDENT)


def _parties(data: dict[str, Any]) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    organization = object_at(data, "organization", "data.organization")
    org_id = clerk_id(organization, "id", "data.organization.id")
    member = object_at(data, "public_user_data", "data.public_user_data")
    user_id = clerk_id(member, "user_id", "data.public_user_data.user_id")
    return org_id, organization, user_id, member


def membership_upsert_from_clerk(data: dict[str, Any]) -> Membership | None:
    """Create or refresh a membership; the user and organization are created if not seen yet,
    since Clerk does not order deliveries. Memberships of deleted users are not recreated."""
    membership_id = clerk_id(data, "id", "data.id")
    org_id, organization_data, user_id, member = _parties(data)
    role_value = data.get("role")
    role = membership_role_from_clerk(role_value if isinstance(role_value, str) else "")
    organization = organization_get_or_create(org_id, text(organization_data, "name", 200))
    identifier = text(member, "identifier", 254)
    user = user_get_or_create(user_id, identifier if "@" in identifier else "")
    if user.deleted_at is not None:
        return None
    version = event_version(data)
    memberships = Membership.objects.select_for_update()
    membership = (
        memberships.filter(clerk_id=membership_id).first()
        or memberships.filter(user=user, organization=organization).first()
    )
    if membership is None:
        try:
            with transaction.atomic():
                return Membership.objects.create(
                    clerk_id=membership_id,
                    user=user,
                    organization=organization,
                    role=role,
                    clerk_updated_at=version,
                )
        except IntegrityError:
            membership = memberships.get(user=user, organization=organization)
    desired = {
        "clerk_id": membership_id,
        "user_id": user.pk,
        "organization_id": organization.pk,
        "role": role,
    }
    update_if_newer(membership, desired, version)
    return membership


def membership_delete_from_clerk(data: dict[str, Any]) -> None:
    membership_id = clerk_id(data, "id", "data.id")
    org_id, _, user_id, _ = _parties(data)
    Membership.objects.filter(
        Q(clerk_id=membership_id) | Q(user__clerk_id=user_id, organization__clerk_id=org_id)
    ).delete()
