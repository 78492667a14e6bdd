"""Write operations on users, organizations and memberships.

Clerk is the source of truth for identity; these functions mirror it locally. Every Clerk event
handler is idempotent (an upsert or a delete keyed by Clerk ids), because webhook deliveries may be
retried, duplicated or arrive out of order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Organization, User

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


class ClerkEventError(ValueError):
    """A webhook body that is valid JSON but not a usable Clerk event; ``errors`` maps field paths."""

    def __init__(self, detail: str, errors: dict[str, list[str]]) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors


def _get_or_create_user(clerk_id: str, email: str = "") -> User:
    """The user for a Clerk id, created on first sight; safe against a concurrent first sight."""
    user = User.objects.filter(clerk_id=clerk_id).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            return User.objects.create(clerk_id=clerk_id, username=clerk_id, email=email[:254])
    except IntegrityError:
        return User.objects.get(clerk_id=clerk_id)


def user_get_or_create_from_claims(claims: dict[str, Any]) -> User:
    """The local user for a verified token's ``sub``, created on first sight."""
    return _get_or_create_user(str(claims["sub"]), str(claims.get("email") or ""))


def membership_role_from_clerk(clerk_role: str) -> str:
    """Map a Clerk organization role to ours; unknown custom roles get the least privilege."""
    return CLERK_MEMBERSHIP_ROLES.get(clerk_role.strip().lower(), Membership.Role.STUDENT)


CLERK_ID_MAX_LENGTH = 64


