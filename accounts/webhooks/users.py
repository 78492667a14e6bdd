"""Handlers of ``user.*`` events: a user mirrored, refreshed, or erased with a tombstone."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.services import user_erase, user_get_or_create
from accounts.webhooks.payload import clerk_id, event_version, metadata_plan, text, update_if_newer


def _primary_email(data: dict[str, Any]) -> str:
    addresses = [a for a in data.get("email_addresses") or [] if isinstance(a, dict)]
    primary_id = data.get("primary_email_address_id")
    chosen = next((a for a in addresses if a.get("id") == primary_id), addresses[0] if addresses else {})
    email = chosen.get("email_address")
    return email[:254] if isinstance(email, str) else ""


def user_upsert_from_clerk(data: dict[str, Any]) -> User | None:
    """Create or refresh a user from a ``user.created``/``user.updated`` payload.

    ``public_metadata.role`` (only writable from Clerk's backend, so trusted) sets the user role when
    it is one of ours, and ``public_metadata.plan`` their plan. A user already deleted in Clerk is left
    alone, so a late update cannot revive it.
    """
    user_id = clerk_id(data, "id", "data.id")
    user = User.objects.select_for_update().get(pk=user_get_or_create(user_id).pk)
    if user.deleted_at is not None:
        return None
    fields = {
        "email": _primary_email(data),
        "first_name": text(data, "first_name", 150),
        "last_name": text(data, "last_name", 150),
    }
    metadata = data.get("public_metadata")
    if isinstance(metadata, dict) and metadata.get("role") in User.Role.values:
        fields["role"] = metadata["role"]
    plan = metadata_plan(data)
    if plan is not None:
        fields["clerk_plan"] = plan
    update_if_newer(user, fields, event_version(data))
    return user


def user_delete_from_clerk(data: dict[str, Any]) -> None:
    """Erase a user deleted in Clerk (see ``user_erase``), memberships and personal data included.

    A deletion for a user never seen leaves a tombstone so that a late ``user.created`` is ignored.
    """
    user_erase(user=user_get_or_create(clerk_id(data, "id", "data.id")))
