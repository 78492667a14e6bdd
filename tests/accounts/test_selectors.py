"""Who may see whose results, and the /me organization list."""

from __future__ import annotations

import pytest

from accounts.models import Membership, Organization, User
from accounts.selectors import owners_visible_to, user_memberships, user_with_organizations
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_user(name: str) -> User:
    return UserFactory(username=name)


def test_instructors_and_admins_see_their_organizations_students_only() -> None:
    school, other = (Organization.objects.create(clerk_id=f"org_{n}", name=n) for n in ("A", "B"))
    cfi, admin, student, peer_cfi, outsider = (make_user(n) for n in ("cfi", "admin", "s1", "cfi2", "s2"))
    Membership.objects.create(user=cfi, organization=school, role="instructor")
    Membership.objects.create(user=admin, organization=school, role="admin")
    Membership.objects.create(user=student, organization=school, role="student")
    Membership.objects.create(user=peer_cfi, organization=school, role="instructor")
    Membership.objects.create(user=outsider, organization=other, role="student")

    assert set(owners_visible_to(cfi)) == {cfi, student}
    assert set(owners_visible_to(admin)) == {admin, student}
    assert set(owners_visible_to(student)) == {student}
    assert set(owners_visible_to(outsider)) == {outsider}


def test_memberships_are_listed_by_organization_name(django_assert_num_queries) -> None:
    user = make_user("pilot")
    for name in ("Zulu Aviation", "Alpha Flight"):
        Membership.objects.create(
            user=user, organization=Organization.objects.create(clerk_id=name, name=name)
        )
    assert [m.organization.name for m in user_memberships(user)] == ["Alpha Flight", "Zulu Aviation"]
    with django_assert_num_queries(1):
        loaded = user_with_organizations(user)
        assert [m.organization.name for m in loaded.memberships.all()] == ["Alpha Flight", "Zulu Aviation"]
