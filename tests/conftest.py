"""Fixtures shared by the whole suite: the personas, their API clients and a stopped clock.

The personas: ``student`` (signed up, in ``school`` once a test asks for the school),
``instructor`` (a CFI teaching at ``school``), ``school_admin`` (the school's administrator),
``stranger`` (signed in, in no school) and the anonymous visitor (``anonymous_client``). Each
signed-in persona has a ``<persona>_client`` signed in the way the API tests sign in; tests that
sign in with a real bearer token start from ``anonymous_client``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, User
from tests.cache_keys import delete_cache_keys
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.personas import client_for


@pytest.fixture
def student(db: None) -> User:
    return UserFactory(username="student")


@pytest.fixture
def stranger(db: None) -> User:
    return UserFactory(username="stranger")


@pytest.fixture
def school(student: User) -> Organization:
    org = OrganizationFactory(name="Flight School")
    MembershipFactory(user=student, organization=org, role=Membership.Role.STUDENT)
    return org


@pytest.fixture(autouse=True, scope="session")
def _throttles_read_the_real_clock() -> None:
    """DRF's throttles keep ``time.time`` as a class attribute taken at import: imported first
    under a test's frozen clock, they would keep its fake for the rest of the run."""
    from rest_framework.throttling import SimpleRateThrottle

    assert SimpleRateThrottle.timer is time.time


@pytest.fixture(autouse=True)
def clean_quotas() -> Iterator[None]:
    """Plan quota counters live in Redis beyond a test's transaction: no test inherits another's."""
    delete_cache_keys("cfipros:quota:*")
    yield
    delete_cache_keys("cfipros:quota:*")


@pytest.fixture(autouse=True)
def clean_statistics_cache() -> Iterator[None]:
    """National statistics are cached in Redis for seconds to minutes: no test reads another's."""
    delete_cache_keys("*cfipros:stats:*")
    yield
    delete_cache_keys("*cfipros:stats:*")


@pytest.fixture
def instructor(school: Organization) -> User:
    """A CFI on the CFI plan (batches, cohorts), as Clerk's ``public_metadata.plan`` would set."""
    user = UserFactory(username="cfi", role=User.Role.CFI, clerk_plan="cfi")
    MembershipFactory(user=user, organization=school, role=Membership.Role.INSTRUCTOR)
    return user


@pytest.fixture
def school_admin(school: Organization) -> User:
    user = UserFactory(username="admin", role=User.Role.SCHOOL_ADMIN)
    MembershipFactory(user=user, organization=school, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def anonymous_client() -> APIClient:
    return client_for(None)


@pytest.fixture
def student_client(student: User) -> APIClient:
    return client_for(student)


@pytest.fixture
def instructor_client(instructor: User) -> APIClient:
    return client_for(instructor)


@pytest.fixture
def school_admin_client(school_admin: User) -> APIClient:
    return client_for(school_admin)


@pytest.fixture
def stranger_client(stranger: User) -> APIClient:
    return client_for(stranger)


@pytest.fixture
def frozen_time() -> Iterator[FrozenDateTimeFactory]:
    """The wall and monotonic clocks stopped at one instant; ``frozen_time.tick(s)`` moves them on."""
    with freeze_time("2026-03-14T09:00:00Z") as frozen:
        yield frozen
