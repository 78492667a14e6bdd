"""Issue 11, item 9: a Clerk role we do not know grants no visibility, either way, and is logged.

Unknown roles used to map to ``student``, the most exposed role for visibility: the school's
instructors and admins then saw that member's reports and plans.
"""

from __future__ import annotations

import logging

import pytest

from accounts.models import Membership, User
from accounts.selectors import owners_visible_to
from tests.accounts.clerk_events import deliver, membership_event, user_event
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_with_an_unknown_role(anonymous_client) -> User:
    """org_1 with an instructor, a student, and a member whose Clerk role is a custom one."""
    for user_id, membership_id, role in [
        ("user_cfi", "orgmem_cfi", "org:instructor"),
        ("user_student", "orgmem_student", "org:member"),
        ("user_billing", "orgmem_billing", "org:billing_manager"),
    ]:
        deliver(anonymous_client, user_event(clerk_id=user_id))
        response = deliver(
            anonymous_client, membership_event(membership_id=membership_id, user_id=user_id, role=role)
        )
        assert response.status_code == 200
    for user in User.objects.all():
        ReportFactory(owner=user)
    return User.objects.get(clerk_id="user_billing")


def visible_clerk_ids(user: User) -> set[str]:
    return set(owners_visible_to(user).values_list("clerk_id", flat=True))


def test_staff_do_not_see_a_member_with_an_unknown_role(school_with_an_unknown_role: User) -> None:
    instructor = User.objects.get(clerk_id="user_cfi")
    assert visible_clerk_ids(instructor) == {"user_cfi", "user_student"}


def test_a_member_with_an_unknown_role_sees_nobody_else(school_with_an_unknown_role: User) -> None:
    assert visible_clerk_ids(school_with_an_unknown_role) == {"user_billing"}


@pytest.mark.parametrize("role", ["org:billing_manager", "", "ORG:SUPERVISOR", "org:admin "])
def test_unknown_or_missing_roles_are_logged_and_map_to_no_access(
    anonymous_client, caplog, role: str
) -> None:
    event = membership_event(role=role)
    with caplog.at_level(logging.WARNING, logger="accounts.webhooks.memberships"):
        assert deliver(anonymous_client, event).status_code == 200
    membership = Membership.objects.get()
    if role.strip().lower() == "org:admin":
        assert membership.role == Membership.Role.ADMIN
        assert not caplog.records
        return
    assert membership.role == Membership.Role.OTHER
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "orgmem_1" in caplog.records[0].getMessage()


def test_a_role_change_to_an_unknown_role_withdraws_visibility(
    anonymous_client, school_with_an_unknown_role
) -> None:
    demoted = membership_event("updated", membership_id="orgmem_cfi", user_id="user_cfi", role="org:auditor")
    assert deliver(anonymous_client, demoted).status_code == 200
    assert visible_clerk_ids(User.objects.get(clerk_id="user_cfi")) == {"user_cfi"}
