"""Fixtures of the study plan tests: real catalogue elements and starter resources per prefix,
and a classmate in the personas' school (the personas are in the root conftest)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pytest

from accounts.models import Membership, Organization, User
from extraction.catalog.loader import ElementRow, catalog_file_read, catalog_load
from extraction.catalog.shipped import SHIPPED_CATALOG
from studyplans.resources.services import study_resources_import, study_resources_parse
from studyplans.resources.starter import catalog_tasks, read_starter_mapping, starter_rows
from tests.factories import MembershipFactory, UserFactory


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
def other_student(db: None) -> User:
    """A classmate of ``student``'s, in the school once a test asks for it."""
    return UserFactory(username="other")


@pytest.fixture
def school(school: Organization, other_student: User) -> Organization:
    """The root persona's school, with ``other_student`` in it too."""
    MembershipFactory(user=other_student, organization=school, role=Membership.Role.STUDENT)
    return school
