"""Tombstones of organizations and memberships deleted in Clerk, and the lock that orders events.

A deletion leaves a :class:`~accounts.models.ClerkTombstone`; an event about a tombstoned id is
applied only when it is newer than the deletion (Clerk's ``updated_at``), so a late or retried
``created``/``updated`` cannot bring the row back. Every event about one organization, its own or
one of its memberships', first takes :func:`organization_lock`, so a deletion and a late upsert
never interleave between the tombstone check and the write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from accounts.models import ClerkTombstone


def organization_lock(organization_clerk_id: str) -> None:
    """Hold, until the transaction ends, the lock of one organization's events (PostgreSQL).

    Other databases run one writer at a time, so they need none.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"accounts:clerk-organization:{organization_clerk_id}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


def tombstone_record(kind: ClerkTombstone.Kind, clerk_ids: Iterable[str], version: int | None) -> None:
    """Remember that the rows with ``clerk_ids`` were deleted by an event of ``version``.

    A repeated deletion keeps the strictest record: the highest version, or none at all (nothing is
    newer than a deletion that carried no version).
    """
    now = timezone.now()
    for clerk_id in dict.fromkeys(clerk_ids):
        tombstone, created = ClerkTombstone.objects.select_for_update().get_or_create(
            kind=kind, clerk_id=clerk_id, defaults={"deleted_at": now, "clerk_updated_at": version}
        )
        if created or tombstone.clerk_updated_at is None:
            continue
        if version is None or version > tombstone.clerk_updated_at:
            tombstone.clerk_updated_at = version
            tombstone.save(update_fields=["clerk_updated_at"])


def tombstone_blocks(kind: ClerkTombstone.Kind, clerk_id: str, version: int | None) -> bool:
    """Whether an event of ``version`` about ``clerk_id`` must be ignored: the id was deleted, and
    the event is not provably newer than the deletion."""
    tombstone = ClerkTombstone.objects.filter(kind=kind, clerk_id=clerk_id).first()
    if tombstone is None:
        return False
    return tombstone.clerk_updated_at is None or version is None or version <= tombstone.clerk_updated_at


def tombstone_clear(kind: ClerkTombstone.Kind, clerk_id: str) -> None:
    """Forget a deletion once an event newer than it brought the row back; from then on the row's
    own ``clerk_updated_at`` orders the events about it."""
    ClerkTombstone.objects.filter(kind=kind, clerk_id=clerk_id).delete()
