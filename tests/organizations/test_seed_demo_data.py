"""``manage.py seed_demo_data``: a realistic school, the same for the same seed, never seeded twice."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.models import Cohort, Link, Membership, Organization, User
from accounts.organizations.selectors import organization_students
from extraction.models import AcsElement, Report, ReportCode
from tests.factories import acs_element

pytestmark = pytest.mark.django_db

AS_OF = "2026-06-30"


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    for area, title in [("I", "Preflight Preparation"), ("II", "Preflight Procedures"), ("VI", "Navigation")]:
        for task in "ABC":
            for number in range(1, 4):
                acs_element(
                    f"PA.{area}.{task}.K{number}", area_title=title, task_title="Task", description="d"
                )
    acs_element("IR.I.A.K1", area_title="Preflight Preparation", task_title="Task", description="d")


def _seed(*extra: str, **options: Any) -> str:
    out = io.StringIO()
    args = ["--students", "60", "--reports", "400", "--as-of", AS_OF, *extra]
    call_command("seed_demo_data", *args, stdout=out, **options)
    return out.getvalue()


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Report.objects.order_by("owner__username", "exam_date", "score", "exam_code").values_list(
            "owner__username", "owner__first_name", "exam_code", "exam_date", "score", "grade", "take"
        )
    ) + sorted(ReportCode.objects.values_list("report__owner__username", "report__exam_date", "code"))


def test_a_realistic_school() -> None:
    output = _seed()
    organization = Organization.objects.get(clerk_id="demo_school_1")
    assert f"organization {organization.pk}" in output
    assert organization.clerk_plan == "school"
    assert "60 students" in output and "400 reports" in output
    roles = list(Membership.objects.filter(organization=organization).values_list("role", flat=True))
    assert roles.count(Membership.Role.ADMIN) == 1
    assert roles.count(Membership.Role.INSTRUCTOR) == 3  # one per 25 students
    assert roles.count(Membership.Role.STUDENT) == 60
    students = set(organization_students(organization).values_list("pk", flat=True))
    # Every student is linked to an instructor of the school, and in the admin's whole-school cohort.
    assert (
        set(Link.objects.filter(status=Link.Status.ACTIVE).values_list("student_id", flat=True)) == students
    )
    whole = Cohort.objects.get(owner__memberships__role=Membership.Role.ADMIN, name="Whole school")
    assert set(whole.students.values_list("pk", flat=True)) == students
    assert Cohort.objects.count() == 4
    reports = Report.objects.filter(owner__in=students)
    assert reports.count() == 400
    assert set(reports.values_list("exam_code", flat=True)) <= {"PAR", "IRA"}
    assert all(
        dt.date(2025, 6, 30) < day <= dt.date(2026, 6, 30)
        for day in reports.values_list("exam_date", flat=True)
    )
    for score, grade in reports.values_list("score", "grade"):
        assert 40 <= score <= 100 and grade == ("PASS" if score >= 70 else "FAIL")
    codes = ReportCode.objects.filter(report__in=reports).select_related("report", "element")
    assert codes.exists()
    catalogue = set(AcsElement.objects.values_list("pk", flat=True))
    for row in codes:
        assert row.element_id in catalogue and row.code == row.element.code
        assert row.element.prefix == {"PAR": "PA", "IRA": "IR"}[row.report.exam_code]
    # Some areas are missed far more often than others, as in a real class.
    per_area = [
        ReportCode.objects.filter(report__exam_code="PAR", element__area=area).count()
        for area in ("I", "II", "VI")
    ]
    assert max(per_area) > 1.5 * min(per_area)


def test_the_same_seed_gives_the_same_school_and_another_seed_another() -> None:
    _seed()
    first = _snapshot()
    _seed("--reset")
    assert _snapshot() == first
    _seed("--reset", "--seed", "1")
    assert _snapshot() == first
    _seed("--seed", "2")
    assert Organization.objects.filter(clerk_id__startswith="demo_school_").count() == 2
    second = [row for row in _snapshot() if str(row[0]).startswith("demo2-")]
    assert second and second != [row for row in first if str(row[0]).startswith("demo1-")]


def test_seeding_again_changes_nothing_and_says_so() -> None:
    _seed()
    users, reports = User.objects.count(), Report.objects.count()
    output = _seed()
    assert "already exists, nothing done" in output
    assert "--reset" in output
    assert (User.objects.count(), Report.objects.count()) == (users, reports)


def test_reset_replaces_the_school_with_the_sizes_asked() -> None:
    _seed()
    out = io.StringIO()
    call_command("seed_demo_data", "--students", "5", "--reports", "7", "--reset", stdout=out)
    assert "Created" in out.getvalue()
    organization = Organization.objects.get(clerk_id="demo_school_1")
    assert organization_students(organization).count() == 5
    assert Report.objects.count() == 7
    assert User.objects.filter(username__startswith="demo1-").count() == 1 + 1 + 5


def test_refused_under_production_settings_unless_forced() -> None:
    with override_settings(SETTINGS_MODULE="cfipros.settings.production"):
        with pytest.raises(CommandError, match="production"):
            _seed()
        assert not Organization.objects.exists()
        assert "Created" in _seed("--force")


def test_an_empty_catalogue_is_a_clear_error() -> None:
    AcsElement.objects.all().delete()
    with pytest.raises(CommandError, match="load_acs_catalog"):
        _seed()
    assert not Organization.objects.exists()


def test_sizes_must_be_sensible() -> None:
    with pytest.raises(CommandError):
        call_command("seed_demo_data", "--students", "0", "--reports", "3", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("seed_demo_data", "--students", "-2", "--reports", "3", stdout=io.StringIO())
