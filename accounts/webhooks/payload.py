"""Reading Clerk event payloads: required fields, Clerk ids, texts, and the event's version.

A body that is JSON but not a usable Clerk event raises :class:`ClerkEventError`, which names the
fields at fault by their path in the event (``data.id``, ``data.organization``).
"""

from __future__ import annotations

from typing import Any

from accounts.models import Membership, Organization, User
from accounts.services import CLERK_ID_MAX_LENGTH
from cfipros.errors import Invalid


class ClerkEventError(Invalid):
    """A webhook body that is valid JSON but not a usable Clerk event; ``errors`` maps field paths."""

    code = "invalid_event"


def required_str(data: dict[str, Any], key: str, path: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ClerkEventError(f"The event has no usable {path}.", errors={path: ["This field is required."]})
    return value.strip()


def clerk_id(data: dict[str, Any], key: str, path: str) -> str:
    value = required_str(data, key, path)
    if len(value) > CLERK_ID_MAX_LENGTH:
        raise ClerkEventError(
            f"The event's {path} is too long.",
            errors={path: [f"Ensure this field has no more than {CLERK_ID_MAX_LENGTH} characters."]},
        )
    return value


def object_at(data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ClerkEventError(f"The event has no usable {path}.", errors={path: ["Expected an object."]})
    return value


def text(data: dict[str, Any], key: str, limit: int) -> str:
    value = data.get(key)
    return value[:limit] if isinstance(value, str) else ""


def event_version(data: dict[str, Any]) -> int | None:
    """Clerk's ``updated_at`` (ms since the epoch) of the object in the payload, if any."""
    value = data.get("updated_at")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def update_if_newer(
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


def metadata_plan(data: dict[str, Any]) -> str | None:
    """The plan code in ``public_metadata.plan`` (writable only from Clerk's backend, so trusted):
    ``""`` when the metadata names none (back to the default plan), None when the payload carries
    no metadata at all (leave the stored plan alone)."""
    metadata = data.get("public_metadata")
    if not isinstance(metadata, dict):
        return None
    plan = metadata.get("plan")
    return plan.strip()[:32] if isinstance(plan, str) else ""
