"""Reads of invitations and links, each list in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Invitation, Link, Membership, User


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


def students_of(user: User) -> QuerySet[User]:
    """The students ``user`` teaches: those of their active links and, where ``user`` is an
    instructor or an admin of an organization, its students; by name."""
    staff_orgs = Membership.objects.filter(
        user=user, role__in=[Membership.Role.INSTRUCTOR, Membership.Role.ADMIN]
    ).values("organization_id")
    members = Membership.objects.filter(organization_id__in=staff_orgs, role=Membership.Role.STUDENT)
    linked = Link.objects.filter(instructor=user, status=Link.Status.ACTIVE)
    return (
        User.objects.filter(Q(pk__in=members.values("user_id")) | Q(pk__in=linked.values("student_id")))
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name", "email", "pk")
    )
