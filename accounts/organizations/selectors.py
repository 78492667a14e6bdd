"""Reads of a school for its administrators: who studies and who teaches there, and who teaches whom.

An organization's students are its members with the student role; its instructors are its
members with the instructor or admin role. Within a school every instructor may read every
student (``owners_visible_to``), so who *teaches* whom is taken from what an instructor chose:
an active link to the student, or the student in one of the instructor's cohorts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, IntegerField, QuerySet, Value

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


@dataclass(frozen=True)
class StaffMember:
    pk: int
    first_name: str
    last_name: str
    email: str
    username: str
    role: str


@dataclass(frozen=True)
class Teaching:
    """The school's instructors and admins by name, and ``(instructor id, student id)`` for each
    school student one of them links to or keeps in a cohort."""

    staff: list[StaffMember]
    pairs: set[tuple[int, int]]


def organization_teaching(organization: Organization) -> Teaching:
    """Who teaches whom in the school, in one query (a UNION), whatever the school's size."""
    no_name = Value("", output_field=CharField())
    staff_ids = Membership.objects.filter(organization=organization, role__in=STAFF_ROLES).values("user_id")
    student_ids = Membership.objects.filter(organization=organization, role=Membership.Role.STUDENT).values(
        "user_id"
    )
    staff = (
        Membership.objects.filter(organization=organization, role__in=STAFF_ROLES)
        .annotate(
            a=F("user_id"),
            b=Value(None, output_field=IntegerField()),
            c=F("user__first_name"),
            d=F("user__last_name"),
            e=F("user__email"),
            f=F("user__username"),
            g=F("role"),
        )
        .values_list("a", "b", "c", "d", "e", "f", "g")
    )
    linked = (
        Link.objects.filter(
            status=Link.Status.ACTIVE, instructor_id__in=staff_ids, student_id__in=student_ids
        )
        .annotate(
            a=F("instructor_id"), b=F("student_id"), c=no_name, d=no_name, e=no_name, f=no_name, g=no_name
        )
        .values_list("a", "b", "c", "d", "e", "f", "g")
    )
    # The stubs do not type the many-to-many table's manager, hence Any.
    cohort_students: Any = Cohort.students.through
    grouped = (
        cohort_students.objects.filter(cohort__owner_id__in=staff_ids, user_id__in=student_ids)
        .annotate(
            a=F("cohort__owner_id"), b=F("user_id"), c=no_name, d=no_name, e=no_name, f=no_name, g=no_name
        )
        .values_list("a", "b", "c", "d", "e", "f", "g")
    )
    members: list[StaffMember] = []
    pairs: set[tuple[int, int]] = set()
    for user_id, student_id, first, last, email, username, role in staff.union(linked, grouped, all=True):
        if student_id is None:
            members.append(StaffMember(int(user_id), first, last, email, username, role))
        else:
            pairs.add((int(user_id), int(student_id)))
    members.sort(key=lambda m: (m.last_name, m.first_name, m.email, m.pk))
    return Teaching(members, pairs)
