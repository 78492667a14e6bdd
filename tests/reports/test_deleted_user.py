"""A user deleted in Clerk loses the identity fields of their reports, not the results."""

from __future__ import annotations

import pytest

from accounts.models import User
from accounts.webhooks.users import user_delete_from_clerk
from extraction.models import Report
from extraction.reports.services import report_create_from_result
from tests.factories import ExtractionResultFactory

pytestmark = pytest.mark.django_db


def test_reports_of_a_deleted_user_are_scrubbed(student: User, stranger: User) -> None:
    result = ExtractionResultFactory(
        applicant_name="DOE, JANE",
        ftn="A1B2C3D4",
        exam_id="123456789012345678",
        exam_site="CG1",
        exam_code="PAR",
        score=80,
        codes=["PA.I.A.K1"],
        confidence=1.0,
    )
    mine = report_create_from_result(owner=student, result=result)
    theirs = report_create_from_result(owner=stranger, result=result)

    user_delete_from_clerk({"id": student.clerk_id})

    mine.refresh_from_db()
    assert (mine.applicant_name, mine.ftn, mine.exam_id, mine.exam_site, mine.exam_id_hash) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert mine.score == 80 and list(mine.codes.values_list("code", flat=True)) == ["PA.I.A.K1"]
    theirs.refresh_from_db()
    assert theirs.applicant_name == "DOE, JANE" and theirs.exam_id_hash
    assert Report.objects.count() == 2
