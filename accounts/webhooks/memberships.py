"""Handlers of ``organizationMembership.*`` events: who belongs to which school, in which role.

A deleted membership leaves a tombstone (``tombstones``), and so does a deleted organization: a
late ``created``/``updated`` for either is ignored unless it is newer than the deletion, so a
removed instructor never sees the school's students again through a retried delivery.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import ClerkTombstone, Membership, User
from accounts.plans.selectors import SEAT_ROLES
from accounts.plans.services import seat_take_from_clerk
from accounts.services import organization_get_or_create, user_get_or_create
from accounts.webhooks.payload import clerk_id, event_version, object_at, text, update_if_newer
from accounts.webhooks.tombstones import (
    organization_lock,
    tombstone_blocks,
    tombstone_clear,
    tombstone_record,
)

logger = logging.getLogger(__name__)

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


def membership_role_from_clerk(clerk_role: str, *, membership_id: str = "") -> str:
    """Map a Clerk organization role to ours.

    A role we do not know (a custom one, or none) becomes ``other``, which neither sees the
    school's students nor is seen by its staff, and is logged so the mapping can be extended.
    """
    role = CLERK_MEMBERSHIP_ROLES.get(clerk_role.strip().lower())
    if role is None:
        logger.warning(
            "Clerk membership %s has the unknown role %r: it gets no access in its organization",
            membership_id,
            clerk_role[:64],
        )
        return Membership.Role.OTHER
    return role


def _parties(data: dict[str, Any]) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    organization = object_at(data, "organization", "data.organization")
    org_id = clerk_id(organization, "id", "data.organization.id")
    member = object_at(data, "public_user_data", "data.public_user_data")
    user_id = clerk_id(member, "user_id", "data.public_user_data.user_id")
    return org_id, organization, user_id, member


def membership_upsert_from_clerk(data: dict[str, Any]) -> Membership | None:
    """Create or refresh a membership; the user and organization are created if not seen yet,
    since Clerk does not order deliveries.

    Nothing is written for a deleted user, a deleted organization, or a membership deleted by an
    event that is not older than this one.
    """
    membership_id = clerk_id(data, "id", "data.id")
    org_id, organization_data, user_id, member = _parties(data)
    version = event_version(data)
    organization_lock(org_id)
    # A deleted organization comes back only through an organization event newer than its deletion.
    if tombstone_blocks(ClerkTombstone.Kind.ORGANIZATION, org_id, None) or tombstone_blocks(
        ClerkTombstone.Kind.MEMBERSHIP, membership_id, version
    ):
        return None
    tombstone_clear(ClerkTombstone.Kind.MEMBERSHIP, membership_id)
    role_value = data.get("role")
    role = membership_role_from_clerk(
        role_value if isinstance(role_value, str) else "", membership_id=membership_id
    )
    organization = organization_get_or_create(org_id, text(organization_data, "name", 200))
    identifier = text(member, "identifier", 254)
    created_user = user_get_or_create(user_id, identifier if "@" in identifier else "")
    # Locked, so a concurrent user.deleted either sees this membership or is seen by it.
    user = User.objects.select_for_update().get(pk=created_user.pk)
    if user.deleted_at is not None:
        return None
    memberships = Membership.objects.select_for_update()
    membership = (
        memberships.filter(clerk_id=membership_id).first()
        or memberships.filter(user=user, organization=organization).first()
    )
    if role in SEAT_ROLES and (membership is None or membership.role not in SEAT_ROLES):
        # Recorded even beyond the plan's seats, and flagged (see seat_take_from_clerk).
        seat_take_from_clerk(organization, membership_id=membership_id)
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
    """Delete the membership (by its id, or by user and organization) and tombstone every id it had."""
    membership_id = clerk_id(data, "id", "data.id")
    org_id, _, user_id, _ = _parties(data)
    organization_lock(org_id)
    matching = Membership.objects.filter(
        Q(clerk_id=membership_id) | Q(user__clerk_id=user_id, organization__clerk_id=org_id)
    )
    stored_ids = [value for value in matching.values_list("clerk_id", flat=True) if value]
    matching.delete()
    tombstone_record(ClerkTombstone.Kind.MEMBERSHIP, [membership_id, *stored_ids], event_version(data))
