"""Seeding a demo school, for demonstrations and for the analytics benchmarks.

Everything is drawn from one ``random.Random(seed)``, so a seed always gives the same school: the
same people, links, cohorts, scores and codes (exam dates count back from ``as_of``). The school
is recognised by its seed (its organization's Clerk id is ``demo_school_<seed>``), so seeding
again does nothing unless asked to replace it. Rows are inserted in bulk, without the signals of
the upload path: demo reports feed no webhook and no national statistics until those are rebuilt.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count

from accounts.models import Cohort, Link, Membership, Organization, User
from cfipros.errors import Invalid
from extraction.models import AcsElement, Report, ReportCode

# The exams a school's students take, how often, and the ACS document their codes come from.
EXAMS = [
    ("PAR", "Private Pilot Airplane", "PA", 6),
    ("IRA", "Instrument Rating Airplane", "IR", 3),
    ("CAX", "Commercial Pilot Airplane", "CA", 1),
]
STUDENTS_PER_INSTRUCTOR = 25
# The school's plan, so its admin and instructors see cohorts and analytics in a demonstration.
DEMO_PLAN = "school"
PASSING_SCORE = 70
FIRST_NAMES = [
    "Ava", "Ben", "Chloe", "Diego", "Emma", "Farah", "Grace", "Hiro", "Isla", "Jack", "Kara", "Liam",
    "Maya", "Noah", "Olivia", "Priya", "Quinn", "Ravi", "Sofia", "Theo", "Uma", "Victor", "Wen", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Johnson",
    "Kowalski", "Lopez", "Miller", "Nguyen", "Okafor", "Patel", "Reyes", "Smith", "Tanaka", "Walker",
]  # fmt: skip


@dataclass(frozen=True)
class DemoSchool:
    """What the demo school holds, and whether this call created it."""

    organization_id: int
    name: str
    created: bool
    admins: int
    instructors: int
    students: int
    links: int
    cohorts: int
    reports: int
    codes: int


def demo_school_name(seed: int) -> str:
    return f"Demo Flight School {seed}"


def _clerk_id(seed: int) -> str:
    return f"demo_school_{seed}"


def _username_prefix(seed: int) -> str:
    return f"demo{seed}-"


def demo_school_describe(seed: int) -> DemoSchool | None:
    """The demo school of ``seed`` as it stands, or None when there is none."""
    organization = Organization.objects.filter(clerk_id=_clerk_id(seed)).first()
    if organization is None:
        return None
    roles = dict(
        Membership.objects.filter(organization=organization)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    people = User.objects.filter(username__startswith=_username_prefix(seed))
    return DemoSchool(
        organization_id=organization.pk,
        name=organization.name,
        created=False,
        admins=roles.get(Membership.Role.ADMIN, 0),
        instructors=roles.get(Membership.Role.INSTRUCTOR, 0),
        students=roles.get(Membership.Role.STUDENT, 0),
        links=Link.objects.filter(instructor__in=people, status=Link.Status.ACTIVE).count(),
        cohorts=Cohort.objects.filter(owner__in=people).count(),
        reports=Report.objects.filter(owner__in=people).count(),
        codes=ReportCode.objects.filter(report__owner__in=people).count(),
    )


def demo_school_delete(seed: int) -> None:
    """Remove the demo school of ``seed``: its people (their reports, links and cohorts go with
    them) and its organization."""
    with transaction.atomic():
        User.objects.filter(username__startswith=_username_prefix(seed)).delete()
        Organization.objects.filter(clerk_id=_clerk_id(seed)).delete()


def _person(rng: random.Random, seed: int, kind: str, n: int, role: str, password: str) -> User:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return User(
        username=f"{_username_prefix(seed)}{kind}-{n:05d}",
        first_name=first,
        last_name=last,
        email=f"{first}.{last}.{kind}{n}.s{seed}@demo.example.com".lower(),
        role=role,
        password=password,
    )


def _difficulty(rng: random.Random, count: int) -> list[float]:
    """A weight per area: in a shuffled order, each area missed about two thirds as often as the last."""
    ranks = list(range(count))
    rng.shuffle(ranks)
    return [0.65**rank for rank in ranks]


def _codes_for(
    rng: random.Random, score: int, areas: list[list[AcsElement]], weights: list[float]
) -> list[AcsElement]:
    """A few distinct elements, more for a lower score, mostly from the areas the school finds hard."""
    wanted = max(0, min(12, round((100 - score) / 6 + rng.gauss(0, 1.2))))
    chosen: dict[int, AcsElement] = {}
    for _ in range(wanted * 3):
        if len(chosen) >= wanted:
            break
        area = rng.choices(areas, weights=weights)[0]
        element = rng.choice(area)
        chosen.setdefault(element.pk, element)
    return list(chosen.values())


def demo_school_seed(
    *, students: int, reports: int, seed: int = 1, as_of: dt.date | None = None
) -> DemoSchool:
    """Create the demo school of ``seed`` with ``students`` students and ``reports`` reports between
    them, or describe the existing one (``created`` False) and change nothing.

    The school, on the school plan, has an admin, one instructor per 25 students, each student linked to one
    instructor (one in ten to a second), a cohort per instructor of their linked students and
    the admin's cohort of the whole school. Reports are Private Pilot, Instrument and Commercial
    tests over the year before ``as_of``, with codes from the stored catalogue: each exam's areas
    are given a difficulty, so some areas are missed far more often than others, as in a real class.
    """
    if students < 1 or reports < 0:
        raise Invalid("A demo school needs at least one student and no negative number of reports.")
    existing = demo_school_describe(seed)
    if existing is not None:
        return existing
    rng = random.Random(seed)
    as_of = as_of or dt.date.today()
    by_prefix: dict[str, dict[str, list[AcsElement]]] = defaultdict(lambda: defaultdict(list))
    for element in (
        AcsElement.objects.filter(prefix__in=[e[2] for e in EXAMS])
        .exclude(area="")
        .order_by("prefix", "code", "edition")
    ):
        by_prefix[element.prefix][element.area].append(element)
    exams = [exam for exam in EXAMS if exam[2] in by_prefix]
    if not exams:
        raise Invalid(
            "The ACS catalogue holds none of the demo exams' elements: run manage.py load_acs_catalog first.",
            code="catalog_empty",
        )
    password = make_password(None)
    n_instructors = max(1, math.ceil(students / STUDENTS_PER_INSTRUCTOR))
    with transaction.atomic():
        organization = Organization.objects.create(
            clerk_id=_clerk_id(seed), name=demo_school_name(seed), clerk_plan=DEMO_PLAN
        )
        admin = _person(rng, seed, "admin", 1, User.Role.SCHOOL_ADMIN, password)
        staff = [_person(rng, seed, "cfi", n + 1, User.Role.CFI, password) for n in range(n_instructors)]
        pupils = [_person(rng, seed, "student", n + 1, User.Role.STUDENT, password) for n in range(students)]
        User.objects.bulk_create([admin, *staff, *pupils])
        Membership.objects.bulk_create(
            [Membership(user=admin, organization=organization, role=Membership.Role.ADMIN)]
            + [Membership(user=u, organization=organization, role=Membership.Role.INSTRUCTOR) for u in staff]
            + [Membership(user=u, organization=organization, role=Membership.Role.STUDENT) for u in pupils]
        )
        taught: dict[int, list[User]] = defaultdict(list)
        links = []
        for n, pupil in enumerate(pupils):
            instructors = [staff[n % n_instructors]]
            if n_instructors > 1 and rng.random() < 0.1:
                instructors.append(staff[(n + 1 + rng.randrange(n_instructors - 1)) % n_instructors])
            for instructor in instructors:
                links.append(Link(instructor=instructor, student=pupil))
                taught[instructor.pk].append(pupil)
        Link.objects.bulk_create(links)
        cohorts = [Cohort(owner=admin, name="Whole school")]
        cohorts += [Cohort(owner=cfi, name=f"{cfi.last_name}'s students") for cfi in staff]
        Cohort.objects.bulk_create(cohorts)
        Cohort.students.through.objects.bulk_create(
            [Cohort.students.through(cohort=cohorts[0], user=pupil) for pupil in pupils]
            + [
                Cohort.students.through(cohort=cohort, user=pupil)
                for cohort, cfi in zip(cohorts[1:], staff, strict=True)
                for pupil in taught[cfi.pk]
            ]
        )
        difficulty = {prefix: _difficulty(rng, len(areas)) for prefix, areas in sorted(by_prefix.items())}
        made: list[Report] = []
        picked: list[list[AcsElement]] = []
        owners = rng.choices(pupils, weights=[rng.random() + 0.2 for _ in pupils], k=reports)
        for owner in owners:
            code, title, prefix, _ = rng.choices(exams, weights=[e[3] for e in exams])[0]
            score = max(40, min(100, round(rng.gauss(79, 9))))
            day = as_of - dt.timedelta(days=rng.randrange(365))
            areas = [by_prefix[prefix][area] for area in sorted(by_prefix[prefix])]
            picked.append(_codes_for(rng, score, areas, difficulty[prefix]))
            made.append(
                Report(
                    owner=owner,
                    applicant_name=f"{owner.first_name} {owner.last_name}",
                    exam_code=code,
                    exam_title=title,
                    exam_date=day,
                    score=score,
                    grade="PASS" if score >= PASSING_SCORE else "FAIL",
                    take=1 if rng.random() < 0.85 else 2,
                    expiration_date=day + dt.timedelta(days=730),
                    code_kind="acs",
                    confidence=0.99,
                    source_format="text",
                    engine_version="demo",
                )
            )
        Report.objects.bulk_create(made, batch_size=2000)
        rows = [
            ReportCode(report=report, code=element.code, element=element, raw=element.code, position=i)
            for report, elements in zip(made, picked, strict=True)
            for i, element in enumerate(sorted(elements, key=lambda e: e.code))
        ]
        ReportCode.objects.bulk_create(rows, batch_size=5000)
    return DemoSchool(
        organization_id=organization.pk,
        name=organization.name,
        created=True,
        admins=1,
        instructors=n_instructors,
        students=students,
        links=len(links),
        cohorts=len(cohorts),
        reports=len(made),
        codes=len(rows),
    )
