"""Which plan applies, entitlements and seats, and the plan carried by Clerk's webhooks."""

from __future__ import annotations

from importlib import import_module
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, Plan, User
from accounts.plans.quotas import quota_consume, quota_release, quota_used
from accounts.plans.selectors import plan_for_user
from accounts.plans.services import entitlement_check, seat_check
from accounts.plans.tiers import SHIPPED_TIERS
from cfipros.api.problems import problem_from_domain
from cfipros.errors import PaymentRequired, PlanQuotaExceeded, PlanRequired
from tests.accounts.clerk_events import deliver, org_event, user_event
from tests.cache_keys import delete_cache_keys
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_seeded_tiers_hold_the_public_limits() -> None:
    plans = {p.code: p for p in Plan.objects.all()}
    assert list(plans) == ["anonymous", "free", "student_pro", "cfi", "school"]
    assert plans["anonymous"].extractions_per_day == 3
    assert plans["free"].extractions_per_day == 10
    assert plans["free"].saved_reports_per_month == 5
    assert plans["free"].feature_exports and not plans["free"].feature_batch
    assert plans["student_pro"].extractions_per_day == 100
    assert plans["student_pro"].saved_reports_per_month is None
    assert plans["cfi"].feature_batch and plans["cfi"].files_per_batch == 30 and plans["cfi"].feature_cohorts
    assert plans["school"].batched_documents_per_month == 300 and plans["school"].seats


def test_a_user_without_a_plan_is_free_and_clerks_plan_applies(stranger: User) -> None:
    assert plan_for_user(stranger).code == "free"
    stranger.clerk_plan = "student_pro"
    assert plan_for_user(stranger).code == "student_pro"


def test_an_unknown_plan_code_counts_as_free(stranger: User) -> None:
    stranger.clerk_plan = "platinum"
    assert plan_for_user(stranger).code == "free"


def test_a_staff_override_wins_over_clerk(stranger: User) -> None:
    stranger.clerk_plan = "cfi"
    stranger.plan_override = Plan.objects.get(code="free")
    assert plan_for_user(stranger).code == "free"


def test_members_get_the_better_of_their_own_and_their_organizations_plan(
    student: User, school: Organization
) -> None:
    school.clerk_plan = "school"
    school.save()
    assert plan_for_user(student).code == "school"
    school.plan_override = Plan.objects.get(code="free")
    school.save()
    student.clerk_plan = "student_pro"
    assert plan_for_user(student).code == "student_pro"


def test_the_plan_costs_two_queries_however_many_organizations(
    stranger: User, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        MembershipFactory(user=stranger, organization=OrganizationFactory(clerk_plan="cfi"))
    with django_assert_max_num_queries(2):
        assert plan_for_user(stranger).code == "cfi"


def test_entitlement_check_names_the_cheapest_plan_with_the_feature(stranger: User) -> None:
    with pytest.raises(PlanRequired) as refused:
        entitlement_check(stranger, "cohorts")
    assert refused.value.required_plan == "cfi"
    problem = problem_from_domain(refused.value)
    assert problem.status_code == 403
    assert problem.extensions == {"required_plan": "cfi"}
    assert entitlement_check(stranger, "exports").code == "free"


def test_seats_exceeded_is_402(school: Organization) -> None:
    school.clerk_plan = "school"
    school.save()
    Plan.objects.filter(code="school").update(seats=1)
    seat_check(school)
    MembershipFactory(organization=school, user=UserFactory(), role=Membership.Role.INSTRUCTOR)
    with pytest.raises(PaymentRequired) as refused:
        seat_check(school)
    assert problem_from_domain(refused.value).status_code == 402


def test_quota_consume_takes_nothing_when_over_and_release_gives_back(stranger: User) -> None:
    Plan.objects.filter(code="free").update(extractions_per_day=3)
    assert quota_consume(stranger, "extractions", 2).used == 2
    with pytest.raises(PlanQuotaExceeded) as refused:
        quota_consume(stranger, "extractions", 2)
    assert refused.value.limit == 3 and refused.value.retry_after
    assert quota_used(stranger, "extractions") == 2
    quota_release(stranger, "extractions", 1)
    assert quota_consume(stranger, "extractions", 2).used == 3


def test_an_evicted_redis_counter_is_seeded_from_the_database(stranger: User) -> None:
    Plan.objects.filter(code="free").update(extractions_per_day=3)
    quota_consume(stranger, "extractions", 3)
    delete_cache_keys("cfipros:quota:*")
    with pytest.raises(PlanQuotaExceeded):
        quota_consume(stranger, "extractions", 1)


def test_without_redis_the_database_counts_alone(stranger: User, settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    Plan.objects.filter(code="free").update(extractions_per_day=2)
    quota_consume(stranger, "extractions", 2)
    with pytest.raises(PlanQuotaExceeded):
        quota_consume(stranger, "extractions", 1)
    assert quota_used(stranger, "extractions") == 2


def test_clerk_webhooks_carry_the_user_and_organization_plans(anonymous_client: APIClient) -> None:
    assert deliver(anonymous_client, user_event(public_metadata={"plan": "cfi"})).status_code == 200
    user = User.objects.get(clerk_id="user_1")
    assert user.clerk_plan == "cfi"
    assert plan_for_user(user).code == "cfi"
    deliver(anonymous_client, user_event("updated", public_metadata={}, updated_at=2))
    user.refresh_from_db()
    assert user.clerk_plan == ""
    assert deliver(anonymous_client, org_event(public_metadata={"plan": "school"})).status_code == 200
    assert Organization.objects.get(clerk_id="org_1").clerk_plan == "school"


def test_a_shipped_tier_whose_row_is_gone_is_restored(stranger: User) -> None:
    Plan.objects.all().delete()
    stranger.clerk_plan = "cfi"
    assert plan_for_user(stranger).code == "cfi"
    assert quota_consume("203.0.113.0", "extractions").limit == 3
    assert Plan.objects.count() == 5


def test_the_shipped_tiers_match_the_seeding_migration() -> None:
    migration = import_module("accounts.migrations.0007_plans_quotas")
    for code, name, rank, day, saved, files, batched, seats, *features in migration.TIERS:
        tier = SHIPPED_TIERS[code]
        assert (tier["name"], tier["rank"], tier["extractions_per_day"]) == (name, rank, day)
        assert (tier["saved_reports_per_month"], tier["files_per_batch"]) == (saved, files)
        assert (tier["batched_documents_per_month"], tier["seats"]) == (batched, seats)
        assert [
            tier[f] for f in ("feature_batch", "feature_cohorts", "feature_exports", "feature_analytics")
        ] == features
