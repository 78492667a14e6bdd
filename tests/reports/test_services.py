"""Storing engine results as reports: anonymity, dedupe on the exam id, catalogue links, review."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from django.utils import timezone

from accounts.models import User
from extraction.engine import Unresolved
from extraction.models import AcsElement, Report
from extraction.reports.services import exam_id_hash, report_create_from_result, report_store_result
from tests.factories import ExtractionResultFactory, code_detail

pytestmark = pytest.mark.django_db


# The engine's read of the report: one code linked to the catalogue, one read with an l for an I.
make_result = partial(
    ExtractionResultFactory,
    codes_detail=[
        code_detail("PA.I.A.K1", 0.99, description="d"),
        code_detail("PA.I.B.K2", 0.97, "PA.l.B.K2", description="d"),
    ],
    field_confidence={"score": 1.0},
    elapsed_ms=12.345,
)


def test_anonymous_result_keeps_no_personal_field_and_expires(pa_element: AcsElement) -> None:
    report = report_create_from_result(owner=None, result=make_result())
    assert report.owner is None
    assert (report.applicant_name, report.ftn, report.applicant_id, report.exam_id, report.exam_site) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert report.exam_id_hash == ""
    assert report.expires_at is not None
    assert timedelta(hours=23) < report.expires_at - timezone.now() <= timedelta(hours=24)
    assert len(report.share_token) >= 32
    codes = list(report.codes.order_by("position"))
    assert [c.code for c in codes] == ["PA.I.A.K1", "PA.I.B.K2"]
    assert codes[0].element == pa_element and codes[1].element is None
    assert codes[1].raw == "PA.l.B.K2"
    assert report.status == Report.Status.OK


def test_owned_result_keeps_fields_and_dedupes_on_exam_id(pa_element: AcsElement) -> None:
    user = User.objects.create(username="u1")
    first = report_store_result(owner=user, result=make_result())
    assert first.created
    assert first.report.applicant_name == "JANE Q DOE" and first.report.expires_at is None
    assert first.report.exam_id_hash == exam_id_hash("exam-0001 ")
    second = report_store_result(
        owner=user, result=make_result(exam_id=" exam-0001", score=90, codes=["PA.I.A.K1"])
    )
    assert not second.created
    assert second.report.pk == first.report.pk
    assert Report.objects.filter(owner=user).count() == 1
    second.report.refresh_from_db()
    assert second.report.score == 90
    assert list(second.report.codes.values_list("code", flat=True)) == ["PA.I.A.K1"]


def test_same_exam_for_another_owner_is_another_report() -> None:
    a, b = User.objects.create(username="a"), User.objects.create(username="b")
    ra = report_create_from_result(owner=a, result=make_result())
    rb = report_create_from_result(owner=b, result=make_result())
    assert ra.pk != rb.pk


def test_no_exam_id_never_dedupes() -> None:
    user = User.objects.create(username="u")
    r1 = report_create_from_result(owner=user, result=make_result(exam_id=None))
    r2 = report_create_from_result(owner=user, result=make_result(exam_id=None))
    assert r1.pk != r2.pk


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"review": True, "review_reasons": ["field_missing:score"]}, Report.Status.NEEDS_REVIEW),
        # The engine alone decides: a low confidence or an unresolved token it did not flag is ok,
        (
            {"confidence": 0.05, "unresolved": [Unresolved("PA.X.?.K1", "ambiguous", ["PA.X.A.K1"])]},
            Report.Status.OK,
        ),
        # and a flagged result is reviewed whatever its confidence.
        (
            {"confidence": 0.999, "review": True, "review_reasons": ["prefix_mismatch"]},
            Report.Status.NEEDS_REVIEW,
        ),
        ({}, Report.Status.OK),
    ],
)
def test_status_follows_the_engines_review_exactly(overrides: dict[str, object], status: str) -> None:
    result = make_result(**overrides)
    report = report_create_from_result(owner=None, result=result)
    report.refresh_from_db()
    assert report.status == status
    assert report.review is result.review
    assert report.review_reasons == result.review_reasons
    if "unresolved" in overrides:
        assert report.unresolved == [{"raw": "PA.X.?.K1", "reason": "ambiguous", "candidates": ["PA.X.A.K1"]}]


def test_an_owners_upload_again_follows_the_new_review_both_ways() -> None:
    user = User.objects.create(username="again")
    flagged = make_result(review=True, review_reasons=["low_ocr_confidence", "field_missing:take"])
    report = report_create_from_result(owner=user, result=flagged)
    assert (report.status, report.review_reasons) == (
        Report.Status.NEEDS_REVIEW,
        ["low_ocr_confidence", "field_missing:take"],
    )
    cleared = report_create_from_result(owner=user, result=make_result())
    assert cleared.pk == report.pk
    cleared.refresh_from_db()
    assert (cleared.status, cleared.review_reasons) == (Report.Status.OK, [])
    again = report_create_from_result(
        owner=user, result=make_result(review=True, review_reasons=["code_unresolved"])
    )
    again.refresh_from_db()
    assert (again.pk, again.status, again.review_reasons) == (
        report.pk,
        Report.Status.NEEDS_REVIEW,
        ["code_unresolved"],
    )
