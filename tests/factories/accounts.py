"""Users, organizations (schools) and memberships."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from accounts.models import Membership, Organization, User


class UserFactory(DjangoModelFactory[User]):
    """A signed-up student: a Clerk id, an email, no password (sign-in goes through Clerk)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    clerk_id = factory.LazyAttribute(lambda u: f"user_{u.username}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    role = User.Role.STUDENT


class OrganizationFactory(DjangoModelFactory[Organization]):
    class Meta:
        model = Organization

    clerk_id = factory.Sequence(lambda n: f"org_{n}")
    name = factory.Sequence(lambda n: f"Flight School {n}")


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.STUDENT
