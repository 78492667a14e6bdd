"""Handlers of ``organization.*`` events: a flight school mirrored, renamed or removed."""

from __future__ import annotations

from typing import Any

from accounts.models import Organization
from accounts.services import organization_get_or_create
from accounts.webhooks.payload import clerk_id, event_version, required_str, update_if_newer


def organization_upsert_from_clerk(data: dict[str, Any]) -> Organization:
    organization_id = clerk_id(data, "id", "data.id")
    name = required_str(data, "name", "data.name")[:200]
    created = organization_get_or_create(organization_id, name)
    organization = Organization.objects.select_for_update().get(pk=created.pk)
    update_if_newer(organization, {"name": name}, event_version(data), always=("updated_at",))
    return organization


def organization_delete_from_clerk(data: dict[str, Any]) -> None:
    """Delete the organization and its memberships; users and what they own are untouched."""
    Organization.objects.filter(clerk_id=clerk_id(data, "id", "data.id")).delete()
