"""Reads of a school for its administrators: who studies and who teaches there, and who teaches whom.

An organization's students are its members with the student role; its instructors are its
members with the instructor or admin role. Within a school every instructor may read every
student (``owners_visible_to``), so who *teaches* whom is taken from what an instructor chose:
an active link to the student, or the student in one of the instructor's cohorts.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Cohort, Link, Membership, Organization, User
from cfipros.errors import NotFound

STAFF_ROLES = (Membership.Role.INSTRUCTOR, Membership.Role.ADMIN)


def organization_administered(*, user: User, organization_id: int) -> Organization:
    """The organization ``user`` administers with this id; as for a cohort that is not theirs, any
    other organization (one they only belong to, or none) is not found for them."""
    organization = Organization.objects.filter(
        pk=organization_id, memberships__user=user, memberships__role=Membership.Role.ADMIN
    ).first()
    if organization is None:
        raise NotFound("You administer no organization with this id.", code="organization_not_found")
    return organization


def organization_students(organization: Organization) -> QuerySet[User]:
    """The school's students, by name; lazy, so it nests as a subquery."""
    return User.objects.filter(
        memberships__organization=organization, memberships__role=Membership.Role.STUDENT
    ).order_by("last_name", "first_name", "email", "pk")


def organization_instructors(organization: Organization) -> QuerySet[Membership]:
    """The school's instructors and admins (memberships, with the user), by name."""
    return (
        Membership.objects.filter(organization=organization, role__in=STAFF_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email", "user_id")
    )


def organization_teaching_pairs(organization: Organization) -> set[tuple[int, int]]:
    """``(instructor id, student id)`` for each school student an instructor of the school links
    to or keeps in a cohort; one query (a UNION), whatever the school's size."""
    staff = Membership.objects.filter(organization=organization, role__in=STAFF_ROLES).values("user_id")
    students = Membership.objects.filter(organization=organization, role=Membership.Role.STUDENT).values(
        "user_id"
    )
    linked = Link.objects.filter(
        status=Link.Status.ACTIVE, instructor_id__in=staff, student_id__in=students
    ).values_list("instructor_id", "student_id")
    grouped = Cohort.students.through.objects.filter(
        cohort__owner_id__in=staff, user_id__in=students
    ).values_list("cohort__owner_id", "user_id")
    return {(int(a), int(b)) for a, b in linked.union(grouped)}
