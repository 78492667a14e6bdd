"""Staff review: needs_review first, codes with raw text and confidence, audited corrections."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from extraction.engine import CodeDetail, ExtractionResult, Unresolved
from extraction.models import CodeCorrection, Report
from extraction.services import report_correct_codes, report_create_from_result

pytestmark = pytest.mark.django_db


def make(confidence: float = 1.0, unresolved: list[Unresolved] | None = None, **fields: object) -> Report:
    codes = ["PA.I.A.K1", "PA.I.B.K2"]
    result = ExtractionResult(
        exam_code="PAR",
        applicant_name="SECRET, NAME",
        exam_id="123456789012345678",
        codes=codes,
        codes_detail=[CodeDetail(c, "", "", "", "K", 0.61, c.replace("I", "l")) for c in codes],
        unresolved=unresolved or [],
        confidence=confidence,
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
    review = make(confidence=0.4)
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
        result=ExtractionResult(
            exam_code="PAR",
            applicant_name="SECRET, NAME",
            exam_id="123456789012345678",
            codes=["PA.I.A.K1"],
            codes_detail=[CodeDetail("PA.I.A.K1", "", "", "", "K", 0.61, "PA.l.A.K1")],
            unresolved=[Unresolved("PA.X?.K1", "ambiguous", ["PA.X.A.K1"])],
            confidence=0.9,
        ),
    )
    page = staff_client.get(f"/admin/extraction/report/{report.pk}/change/").content.decode()
    assert "PA.l.A.K1" in page and "0.61" in page and "PA.X?.K1" in page
    assert "SECRET" not in page and "123456789012345678" not in page
    assert report.share_token not in page


def test_staff_correction_is_recorded(staff_client: Client, staff: User) -> None:
    report = make(confidence=0.4, unresolved=[Unresolved("PA.I.?.K3", "ambiguous", [])])
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
    assert report.status == Report.Status.OK
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
    review = make(confidence=0.4)
    confirmation = report_correct_codes(report=review, user=staff, codes=["PA.I.A.K1", "PA.I.B.K2"])
    assert confirmation is not None and confirmation.before == confirmation.after
    review.refresh_from_db()
    assert review.status == Report.Status.OK
    assert report_correct_codes(report=review, user=staff, codes=["PA.I.A.K1", "PA.I.B.K2"]) is None
    assert CodeCorrection.objects.count() == 1
