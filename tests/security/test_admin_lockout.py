"""Issue 11, item 12: the admin login locks out after repeated failures (django-axes).

Before, ``/admin/login/`` took passwords without limit: a staff password could be guessed at the
speed of the server.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff() -> User:
    return User.objects.create_superuser("ops", "ops@example.com", PASSWORD)


def log_in(username: str, password: str, ip: str = "203.0.113.7") -> Any:
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


def fail(times: int, username: str = "ops", ip: str = "203.0.113.7") -> list[int]:
    """Log in with a wrong password ``times`` times; the statuses answered."""
    return [log_in(username, "wrong password", ip).status_code for _ in range(times)]


def test_the_right_password_is_refused_after_repeated_failures(staff: User) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert fail(4) == [200] * 4, "below the limit a failure shows the form again"
    fail(1)
    locked = log_in("ops", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in locked.client.session


def test_failures_below_the_limit_do_not_lock_and_a_success_resets_them(staff: User) -> None:
    assert fail(4) == [200] * 4
    assert log_in("ops", PASSWORD).status_code == 302
    assert fail(4) == [200] * 4
    assert log_in("ops", PASSWORD).status_code == 302


def test_guessing_one_account_from_many_addresses_locks_it(staff: User) -> None:
    statuses = [status for index in range(5) for status in fail(1, ip=f"198.51.100.{index + 1}")]
    assert statuses[:4] == [200] * 4
    assert log_in("ops", PASSWORD, ip="192.0.2.200").status_code == 429


def test_one_address_guessing_many_accounts_is_locked(staff: User) -> None:
    statuses = [
        status for index in range(5) for status in fail(1, username=f"guess{index}", ip="203.0.113.99")
    ]
    assert statuses[:4] == [200] * 4
    assert log_in("ops", PASSWORD, ip="203.0.113.99").status_code == 429
    assert log_in("ops", PASSWORD, ip="203.0.113.100").status_code == 302


def test_the_lockout_ends_after_the_cool_off(staff: User, frozen_time: Any) -> None:
    fail(5)
    assert log_in("ops", PASSWORD).status_code == 429
    frozen_time.tick(settings.AXES_COOLOFF_TIME.total_seconds() + 1)
    assert log_in("ops", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_does_not_dodge_the_lockout(staff: User, settings: Any) -> None:
    """Without trusted proxies the header is the client's own writing, not its address."""
    settings.NUM_PROXIES, settings.TRUSTED_PROXIES = 0, []
    for index in range(5):
        Client(REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}").post(
            LOGIN, {"username": f"guess{index}", "password": "wrong password"}
        )
    assert log_in("ops", PASSWORD, ip="203.0.113.50").status_code == 429
