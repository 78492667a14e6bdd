"""Handlers of ``organization.*`` events: a flight school mirrored, renamed or removed.

A deleted organization leaves a tombstone: a late ``created``/``updated`` for it (or for one of its
memberships) is ignored unless it is newer than the deletion, so it is not recreated.
"""

from __future__ import annotations

from typing import Any

from accounts.models import ClerkTombstone, Organization
from accounts.services import organization_get_or_create
from accounts.webhooks.payload import (
    clerk_id,
    event_version,
    metadata_plan,
    required_str,
    update_if_newer,
)
from accounts.webhooks.tombstones import (
    organization_lock,
    tombstone_blocks,
    tombstone_clear,
    tombstone_record,
)


def organization_upsert_from_clerk(data: dict[str, Any]) -> Organization | None:
    organization_id = clerk_id(data, "id", "data.id")
    name = required_str(data, "name", "data.name")[:200]
    version = event_version(data)
    organization_lock(organization_id)
    if tombstone_blocks(ClerkTombstone.Kind.ORGANIZATION, organization_id, version):
        return None
    tombstone_clear(ClerkTombstone.Kind.ORGANIZATION, organization_id)
    created = organization_get_or_create(organization_id, name)
    organization = Organization.objects.select_for_update().get(pk=created.pk)
    fields = {"name": name}
    plan = metadata_plan(data)
    if plan is not None:
        fields["clerk_plan"] = plan
    update_if_newer(organization, fields, version, always=("updated_at",))
    return organization


def organization_delete_from_clerk(data: dict[str, Any]) -> None:
    """Delete the organization and its memberships, leaving a tombstone; users and what they own
    are untouched."""
    organization_id = clerk_id(data, "id", "data.id")
    organization_lock(organization_id)
    Organization.objects.filter(clerk_id=organization_id).delete()
    tombstone_record(ClerkTombstone.Kind.ORGANIZATION, [organization_id], event_version(data))
