"""Write operations on users and organizations that every way in (tokens, webhooks) shares.

Clerk is the source of truth for identity; these functions mirror it locally. A first sight of a
Clerk id creates the row, safely against a concurrent first sight of the same id.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.signals import user_erased

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


def user_erase(*, user: User) -> None:
    """Deactivate ``user`` and blank their personal data (email, names, password), once.

    The row is kept because it owns reports and study plans; ``user_erased`` then tells the apps
    holding data about the person to blank theirs. Erasing an erased user changes nothing.
    """
    if user.deleted_at is not None:
        return
    user.is_active = False
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save(update_fields=["is_active", "email", "first_name", "last_name", "deleted_at", "password"])
    user_erased.send(sender=User, user=user)


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
