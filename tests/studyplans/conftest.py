"""Fixtures of the study plan tests: real catalogue elements and starter resources per prefix,
users in an organization, and a helper that stores a report with given codes."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, User
from extraction.catalog.loader import ElementRow, catalog_file_read, catalog_load
from extraction.catalog.shipped import SHIPPED_CATALOG
from extraction.models import AcsElement, Report, ReportCode
from studyplans.resources.services import study_resources_import, study_resources_parse
from studyplans.resources.starter import catalog_tasks, read_starter_mapping, starter_rows


@functools.cache
def _catalog_rows() -> tuple[ElementRow, ...]:
    return tuple(catalog_file_read(SHIPPED_CATALOG))


@functools.cache
def _starter_rows() -> tuple[dict[str, str], ...]:
    return tuple(starter_rows(read_starter_mapping(), catalog_tasks()))


def load_prefixes(*prefixes: str) -> None:
    """The shipped catalogue and starter resources of ``prefixes`` only, to keep tests fast."""
    catalog_load([row for row in _catalog_rows() if row.prefix in prefixes])
    rows = [row for row in _starter_rows() if row["prefix"] in prefixes]
    study_resources_import(study_resources_parse(rows))


def catalog_codes(prefix: str) -> list[str]:
    return [row.code for row in _catalog_rows() if row.prefix == prefix]


@pytest.fixture
def catalog(db: None) -> Callable[..., None]:
    return load_prefixes


@pytest.fixture
def student(db: None) -> User:
    return User.objects.create(username="student", clerk_id="user_student", email="student@example.com")


@pytest.fixture
def other_student(db: None) -> User:
    return User.objects.create(username="other", clerk_id="user_other", email="other@example.com")


@pytest.fixture
def stranger(db: None) -> User:
    return User.objects.create(username="stranger", clerk_id="user_stranger")


@pytest.fixture
def school(db: None, student: User, other_student: User) -> Organization:
    org = Organization.objects.create(clerk_id="org_1", name="Flight School")
    Membership.objects.create(user=student, organization=org, role=Membership.Role.STUDENT)
    Membership.objects.create(user=other_student, organization=org, role=Membership.Role.STUDENT)
    return org


@pytest.fixture
def instructor(db: None, school: Organization) -> User:
    user = User.objects.create(username="cfi", clerk_id="user_cfi", role=User.Role.CFI)
    Membership.objects.create(user=user, organization=school, role=Membership.Role.INSTRUCTOR)
    return user


@pytest.fixture
def school_admin(db: None, school: Organization) -> User:
    user = User.objects.create(username="admin", clerk_id="user_admin", role=User.Role.SCHOOL_ADMIN)
    Membership.objects.create(user=user, organization=school, role=Membership.Role.ADMIN)
    return user


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def make_report(
    owner: User | None,
    codes: Sequence[str],
    *,
    exam_code: str = "PAR",
    exam_title: str = "Private Pilot Airplane",
    exam_date: dt.date | None = None,
    applicant_name: str = "Jane Q Student",
    score: int | None = 80,
) -> Report:
    """A stored report whose codes link to the catalogue elements present in the test DB."""
    report = Report.objects.create(
        owner=owner,
        applicant_name=applicant_name if owner is not None else "",
        exam_code=exam_code,
        exam_title=exam_title,
        exam_date=exam_date or dt.date.today() - dt.timedelta(days=20),
        score=score,
        grade="PASS",
        take=1,
        code_kind="plt" if codes and codes[0].startswith("PLT") else "acs",
    )
    elements = {e.code: e for e in AcsElement.objects.filter(code__in=list(codes))}
    ReportCode.objects.bulk_create(
        [
            ReportCode(report=report, code=code, element=elements.get(code), raw=code, position=position)
            for position, code in enumerate(codes)
        ]
    )
    return report
