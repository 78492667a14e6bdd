"""Fixtures of the report tests: users in an organization, clients, a clean throttle state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, User
from extraction.adapter.extract import get_catalog, reset_catalog
from extraction.models import AcsElement
from tests.cache_keys import delete_cache_keys
from tests.engine.generator.documents import UPLOAD, aktr_pdf
from tests.factories import acs_element


@pytest.fixture(autouse=True)
def clean_throttles() -> Iterator[None]:
    delete_cache_keys("*throttle_*")
    yield
    delete_cache_keys("*throttle_*")


@pytest.fixture(autouse=True)
def engine_catalog(db: None) -> None:
    """The engine's process-wide catalogue must know the PA codes the fixtures print."""
    if "PA.I.A.K1" not in get_catalog():
        reset_catalog()
        get_catalog()


@pytest.fixture
def pa_element(db: None) -> AcsElement:
    return acs_element(
        "PA.I.A.K1",
        area_title="Preflight Preparation",
        task_title="Pilot Qualifications",
        description="Certification requirements, recent flight experience, and recordkeeping.",
    )


@pytest.fixture
def student(db: None) -> User:
    return User.objects.create(username="student", clerk_id="user_student")


@pytest.fixture
def other_user(db: None) -> User:
    return User.objects.create(username="stranger", clerk_id="user_stranger")


@pytest.fixture
def school(student: User) -> Organization:
    org = Organization.objects.create(clerk_id="org_school", name="Flight School")
    Membership.objects.create(user=student, organization=org, role=Membership.Role.STUDENT)
    return org


@pytest.fixture
def instructor(school: Organization) -> User:
    user = User.objects.create(username="cfi", clerk_id="user_cfi", role=User.Role.CFI)
    Membership.objects.create(user=user, organization=school, role=Membership.Role.INSTRUCTOR)
    return user


@pytest.fixture
def school_admin(school: Organization) -> User:
    user = User.objects.create(username="admin", clerk_id="user_admin", role=User.Role.SCHOOL_ADMIN)
    Membership.objects.create(user=user, organization=school, role=Membership.Role.ADMIN)
    return user


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def pdf() -> bytes:
    return aktr_pdf(UPLOAD)
