"""Read queries on users and organizations, including who may see whose results."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from accounts.models import Link, Membership, User


def owners_visible_to(user: User) -> QuerySet[User]:
    """Users whose reports and plans ``user`` may see: themselves, the students of every
    organization where ``user`` is an instructor or an admin, and the students who accepted a
    link with ``user`` that neither side has ended. Lazy, so it nests as one subquery."""
    staff_orgs = Membership.objects.filter(
        user=user, role__in=[Membership.Role.INSTRUCTOR, Membership.Role.ADMIN]
    ).values("organization_id")
    students = Membership.objects.filter(organization_id__in=staff_orgs, role=Membership.Role.STUDENT).values(
        "user_id"
    )
    linked = Link.objects.filter(instructor=user, status=Link.Status.ACTIVE).values("student_id")
    return User.objects.filter(Q(pk=user.pk) | Q(pk__in=students) | Q(pk__in=linked))


def user_memberships(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")


def user_with_organizations(user: User) -> User:
    """``user`` with ``memberships`` (and their organization) loaded in one query, by name."""
    memberships = Membership.objects.select_related("organization").order_by(
        "organization__name", "organization_id"
    )
    prefetch_related_objects([user], Prefetch("memberships", queryset=memberships))
    return user