def _required_str(data: dict[str, Any], key: str, path: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ClerkEventError(f"The event has no usable {path}.", {path: ["This field is required."]})
    return value.strip()


def _clerk_id(data: dict[str, Any], key: str, path: str) -> str:
    value = _required_str(data, key, path)
    if len(value) > CLERK_ID_MAX_LENGTH:
        raise ClerkEventError(
            f"The event's {path} is too long.",
            {path: [f"Ensure this field has no more than {CLERK_ID_MAX_LENGTH} characters."]},
        )
    return value


def _object(data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ClerkEventError(f"The event has no usable {path}.", {path: ["Expected an object."]})
    return value


def _primary_email(data: dict[str, Any]) -> str:
    addresses = [a for a in data.get("email_addresses") or [] if isinstance(a, dict)]
    primary_id = data.get("primary_email_address_id")
    chosen = next((a for a in addresses if a.get("id") == primary_id), addresses[0] if addresses else {})
    email = chosen.get("email_address")
    return email[:254] if isinstance(email, str) else ""


def _text(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key)
    return value[:limit] if isinstance(value, str) else ""


def _event_version(data: dict[str, Any]) -> int | None:
    """Clerk's ``updated_at`` (ms since the epoch) of the object in the payload, if any."""
    value = data.get("updated_at")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _update_if_newer(
    instance: User | Organization | Membership,
    fields: dict[str, Any],
    version: int | None,
    always: tuple[str, ...] = (),
) -> None:
    """Write the changed ``fields`` unless the row already reflects a newer Clerk event, so a late
    or retried older delivery cannot undo a newer one. ``always`` names auto fields to save along."""
    stored = instance.clerk_updated_at
    if stored is not None and version is not None and version < stored:
        return
    if version is not None:
        fields = {**fields, "clerk_updated_at": version}
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    if changed:
        instance.save(update_fields=[*changed, *always])


def user_upsert_from_clerk(data: dict[str, Any]) -> User | None:
    """Create or refresh a user from a ``user.created``/``user.updated`` payload.

    ``public_metadata.role`` (only writable from Clerk's backend, so trusted) sets the user role when
    it is one of ours. A user already deleted in Clerk is left alone, so a late update cannot revive it.
    """
    clerk_id = _clerk_id(data, "id", "data.id")
    user = User.objects.select_for_update().get(pk=_get_or_create_user(clerk_id).pk)
    if user.deleted_at is not None:
        return None
    fields = {
        "email": _primary_email(data),
        "first_name": _text(data, "first_name", 150),
        "last_name": _text(data, "last_name", 150),
    }
    metadata = data.get("public_metadata")
    if isinstance(metadata, dict) and metadata.get("role") in User.Role.values:
        fields["role"] = metadata["role"]
    _update_if_newer(user, fields, _event_version(data))
    return user


def user_delete_from_clerk(data: dict[str, Any]) -> None:
    """Deactivate and scrub a user deleted in Clerk, and drop their memberships.

    The row is kept because it owns reports and study plans; personal data (email, names) is erased.
    A deletion for a user never seen leaves a tombstone so that a late ``user.created`` is ignored.
    """
    clerk_id = _clerk_id(data, "id", "data.id")
    user = _get_or_create_user(clerk_id)
    if user.deleted_at is None:
        user.is_active = False
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.deleted_at = timezone.now()
        user.set_unusable_password()
        user.save(update_fields=["is_active", "email", "first_name", "last_name", "deleted_at", "password"])
    Membership.objects.filter(user=user).delete()


def organization_upsert_from_clerk(data: dict[str, Any]) -> Organization:
    clerk_id = _clerk_id(data, "id", "data.id")
    name = _required_str(data, "name", "data.name")[:200]
    created = _get_or_create_organization(clerk_id, name)
    organization = Organization.objects.select_for_update().get(pk=created.pk)
    _update_if_newer(organization, {"name": name}, _event_version(data), always=("updated_at",))
    return organization


def _get_or_create_organization(clerk_id: str, name: str) -> Organization:
    organization = Organization.objects.filter(clerk_id=clerk_id).first()
    if organization is not None:
        return organization
    try:
        with transaction.atomic():
            return Organization.objects.create(clerk_id=clerk_id, name=name or clerk_id)
    except IntegrityError:
        return Organization.objects.get(clerk_id=clerk_id)


def organization_delete_from_clerk(data: dict[str, Any]) -> None:
    """Delete the organization and its memberships; users and what they own are untouched."""
    clerk_id = _clerk_id(data, "id", "data.id")
    Organization.objects.filter(clerk_id=clerk_id).delete()


def _membership_parties(data: dict[str, Any]) -> tuple[str, dict[str, Any], str, dict[str, Any]]:
    organization = _object(data, "organization", "data.organization")
    org_id = _clerk_id(organization, "id", "data.organization.id")
    member = _object(data, "public_user_data", "data.public_user_data")
    user_id = _clerk_id(member, "user_id", "data.public_user_data.user_id")
    return org_id, organization, user_id, member


def membership_upsert_from_clerk(data: dict[str, Any]) -> Membership | None:
    """Create or refresh a membership; the user and organization are created if not seen yet,
    since Clerk does not order deliveries. Memberships of deleted users are not recreated."""
    membership_id = _clerk_id(data, "id", "data.id")
    org_id, organization_data, user_id, member = _membership_parties(data)
    role_value = data.get("role")
    role = membership_role_from_clerk(role_value if isinstance(role_value, str) else "")
    organization = _get_or_create_organization(org_id, _text(organization_data, "name", 200))
    identifier = _text(member, "identifier", 254)
    user = _get_or_create_user(user_id, identifier if "@" in identifier else "")
    if user.deleted_at is not None:
        return None
    version = _event_version(data)
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
    _update_if_newer(membership, desired, version)
    return membership


def membership_delete_from_clerk(data: dict[str, Any]) -> None:
    membership_id = _clerk_id(data, "id", "data.id")
    org_id, _, user_id, _ = _membership_parties(data)
    Membership.objects.filter(
        Q(clerk_id=membership_id) | Q(user__clerk_id=user_id, organization__clerk_id=org_id)
    ).delete()


_HANDLERS: dict[str, Callable[[dict[str, Any]], object]] = {
    "user.created": user_upsert_from_clerk,
    "user.updated": user_upsert_from_clerk,
    "user.deleted": user_delete_from_clerk,
    "organization.created": organization_upsert_from_clerk,
    "organization.updated": organization_upsert_from_clerk,
    "organization.deleted": organization_delete_from_clerk,
    "organizationMembership.created": membership_upsert_from_clerk,
    "organizationMembership.updated": membership_upsert_from_clerk,
    "organizationMembership.deleted": membership_delete_from_clerk,
}


def apply_clerk_event(event: Any) -> bool:
    """Apply one Clerk webhook event atomically; False when its type is not one we mirror."""
    if not isinstance(event, dict):
        raise ClerkEventError(
            "The event must be a JSON object.", {"non_field_errors": ["Expected an object."]}
        )
    event_type = event.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise ClerkEventError("The event has no usable type.", {"type": ["This field is required."]})
    handler = _HANDLERS.get(event_type)
    if handler is None:
        return False
    data = _object(event, "data", "data")
    with transaction.atomic():
        handler(data)
    return True
