"""Staff review: needs_review first, codes with raw text and confidence, audited corrections."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from extraction.admin import reports_with_reason
from extraction.engine import Unresolved
from extraction.models import CodeCorrection, Report
from extraction.reports.services import (
    report_correct_codes,
    report_create_from_result,
    report_share_link_create,
)
from tests.factories import ExtractionResultFactory, code_detail

pytestmark = pytest.mark.django_db


def make(
    reasons: list[str] | None = None, unresolved: list[Unresolved] | None = None, **fields: object
) -> Report:
    """A stored report; ``reasons`` makes the engine ask for review with them."""
    codes = ["PA.I.A.K1", "PA.I.B.K2"]
    result = ExtractionResultFactory(
        applicant_name="SECRET, NAME",
        exam_id="123456789012345678",
        codes=codes,
        codes_detail=[code_detail(c, 0.61, c.replace("I", "l")) for c in codes],
        unresolved=unresolved or [],
        confidence=0.9,
        review=bool(reasons),
        review_reasons=list(reasons or []),
    )
    for name, value in fields.items():
        setattr(result, name, value)
    return report_create_from_result(owner=None, result=result)


@pytest.fixture
def staff(db: None) -> User:
    return User.objects.create_superuser(username="staff", password="pw-staff-123", email="s@example.com")


@pytest.fixture
def staff_client(staff: User) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def test_changelist_lists_needs_review_first_and_filters(staff_client: Client) -> None:
    ok = make()
    review = make(["low_confidence"])
    newest_ok = make()
    response = staff_client.get("/admin/extraction/report/")
    assert response.status_code == 200
    order = [r.pk for r in response.context["cl"].result_list]
    assert order == [review.pk, newest_ok.pk, ok.pk]
    filtered = staff_client.get("/admin/extraction/report/", {"status__exact": "needs_review"})
    assert [r.pk for r in filtered.context["cl"].result_list] == [review.pk]
    by_exam = staff_client.get("/admin/extraction/report/", {"exam_code": "PAR"})
    assert by_exam.status_code == 200


def test_change_page_shows_codes_and_tokens_but_no_identity(staff_client: Client, student: User) -> None:
    report = report_create_from_result(
        owner=student,
        result=ExtractionResultFactory(
            applicant_name="SECRET, NAME",
            exam_id="123456789012345678",
            codes=["PA.I.A.K1"],
            codes_detail=[code_detail("PA.I.A.K1", 0.61, "PA.l.A.K1")],
            unresolved=[Unresolved("PA.X?.K1", "ambiguous", ["PA.X.A.K1"])],
            confidence=0.9,
        ),
    )
    report = report_share_link_create(report=report, user=student, days=7)
    page = staff_client.get(f"/admin/extraction/report/{report.pk}/change/").content.decode()
    assert "PA.l.A.K1" in page and "0.61" in page and "PA.X?.K1" in page
    assert "SECRET" not in page and "123456789012345678" not in page
    assert report.share_token and report.share_token not in page


def test_staff_correction_is_recorded(staff_client: Client, staff: User) -> None:
    report = make(["code_unresolved"], unresolved=[Unresolved("PA.I.?.K3", "ambiguous", [])])
    url = f"/admin/extraction/report/{report.pk}/change/"
    form = {
        "corrected_codes": "PA.I.A.K1\npa.i.c.k3, PLT058",
        "codes-TOTAL_FORMS": "2",
        "codes-INITIAL_FORMS": "2",
        "codes-MIN_NUM_FORMS": "0",
        "codes-MAX_NUM_FORMS": "1000",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    for i, code in enumerate(report.codes.order_by("position")):
        form[f"codes-{i}-id"] = str(code.pk)
        form[f"codes-{i}-report"] = str(report.pk)
    response = staff_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert list(report.codes.order_by("position").values_list("code", flat=True)) == [
        "PA.I.A.K1",
        "PA.I.C.K3",
        "PLT058",
    ]
    assert report.status == Report.Status.OK and not report.review
    assert report.review_reasons == ["code_unresolved"]  # kept as the evidence that was reviewed
    correction = CodeCorrection.objects.get(report=report)
    assert correction.user == staff
    assert correction.before == ["PA.I.A.K1", "PA.I.B.K2"]
    assert correction.after == ["PA.I.A.K1", "PA.I.C.K3", "PLT058"]
    assert correction.created_at is not None


def test_invalid_code_is_refused(staff_client: Client) -> None:
    report = make()
    response = staff_client.post(
        f"/admin/extraction/report/{report.pk}/change/",
        {
            "corrected_codes": "PA.I.A.K1 HELLO",
            "codes-TOTAL_FORMS": "0",
            "codes-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Not an ACS or PLT code: HELLO" in response.content.decode()
    assert not CodeCorrection.objects.exists()


def test_service_confirmation_and_no_op(staff: User) -> None:
    review = make(["low_confidence"])
    confirmation = report_correct_codes(report=review, user=staff, codes=["PA.I.A.K1", "PA.I.B.K2"])
    assert confirmation is not None and confirmation.before == confirmation.after
    review.refresh_from_db()
    assert review.status == Report.Status.OK and not review.review
    assert review.review_reasons == ["low_confidence"]
    assert report_correct_codes(report=review, user=staff, codes=["PA.I.A.K1", "PA.I.B.K2"]) is None
    assert CodeCorrection.objects.count() == 1


def test_change_page_and_list_show_the_review_reasons(staff_client: Client) -> None:
    report = make(["field_missing:score", "score_grade_mismatch"])
    page = staff_client.get(f"/admin/extraction/report/{report.pk}/change/").content.decode()
    assert "field_missing:score, score_grade_mismatch" in page
    listing = staff_client.get("/admin/extraction/report/").content.decode()
    assert "field_missing:score, score_grade_mismatch" in listing


def test_filter_by_review_reason(staff_client: Client) -> None:
    both = make(["field_missing:score", "code_unresolved"])
    unresolved_only = make(["code_unresolved"])
    make(["field_missing:exam_date"])
    make()
    url = "/admin/extraction/report/"
    choices = staff_client.get(url).context["cl"].filter_specs
    (reason_filter,) = [f for f in choices if getattr(f, "parameter_name", "") == "review_reason"]
    assert [value for value, _ in reason_filter.lookup_choices] == [
        "code_unresolved",
        "field_missing:exam_date",
        "field_missing:score",
    ]
    listed = staff_client.get(url, {"review_reason": "code_unresolved"}).context["cl"].result_list
    assert {r.pk for r in listed} == {both.pk, unresolved_only.pk}
    listed = staff_client.get(url, {"review_reason": "field_missing:score"}).context["cl"].result_list
    assert [r.pk for r in listed] == [both.pk]


@pytest.mark.parametrize("json_contains", [True, False], ids=["json-containment", "json-text"])
def test_reason_matching_is_exact_on_either_backend_path(monkeypatch, json_contains: bool) -> None:
    """PostgreSQL uses JSON containment; SQLite, lacking it, matches the quoted reason in the text."""
    monkeypatch.setattr(connection.features, "supports_json_field_contains", json_contains)
    dated = make(["field_missing:exam_date"])
    make(["field_missing:score"])
    make()
    everything = Report.objects.all()
    assert list(reports_with_reason(everything, "field_missing:exam_date")) == [dated]
    assert not reports_with_reason(everything, "field_missing:exam").exists()
    assert not reports_with_reason(everything, "exam_date").exists()


def test_changelist_query_count_does_not_grow_with_the_reports(staff_client: Client) -> None:
    def changelist_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get("/admin/extraction/report/").status_code == 200
        return len(captured)

    make(["code_unresolved"])
    make()
    few = changelist_queries()
    for i in range(10):
        make([f"field_missing:{'score' if i % 2 else 'take'}", "low_confidence"] if i % 3 else None)
    assert changelist_queries() == few
