"""Write operations on users, organizations and memberships."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import User


def user_get_or_create_from_claims(claims: dict[str, Any]) -> User:
    """The local user for a verified token's ``sub``, created on first sight."""
    clerk_id = str(claims["sub"])
    user = User.objects.filter(clerk_id=clerk_id).first()
    if user is not None:
        return user
    email = str(claims.get("email") or "")
    try:
        with transaction.atomic():
            return User.objects.create(clerk_id=clerk_id, username=clerk_id, email=email)
    except IntegrityError:
        return User.objects.get(clerk_id=clerk_id)
