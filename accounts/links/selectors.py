"""Reads of invitations and links, each list in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Invitation, Link, User


def invitation_status(invitation: Invitation) -> str:
    """The stored status, or ``expired`` for a pending invitation past its lifetime."""
    if invitation.status == Invitation.Status.PENDING and invitation.expires_at <= timezone.now():
        return Invitation.Status.EXPIRED
    return invitation.status


def invitations_of(user: User) -> QuerySet[Invitation]:
    """Invitations ``user`` sent, answered, or that were addressed to their email; newest first."""
    received = Q(invitee=user)
    email = (user.email or "").strip().lower()
    if email:
        received |= Q(email=email)
    return (
        Invitation.objects.filter(Q(inviter=user) | received)
        .select_related("inviter", "invitee")
        .order_by("-created_at", "-pk")
    )


def links_of(user: User) -> QuerySet[Link]:
    """Links where ``user`` is either side, active or ended; newest first."""
    return (
        Link.objects.filter(Q(instructor=user) | Q(student=user))
        .select_related("instructor", "student")
        .order_by("-created_at", "-pk")
    )


def linked_students_of(user: User) -> QuerySet[Link]:
    """The active links where ``user`` is the instructor; a lazy queryset that nests as a subquery."""
    return Link.objects.filter(instructor=user, status=Link.Status.ACTIVE)
