"""Service edge cases HTTP tests cannot reach deterministically: losing a first-sight race, and
the erasure signal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db.models import Model, QuerySet

from accounts.models import Membership, Organization, User
from accounts.services import user_erase, user_get_or_create_from_claims
from accounts.signals import user_erased
from accounts.webhooks.memberships import membership_upsert_from_clerk
from accounts.webhooks.organizations import organization_upsert_from_clerk

pytestmark = pytest.mark.django_db


@pytest.fixture
def miss_lookups(monkeypatch) -> Callable[[type[Model], int], None]:
    """Make the next ``n`` ``.first()`` lookups of ``model`` miss, as if a concurrent request had
    inserted the row between our lookup and our insert."""

    def arm(model: type[Model], n: int) -> None:
        original = QuerySet.first
        remaining = {"n": n}

        def first(self: QuerySet):
            if self.model is model and remaining["n"] > 0:
                remaining["n"] -= 1
                return None
            return original(self)

        monkeypatch.setattr(QuerySet, "first", first)

    return arm


def test_user_created_concurrently_is_reused(miss_lookups) -> None:
    existing = User.objects.create(clerk_id="user_1", username="user_1")
    miss_lookups(User, 1)
    assert user_get_or_create_from_claims({"sub": "user_1"}).pk == existing.pk
    assert User.objects.count() == 1


def test_organization_created_concurrently_is_reused(miss_lookups) -> None:
    existing = Organization.objects.create(clerk_id="org_1", name="Purdue Flight")
    miss_lookups(Organization, 1)
    assert organization_upsert_from_clerk({"id": "org_1", "name": "Purdue"}).pk == existing.pk
    assert Organization.objects.get().name == "Purdue"


def test_membership_created_concurrently_is_updated(miss_lookups) -> None:
    user = User.objects.create(clerk_id="user_1", username="user_1")
    org = Organization.objects.create(clerk_id="org_1", name="Purdue Flight")
    existing = Membership.objects.create(user=user, organization=org, role="student")
    miss_lookups(Membership, 2)
    membership = membership_upsert_from_clerk(
        {
            "id": "orgmem_1",
            "role": "org:instructor",
            "organization": {"id": "org_1"},
            "public_user_data": {"user_id": "user_1"},
        }
    )
    assert membership is not None
    assert membership.pk == existing.pk
    existing.refresh_from_db()
    assert (existing.clerk_id, existing.role) == ("orgmem_1", "instructor")


def test_erasing_a_user_sends_user_erased_once() -> None:
    user = User.objects.create(clerk_id="user_1", username="user_1", email="amelia@example.com")
    received: list[int] = []

    def listener(sender: type[User], user: User, **kwargs: object) -> None:
        received.append(user.pk)

    user_erased.connect(listener, weak=False)
    try:
        user_erase(user=user)
        user_erase(user=user)
        user.first_name = "Edited in the admin"
        user.save()
    finally:
        user_erased.disconnect(listener)
    assert received == [user.pk]
    user.refresh_from_db()
    assert (user.email, user.is_active, user.has_usable_password()) == ("", False, False)
