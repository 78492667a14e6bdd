"""Write operations on users and organizations that every way in (tokens, webhooks) shares.

Clerk is the source of truth for identity; these functions mirror it locally. A first sight of a
Clerk id creates the row, safely against a concurrent first sight of the same id.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.links.services import link_end
from accounts.models import Cohort, Invitation, Link, Membership, Organization, User, WebhookEndpoint
from accounts.signals import statistics_preference_changed, user_erased
from cfipros.errors import Forbidden

CLERK_ID_MAX_LENGTH = 64


def user_get_or_create(clerk_id: str, email: str = "") -> User:
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
    return user_get_or_create(str(claims["sub"]), str(claims.get("email") or ""))


@transaction.atomic
def user_erase(*, user: User) -> None:
    """Erase a person: deactivate ``user``, blank their identity, drop their memberships and
    cohorts, end their links and void their invitations, once.

    The row is kept, because it owns reports, batches and study plans and its Clerk id is the
    tombstone that keeps late webhooks and tokens from recreating the person; ``user_erased`` then
    tells the apps holding data about the person to blank theirs, in this same transaction. The
    row is locked first, so work writing for the person at the same time (a batch file finishing)
    either commits before and is scrubbed here, or waits and sees the erasure. Erasing an erased
    user changes nothing.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.deleted_at is not None:
        return
    email = (locked.email or "").strip().lower()
    locked.is_active = False
    locked.email = ""
    locked.first_name = ""
    locked.last_name = ""
    # A staff account's username may be a name; a Clerk user's is their Clerk id already.
    locked.username = locked.clerk_id or f"erased-{locked.pk}"
    locked.deleted_at = timezone.now()
    locked.set_unusable_password()
    locked.save(
        update_fields=["is_active", "email", "first_name", "last_name", "username", "deleted_at", "password"]
    )
    Membership.objects.filter(user=locked).delete()
    _erase_links_and_invitations(locked, email)
    # Out of every instructor's cohorts; their own cohorts (as an instructor) go with them.
    locked.cohort_memberships.clear()
    Cohort.objects.filter(owner=locked).delete()
    # Their own webhook endpoints (a URL may name them) go, with every attempt to them.
    WebhookEndpoint.objects.filter(owner=locked).delete()
    # The admin's history names the user as it was shown (their email) when staff changed them.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(locked.pk)
    ).update(object_repr=locked.username, change_message="")
    for name in ("is_active", "email", "first_name", "last_name", "username", "deleted_at", "password"):
        setattr(user, name, getattr(locked, name))
    user_erased.send(sender=User, user=locked)


def _erase_links_and_invitations(user: User, email: str) -> None:
    """End the person's links (nobody reads them through one any more), void the invitations
    they sent or that were addressed to them, and forget the addresses those carried."""
    for link_id in Link.objects.filter(
        Q(instructor=user) | Q(student=user), status=Link.Status.ACTIVE
    ).values_list("pk", flat=True):
        link_end(link_id=link_id, user=user)
    theirs = Q(inviter=user) | Q(email=email) if email else Q(inviter=user)
    invitations = Invitation.objects.filter(theirs)
    # Voided before the address goes: a pending invitation without one is open to any holder.
    invitations.filter(status=Invitation.Status.PENDING).update(status=Invitation.Status.EXPIRED)
    invitations.exclude(email="").update(email="")


def user_erase_self(*, user: User) -> None:
    """Erase the caller's own account (``DELETE /api/v1/me``); staff accounts are refused, so the
    admin is never locked out by a request: another administrator removes them."""
    if user.is_staff or user.is_superuser:
        raise Forbidden("Staff accounts are removed by another administrator.", code="staff_account")
    user_erase(user=user)


@transaction.atomic
def user_statistics_preference_set(*, user: User, contribute: bool) -> User:
    """Opt ``user`` into (``contribute``) or out of the national statistics.

    Takes effect for the reports already on file too: opting out takes away what they counted
    for, opting back in adds them again (``statistics_preference_changed``, received by
    extraction in this transaction). The row is locked, so a report stored meanwhile is counted
    by the preference that holds when it commits. Setting the same value changes nothing.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.contribute_to_statistics != contribute:
        locked.contribute_to_statistics = contribute
        locked.save(update_fields=["contribute_to_statistics"])
        statistics_preference_changed.send(sender=User, user=locked, contribute=contribute)
    user.contribute_to_statistics = contribute
    return user


def organization_get_or_create(clerk_id: str, name: str) -> Organization:
    """The organization for a Clerk id, created on first sight (named by its id until Clerk says)."""
    organization = Organization.objects.filter(clerk_id=clerk_id).first()
    if organization is not None:
        return organization
    try:
        with transaction.atomic():
            return Organization.objects.create(clerk_id=clerk_id, name=name or clerk_id)
    except IntegrityError:
        return Organization.objects.get(clerk_id=clerk_id)
