"""The bulk "mark reviewed" action on reports, through ``reports_mark_reviewed``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from extraction.models import CodeCorrection, Report
from extraction.reports.services import reports_mark_reviewed
from tests.factories import ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

REPORTS = "/admin/extraction/report/"


def doubtful(**fields: Any) -> Report:
    return ReportFactory(status=Report.Status.NEEDS_REVIEW, review_reasons=["field_missing:score"], **fields)


def test_the_action_confirms_the_selected_reports_as_they_are(admin_client: Client, admin_user: User) -> None:
    first = doubtful(codes=["PA.I.A.K1", "PA.I.B.K2"])
    second = doubtful(codes=[])
    untouched = doubtful(codes=["PA.II.A.K1"])
    already = ReportFactory(status=Report.Status.OK, codes=["PA.I.A.K1"])
    response = admin_client.post(
        REPORTS,
        {"action": "mark_reviewed", "_selected_action": [first.pk, second.pk, already.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 report(s) marked reviewed; 1 of those selected needed no review." in response.content.decode()

    statuses = dict(Report.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == statuses[already.pk] == Report.Status.OK
    assert statuses[untouched.pk] == Report.Status.NEEDS_REVIEW
    corrections = {c.report_id: c for c in CodeCorrection.objects.all()}
    assert set(corrections) == {first.pk, second.pk}
    assert corrections[first.pk].before == corrections[first.pk].after == ["PA.I.A.K1", "PA.I.B.K2"]
    assert corrections[second.pk].after == []
    assert corrections[first.pk].user == admin_user
    first.refresh_from_db()
    assert first.review_reasons == ["field_missing:score"]  # the evidence that was reviewed stays
    assert list(first.codes.values_list("code", flat=True)) == ["PA.I.A.K1", "PA.I.B.K2"]


def test_the_service_costs_the_same_for_any_number_of_reports(django_assert_max_num_queries: Any) -> None:
    staff = UserFactory(is_staff=True)
    for _ in range(3):
        doubtful(codes=["PA.I.A.K1"])
    with django_assert_max_num_queries(8) as few:
        assert reports_mark_reviewed(reports=Report.objects.all(), user=staff) == 3
    for _ in range(12):
        doubtful(codes=["PA.I.A.K1", "PA.I.A.K2"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert reports_mark_reviewed(reports=Report.objects.all(), user=staff) == 12
    assert reports_mark_reviewed(reports=Report.objects.all(), user=staff) == 0
    assert CodeCorrection.objects.count() == 15


def test_staff_without_the_change_permission_have_no_action(client: Client) -> None:
    from django.contrib.auth.models import Permission

    staff: User = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_report"))
    client.force_login(staff)
    report = doubtful()
    response = client.post(REPORTS, {"action": "mark_reviewed", "_selected_action": [report.pk]})
    assert response.status_code in (200, 302)
    report.refresh_from_db()
    assert report.status == Report.Status.NEEDS_REVIEW
