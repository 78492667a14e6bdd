"""Admin pages: they render, search and filter, and their query count does not grow with the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership, Organization, User

pytestmark = pytest.mark.django_db


def populate(count: int) -> None:
    orgs = [Organization.objects.create(clerk_id=f"org_{i}", name=f"School {i}") for i in range(3)]
    for index in range(count):
        user = User.objects.create(
            clerk_id=f"user_{index}", username=f"user_{index}", email=f"pilot{index}@example.com"
        )
        for org in orgs:
            Membership.objects.create(
                user=user, organization=org, role="student", clerk_id=f"m_{index}_{org.pk}"
            )


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    ["/admin/accounts/user/", "/admin/accounts/organization/", "/admin/accounts/membership/"],
)
def test_changelists_cost_the_same_for_few_and_many_rows(admin_client, url: str) -> None:
    populate(2)
    few = queries_for(admin_client, url)
    populate_more = [User.objects.create(username=f"extra_{i}", email=f"x{i}@example.com") for i in range(12)]
    org = Organization.objects.get(clerk_id="org_0")
    for user in populate_more:
        Membership.objects.create(user=user, organization=org)
    assert queries_for(admin_client, url) == few


def test_change_pages_with_membership_inlines_do_not_grow(admin_client) -> None:
    populate(2)
    user = User.objects.get(clerk_id="user_0")
    org = Organization.objects.get(clerk_id="org_0")
    queries_for(admin_client, f"/admin/accounts/user/{user.pk}/change/")  # warm caches
    user_page = queries_for(admin_client, f"/admin/accounts/user/{user.pk}/change/")
    queries_for(admin_client, f"/admin/accounts/organization/{org.pk}/change/")
    org_page = queries_for(admin_client, f"/admin/accounts/organization/{org.pk}/change/")
    for index in range(3, 9):
        Membership.objects.create(
            user=user, organization=Organization.objects.create(clerk_id=f"org_{index}", name=f"S{index}")
        )
        Membership.objects.create(user=User.objects.create(username=f"more_{index}"), organization=org)
    assert queries_for(admin_client, f"/admin/accounts/user/{user.pk}/change/") == user_page
    assert queries_for(admin_client, f"/admin/accounts/organization/{org.pk}/change/") == org_page


def test_user_search_by_email_and_clerk_id(admin_client) -> None:
    populate(3)
    by_email = admin_client.get("/admin/accounts/user/", {"q": "pilot1@example.com"})
    assert by_email.context["cl"].result_count == 1
    by_clerk_id = admin_client.get("/admin/accounts/user/", {"q": "user_2"})
    assert [u.clerk_id for u in by_clerk_id.context["cl"].result_list] == ["user_2"]


def test_user_filters(admin_client) -> None:
    populate(2)
    User.objects.filter(clerk_id="user_0").update(role=User.Role.CFI)
    cfis = admin_client.get("/admin/accounts/user/", {"role__exact": "cfi"})
    assert [u.clerk_id for u in cfis.context["cl"].result_list] == ["user_0"]
    staff = admin_client.get("/admin/accounts/user/", {"is_staff__exact": "1"})
    assert [u.username for u in staff.context["cl"].result_list] == ["admin"]
    inactive = admin_client.get("/admin/accounts/user/", {"is_active__exact": "0"})
    assert inactive.context["cl"].result_count == 0


def test_organization_list_shows_member_counts_and_searches(admin_client) -> None:
    populate(2)
    response = admin_client.get("/admin/accounts/organization/", {"q": "School 1"})
    assert response.context["cl"].result_count == 1
    assert response.context["cl"].result_list[0].member_total == 2


def test_membership_search_and_role_filter(admin_client) -> None:
    populate(2)
    Membership.objects.filter(user__clerk_id="user_1", organization__clerk_id="org_2").update(
        role="instructor"
    )
    response = admin_client.get("/admin/accounts/membership/", {"role__exact": "instructor"})
    assert response.context["cl"].result_count == 1
    response = admin_client.get("/admin/accounts/membership/", {"q": "pilot0@example.com"})
    assert response.context["cl"].result_count == 3


def test_staff_user_can_be_added_locally(admin_client) -> None:
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "ops",
            "email": "ops@example.com",
            "role": "student",
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="ops")
    assert user.clerk_id is None
    assert user.check_password("a-long-unusual-passphrase-42")


def test_admin_requires_a_session(client) -> None:
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
