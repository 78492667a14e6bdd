"""Issue 11, item 1: a deleted membership or organization stays deleted.

Clerk retries and reorders deliveries, so an ``organizationMembership.updated`` or ``.created``
may arrive after the ``.deleted``. Without a tombstone it recreated the membership, and a removed
instructor saw the school's students again.
"""

from __future__ import annotations

import pytest

from accounts.models import Membership, Organization, User
from accounts.selectors import owners_visible_to
from tests.accounts.clerk_events import deliver, membership_event, org_event, user_event
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def instructor_sees_student(instructor_id: str = "user_cfi", student_id: str = "user_student") -> bool:
    instructor = User.objects.get(clerk_id=instructor_id)
    return owners_visible_to(instructor).filter(clerk_id=student_id).exists()


@pytest.fixture
def clerk_school(anonymous_client) -> None:
    """A school with an instructor (orgmem_cfi) and a student (orgmem_student) who has a report."""
    deliver(anonymous_client, org_event(updated_at=1_000))
    for user_id in ("user_cfi", "user_student"):
        deliver(anonymous_client, user_event(clerk_id=user_id))
    deliver(
        anonymous_client,
        membership_event(
            membership_id="orgmem_cfi", user_id="user_cfi", role="org:instructor", updated_at=1_000
        ),
    )
    deliver(anonymous_client, membership_event(membership_id="orgmem_student", user_id="user_student"))
    ReportFactory(owner=User.objects.get(clerk_id="user_student"))
    assert instructor_sees_student()


@pytest.mark.parametrize("late_kind", ["updated", "created"])
def test_late_membership_event_after_deleted_leaves_no_membership_and_no_visibility(
    anonymous_client, clerk_school, late_kind: str
) -> None:
    deleted = membership_event(
        "deleted", membership_id="orgmem_cfi", user_id="user_cfi", role="org:instructor", updated_at=2_000
    )
    assert deliver(anonymous_client, deleted).status_code == 200
    assert not instructor_sees_student()
    late = membership_event(
        late_kind, membership_id="orgmem_cfi", user_id="user_cfi", role="org:instructor", updated_at=1_500
    )
    assert deliver(anonymous_client, late).status_code == 200
    assert not Membership.objects.filter(user__clerk_id="user_cfi").exists()
    assert not instructor_sees_student()


def test_late_membership_event_with_the_same_version_is_ignored(anonymous_client, clerk_school) -> None:
    """Clerk's deletion payload carries the membership's last ``updated_at``: a retry of that very
    update is not newer than the deletion."""
    deleted = membership_event("deleted", membership_id="orgmem_cfi", user_id="user_cfi", updated_at=2_000)
    deliver(anonymous_client, deleted)
    retry = membership_event(
        "updated", membership_id="orgmem_cfi", user_id="user_cfi", role="org:instructor", updated_at=2_000
    )
    deliver(anonymous_client, retry)
    assert not instructor_sees_student()


def test_late_membership_event_without_version_after_deleted_is_ignored(
    anonymous_client, clerk_school
) -> None:
    deliver(anonymous_client, membership_event("deleted", membership_id="orgmem_cfi", user_id="user_cfi"))
    deliver(
        anonymous_client, membership_event(membership_id="orgmem_cfi", user_id="user_cfi", role="org:admin")
    )
    assert not instructor_sees_student()


def test_a_newer_membership_of_the_same_person_is_applied(anonymous_client, clerk_school) -> None:
    """Re-inviting a removed instructor is a new membership in Clerk (a new id), which is applied."""
    deliver(anonymous_client, membership_event("deleted", membership_id="orgmem_cfi", user_id="user_cfi"))
    rejoined = membership_event(
        membership_id="orgmem_cfi_again", user_id="user_cfi", role="org:instructor", updated_at=5_000
    )
    assert deliver(anonymous_client, rejoined).status_code == 200
    assert instructor_sees_student()


def test_deleted_pair_with_another_id_also_tombstones_the_stored_id(anonymous_client, clerk_school) -> None:
    """A deletion that matched the stored row by (user, organization) tombstones the row's own id."""
    deliver(anonymous_client, membership_event("deleted", membership_id="orgmem_other", user_id="user_cfi"))
    deliver(
        anonymous_client, membership_event(membership_id="orgmem_cfi", user_id="user_cfi", role="org:admin")
    )
    assert not instructor_sees_student()


def test_late_organization_event_after_deleted_does_not_recreate_it(anonymous_client, clerk_school) -> None:
    assert deliver(anonymous_client, org_event("deleted", updated_at=3_000)).status_code == 200
    assert (
        deliver(anonymous_client, org_event("updated", name="Purdue Flight", updated_at=2_000)).status_code
        == 200
    )
    assert not Organization.objects.filter(clerk_id="org_1").exists()


def test_late_membership_event_after_organization_deleted_recreates_neither(
    anonymous_client, clerk_school
) -> None:
    deliver(anonymous_client, {"type": "organization.deleted", "data": {"id": "org_1", "deleted": True}})
    late = membership_event(
        "updated", membership_id="orgmem_cfi", user_id="user_cfi", role="org:instructor", updated_at=1_500
    )
    deliver(anonymous_client, late)
    deliver(
        anonymous_client, membership_event("updated", membership_id="orgmem_student", user_id="user_student")
    )
    assert not Organization.objects.filter(clerk_id="org_1").exists()
    assert not Membership.objects.exists()
    assert not instructor_sees_student()


def test_organization_deleted_before_it_was_seen_leaves_a_tombstone(anonymous_client) -> None:
    deliver(anonymous_client, {"type": "organization.deleted", "data": {"id": "org_9", "deleted": True}})
    deliver(anonymous_client, org_event(clerk_id="org_9"))
    deliver(anonymous_client, membership_event(org_id="org_9"))
    assert not Organization.objects.filter(clerk_id="org_9").exists()
    assert not Membership.objects.exists()
