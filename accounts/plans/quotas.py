"""Quotas of a plan: counters per subject and period, consumed atomically on Redis and recorded in
the database.

The Redis counter decides (one script: seed from the record when the key is missing, refuse when
the request would go over the limit, else add), so concurrent requests on several workers can never
both take the last unit. The database row keeps the count for ``/me/usage`` and seeds Redis again
when a key is evicted. Without a Redis cache (a laptop) the row, locked, decides alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from redis.commands.core import Script

from accounts.models import Plan, QuotaUsage, User
from accounts.plans.selectors import ANONYMOUS_PLAN, plan_for_user, plan_get
from cfipros.errors import PlanQuotaExceeded

# counter -> (period, Plan field holding its limit)
COUNTERS: dict[str, tuple[str, str]] = {
    "extractions": ("day", "extractions_per_day"),
    "saved_reports": ("month", "saved_reports_per_month"),
    "batched_documents": ("month", "batched_documents_per_month"),
}

# KEYS[1]: the counter; ARGV: n, limit (-1: none), ttl (s), the recorded count to seed a missing
# key ("" when not read yet). Answers {admitted, count after}, or {-1, 0} when the key is missing
# and no seed was given, so the record is read only when a counter starts or was evicted.
_CONSUME_LUA = """
local key = KEYS[1]
local n = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if redis.call('EXISTS', key) == 0 then
  if ARGV[4] == '' then
    return {-1, 0}
  end
  redis.call('SET', key, ARGV[4], 'EX', tonumber(ARGV[3]))
end
local used = tonumber(redis.call('GET', key))
if limit >= 0 and used + n > limit then
  return {0, used}
end
return {1, redis.call('INCRBY', key, n)}
"""

KEY_PREFIX = "cfipros:quota:"

_scripts: dict[str, Script] = {}

Subject = User | str


@dataclass(frozen=True)
class QuotaState:
    limit: int | None
    used: int
    reset_at: dt.datetime


def _script() -> Script | None:
    cache = settings.CACHES["default"]
    if cache.get("BACKEND") != "django.core.cache.backends.redis.RedisCache":
        return None
    location = cache["LOCATION"]
    url = location[0] if isinstance(location, list | tuple) else str(location)
    script = _scripts.get(url)
    if script is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        script = _scripts[url] = client.register_script(_CONSUME_LUA)
    return script


def period_bounds(counter: str, now: dt.datetime | None = None) -> tuple[dt.date, dt.datetime]:
    """The first day of the counter's current period (UTC) and the instant the next one starts."""
    now = (now or timezone.now()).astimezone(dt.UTC)
    today = now.date()
    if COUNTERS[counter][0] == "day":
        start, end = today, today + dt.timedelta(days=1)
    else:
        start = today.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC)


def subject_key(subject: Subject) -> str:
    """``user:<pk>``, or ``ip:`` and a hash of the client network, so no address is stored."""
    if isinstance(subject, User):
        return f"user:{subject.pk}"
    return "ip:" + hashlib.sha256(subject.encode()).hexdigest()[:32]


def subject_plan(subject: Subject) -> Plan:
    return plan_for_user(subject) if isinstance(subject, User) else plan_get(ANONYMOUS_PLAN)


def quota_used(subject: Subject, counter: str) -> int:
    """What the subject has used of ``counter`` in the current period, from the record."""
    start, _ = period_bounds(counter)
    row = QuotaUsage.objects.filter(subject=subject_key(subject), counter=counter, period_start=start).first()
    return row.used if row else 0


def _record(key: str, counter: str, start: dt.date, used: int) -> None:
    """Write the count Redis answered, in one statement; a late writer never lowers a newer count."""
    larger = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    table = QuotaUsage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (subject, counter, period_start, used, updated_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (subject, counter, period_start) "
            f"DO UPDATE SET used = {larger}({table}.used, excluded.used), updated_at = excluded.updated_at",
            [key, counter, start, used, timezone.now()],
        )


def _refuse(limit: int, reset_at: dt.datetime, now: dt.datetime) -> PlanQuotaExceeded:
    return PlanQuotaExceeded(
        f"Your plan allows {limit} of these per period; the allowance renews at {reset_at.isoformat()}.",
        limit=limit,
        reset_at=int(reset_at.timestamp()),
        retry_after=max(1, int((reset_at - now).total_seconds())),
    )


def quota_consume(subject: Subject, counter: str, n: int = 1, *, plan: Plan | None = None) -> QuotaState:
    """Take ``n`` units of ``counter`` for ``subject`` (a user, or a client network) under its plan.

    Raises ``PlanQuotaExceeded`` (429, with the limit and when it renews) and takes nothing when the
    units would go over the plan's limit; a plan without a limit only counts.
    """
    plan = plan or subject_plan(subject)
    limit: int | None = getattr(plan, COUNTERS[counter][1])
    now = timezone.now()
    start, reset_at = period_bounds(counter, now)
    key = subject_key(subject)
    script = _script()
    if script is None:
        return _consume_in_database(key, counter, n, limit, start, reset_at, now)
    ttl = int((reset_at - now).total_seconds()) + 3600
    redis_key = f"{KEY_PREFIX}{counter}:{start.isoformat()}:{key}"
    args: list[int | str] = [n, -1 if limit is None else limit, ttl, ""]
    admitted, used = script(keys=[redis_key], args=args)
    if admitted == -1:
        args[3] = quota_used(subject, counter)
        admitted, used = script(keys=[redis_key], args=args)
    if not admitted:
        assert limit is not None
        raise _refuse(limit, reset_at, now)
    _record(key, counter, start, int(used))
    return QuotaState(limit=limit, used=int(used), reset_at=reset_at)


def _consume_in_database(
    key: str, counter: str, n: int, limit: int | None, start: dt.date, reset_at: dt.datetime, now: dt.datetime
) -> QuotaState:
    with transaction.atomic():
        row, _ = QuotaUsage.objects.select_for_update().get_or_create(
            subject=key, counter=counter, period_start=start
        )
        if limit is not None and row.used + n > limit:
            raise _refuse(limit, reset_at, now)
        row.used += n
        row.save(update_fields=["used", "updated_at"])
    return QuotaState(limit=limit, used=row.used, reset_at=reset_at)


def quota_release(subject: Subject, counter: str, n: int = 1) -> None:
    """Give back ``n`` units taken for a request that then failed (a document that cannot be read)."""
    start, _ = period_bounds(counter)
    key = subject_key(subject)
    script = _script()
    if script is not None:
        client = script.registered_client
        redis_key = f"{KEY_PREFIX}{counter}:{start.isoformat()}:{key}"
        if client.exists(redis_key):
            client.decrby(redis_key, n)
    QuotaUsage.objects.filter(subject=key, counter=counter, period_start=start, used__gte=n).update(
        used=F("used") - n
    )


@contextmanager
def quota_taken(subject: Subject, counter: str, n: int = 1) -> Iterator[QuotaState]:
    """Consume ``n`` units for the block, and give them back if the block fails, so a document
    that cannot be read does not count against the caller."""
    state = quota_consume(subject, counter, n)
    try:
        yield state
    except BaseException:
        quota_release(subject, counter, n)
        raise
