"""Writes on cohorts: only students the owner teaches may be put in one."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from accounts.links.selectors import students_of
from accounts.models import Cohort, User
from cfipros.errors import Forbidden, Invalid

MAX_STUDENTS = 1000


def _check_students(owner: User, student_ids: Sequence[int]) -> list[int]:
    wanted = list(dict.fromkeys(student_ids))
    if len(wanted) > MAX_STUDENTS:
        raise Invalid(f"A cohort holds at most {MAX_STUDENTS} students.", code="too_many_students")
    taught = set(students_of(owner).filter(pk__in=wanted).values_list("pk", flat=True))
    unknown = [pk for pk in wanted if pk not in taught]
    if unknown:
        # Refused, not invalid: the ids are well formed, the caller may not use them (the same answer
        # for someone else's student and for no one, so nothing is learnt about who exists).
        raise Forbidden(
            "These are not students of yours: " + ", ".join(map(str, unknown)) + ".",
            code="not_your_students",
            errors={"student_ids": [f"{pk} is not one of your students." for pk in unknown]},
        )
    return wanted


def cohort_create(*, owner: User, name: str, student_ids: Sequence[int]) -> Cohort:
    students = _check_students(owner, student_ids)
    with transaction.atomic():
        cohort = Cohort.objects.create(owner=owner, name=name)
        cohort.students.set(students)
    return cohort


def cohort_update(
    *, cohort: Cohort, name: str | None = None, student_ids: Sequence[int] | None = None
) -> Cohort:
    """Rename and/or replace the students; what is not given stays."""
    students = _check_students(cohort.owner, student_ids) if student_ids is not None else None
    with transaction.atomic():
        if name is not None:
            cohort.name = name
            cohort.save(update_fields=["name", "updated_at"])
        if students is not None:
            cohort.students.set(students)
    return cohort


def cohort_delete(*, cohort: Cohort) -> None:
    cohort.delete()
