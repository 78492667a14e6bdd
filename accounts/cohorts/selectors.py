"""Reads of cohorts: the caller's, one by id, and the students that count in one."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts.links.selectors import students_of
from accounts.models import Cohort, User
from cfipros.errors import NotFound


def cohorts_of(user: User) -> QuerySet[Cohort]:
    """The cohorts ``user`` made, by name, each with ``student_count`` and its students' ids loaded."""
    return (
        Cohort.objects.filter(owner=user)
        .annotate(student_count=Count("students", filter=Q(students__in=students_of(user))))
        .prefetch_related("students")
        .order_by("name", "pk")
    )


def cohort_get(*, user: User, cohort_id: int) -> Cohort:
    """The caller's cohort, its owner loaded (the students it counts are those the owner teaches)."""
    cohort = Cohort.objects.select_related("owner").filter(pk=cohort_id, owner=user).first()
    if cohort is None:
        raise NotFound("You have no cohort with this id.", code="cohort_not_found")
    return cohort


def cohort_students(cohort: Cohort) -> QuerySet[User]:
    """The cohort's students its owner still teaches, by name; lazy, so it nests as a subquery."""
    return cohort.students.filter(pk__in=students_of(cohort.owner).values("pk")).order_by(
        "last_name", "first_name", "email", "pk"
    )
