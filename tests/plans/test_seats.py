"""Seats: an organization's instructors and administrators against its plan's seats. Clerk is
where schools add staff, so a seat Clerk gives beyond the plan is recorded and flagged, not refused."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, Plan
from accounts.plans.selectors import organization_seats
from tests.accounts.clerk_events import deliver, membership_event, org_event
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

ORGANIZATIONS = "/admin/accounts/organization/"


@pytest.fixture
def paying_school(anonymous_client: APIClient) -> Organization:
    """``org_1`` on the school plan, cut to one seat, as Clerk announces it."""
    Plan.objects.filter(code="school").update(seats=1)
    assert deliver(anonymous_client, org_event(public_metadata={"plan": "school"})).status_code == 200
    return Organization.objects.get(clerk_id="org_1")


def _seat_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("seats_exceeded")]


def test_an_instructor_clerk_adds_beyond_the_seats_is_recorded_and_flagged(
    anonymous_client: APIClient, paying_school: Organization, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="accounts.plans.services")
    first = membership_event(membership_id="orgmem_a", user_id="user_a", role="org:instructor")
    assert deliver(anonymous_client, first).status_code == 200
    assert _seat_warnings(caplog) == []
    second = membership_event(membership_id="orgmem_b", user_id="user_b", role="org:instructor")
    # Clerk's delivery succeeds: failing it would only make Clerk retry what it has already done.
    assert deliver(anonymous_client, second).status_code == 200
    assert Membership.objects.filter(organization=paying_school, role="instructor").count() == 2
    (warning,) = _seat_warnings(caplog)
    assert f"organization {paying_school.pk}" in warning
    assert "orgmem_b" in warning
    use = organization_seats(paying_school)
    assert (use.seats, use.taken, use.over) == (1, 2, True)
    # The same seat delivered again (a retry, a rename) is not a new seat.
    assert (
        deliver(
            anonymous_client,
            membership_event("updated", membership_id="orgmem_b", user_id="user_b", role="org:instructor"),
        ).status_code
        == 200
    )
    assert len(_seat_warnings(caplog)) == 1


def test_a_student_made_instructor_beyond_the_seats_is_flagged_and_a_student_takes_no_seat(
    anonymous_client: APIClient, paying_school: Organization, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="accounts.plans.services")
    MembershipFactory(organization=paying_school, user=UserFactory(), role=Membership.Role.ADMIN)
    assert deliver(anonymous_client, membership_event(role="org:member")).status_code == 200
    assert _seat_warnings(caplog) == []
    promoted = membership_event("updated", role="org:instructor", updated_at=2)
    assert deliver(anonymous_client, promoted).status_code == 200
    assert Membership.objects.get(clerk_id="orgmem_1").role == "instructor"
    assert len(_seat_warnings(caplog)) == 1


def test_an_organization_without_a_plan_records_its_staff_unflagged(
    anonymous_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="accounts.plans.services")
    for n in range(3):
        event = membership_event(membership_id=f"orgmem_{n}", user_id=f"user_{n}", role="org:admin")
        assert deliver(anonymous_client, event).status_code == 200
    assert Membership.objects.filter(role="admin").count() == 3
    assert _seat_warnings(caplog) == []
    assert not organization_seats(Organization.objects.get(clerk_id="org_1")).over


def test_the_admin_lists_each_organizations_seats_and_flags_the_ones_over(
    admin_client: Client, paying_school: Organization
) -> None:
    MembershipFactory(organization=paying_school, user=UserFactory(), role=Membership.Role.INSTRUCTOR)
    MembershipFactory(organization=paying_school, user=UserFactory(), role=Membership.Role.ADMIN)
    MembershipFactory(organization=paying_school, user=UserFactory(), role=Membership.Role.STUDENT)
    Plan.objects.filter(code="cfi").update(seats=None)
    OrganizationFactory(name="Unlimited", clerk_id="org_u", plan_override=Plan.objects.get(code="cfi"))
    free = OrganizationFactory(name="Free club", clerk_id="org_f")
    MembershipFactory(organization=free, user=UserFactory(), role=Membership.Role.INSTRUCTOR)
    unknown = OrganizationFactory(name="Unknown plan", clerk_id="org_p", clerk_plan="platinum")
    MembershipFactory(organization=unknown, user=UserFactory(), role=Membership.Role.INSTRUCTOR)
    page = admin_client.get(ORGANIZATIONS).content.decode()
    assert "2 / 1 OVER" in page
    assert "0 (no limit)" in page
    # No plan, or a plan code with no row: no seats bought, and nothing flagged.
    assert page.count("1 (no plan)") == 2

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(ORGANIZATIONS).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        org = OrganizationFactory(name=f"More {n}", clerk_id=f"org_m{n}", clerk_plan="school")
        MembershipFactory(organization=org, user=UserFactory(), role=Membership.Role.INSTRUCTOR)
    assert count() == few
