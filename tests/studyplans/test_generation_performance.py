"""Generation cost: a fixed number of SQL queries whatever the number of codes.

Time is measured by bench/bench_studyplans.py, not asserted here."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from studyplans.plans.services import study_plan_create
from tests.cache_keys import delete_cache_keys
from tests.factories import ReportFactory
from tests.studyplans.conftest import catalog_codes, load_prefixes

pytestmark = pytest.mark.django_db


def national_picture_forgotten() -> None:
    """Each plan measured reads the national picture as the first plan of the day does (it is
    cached for minutes afterwards), so both pay the same."""
    delete_cache_keys("*cfipros:stats:*")


def spread(prefix: str, count: int) -> list[str]:
    codes = catalog_codes(prefix)
    step = len(codes) // count
    return [codes[i * step] for i in range(count)]


def test_query_count_is_bounded_and_independent_of_code_count(student: User) -> None:
    load_prefixes("PA")
    small = ReportFactory(owner=student, codes=spread("PA", 5))
    large = ReportFactory(owner=student, codes=[*spread("PA", 15), "PLT001", "PA.IX.Z.K9"])
    with CaptureQueriesContext(connection) as five:
        study_plan_create(user=student, report_ids=[small.pk])
    national_picture_forgotten()
    with CaptureQueriesContext(connection) as fifteen:
        plan = study_plan_create(user=student, report_ids=[large.pk])
    assert plan.items.count() == 17
    assert len(five) == len(fifteen)
    assert len(fifteen) <= 10, [q["sql"][:80] for q in fifteen.captured_queries]


def test_two_reports_cost_the_same_queries(student: User) -> None:
    load_prefixes("PA")
    one = ReportFactory(owner=student, codes=spread("PA", 15))
    two = ReportFactory(owner=student, codes=spread("PA", 10))
    with CaptureQueriesContext(connection) as single:
        study_plan_create(user=student, report_ids=[one.pk])
    national_picture_forgotten()
    with CaptureQueriesContext(connection) as double:
        study_plan_create(user=student, report_ids=[one.pk, two.pk])
    assert len(single) == len(double)
