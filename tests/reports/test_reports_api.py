"""Report history: visibility, filters, order, pagination, delete, and a bounded query count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from extraction.models import AcsElement, Report
from extraction.reports.services import report_create_from_result
from tests.factories import ExtractionResultFactory
from tests.personas import client_for

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def make_report(owner: User | None, n: int = 0, **overrides: object) -> Report:
    codes = ["PA.I.A.K1", f"PA.II.B.K{n % 9 + 1}", "PLT058"]
    result = ExtractionResultFactory(
        applicant_name="DOE, JANE",
        exam_id=f"{100000000000000000 + n}",
        exam_code="PAR",
        exam_title="Private Pilot Airplane (PAR)",
        exam_date=(date(2026, 1, 1) + timedelta(days=n)).isoformat(),
        score=70 + n % 30,
        grade="PASS",
        take=1,
        code_kind="acs",
        codes=codes,
        confidence=0.99,
    )
    for name, value in overrides.items():
        setattr(result, name, value)
    return report_create_from_result(owner=owner, result=result)


def ids(response_json: dict[str, object]) -> list[str]:
    results = response_json["results"]
    assert isinstance(results, list)
    return [r["id"] for r in results]


def test_list_requires_sign_in() -> None:
    response = client_for(None).get("/api/v1/reports")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_visibility_owner_instructor_admin_and_strangers(
    student: User, instructor: User, school_admin: User, stranger: User
) -> None:
    mine = make_report(student, 1)
    theirs = make_report(stranger, 2)
    make_report(None, 3)
    assert ids(client_for(student).get("/api/v1/reports").json()) == [str(mine.pk)]
    assert ids(client_for(instructor).get("/api/v1/reports").json()) == [str(mine.pk)]
    assert ids(client_for(school_admin).get("/api/v1/reports").json()) == [str(mine.pk)]
    assert ids(client_for(stranger).get("/api/v1/reports").json()) == [str(theirs.pk)]

    assert client_for(instructor).get(f"/api/v1/reports/{mine.pk}").status_code == 200
    for user in (stranger,):
        response = client_for(user).get(f"/api/v1/reports/{mine.pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == PROBLEM


def test_a_students_instructor_in_another_org_sees_nothing(student: User, school: object) -> None:
    from accounts.models import Membership, Organization

    org = Organization.objects.create(clerk_id="org_other", name="Other School")
    cfi = User.objects.create(username="other_cfi")
    Membership.objects.create(user=cfi, organization=org, role=Membership.Role.INSTRUCTOR)
    make_report(student, 1)
    assert ids(client_for(cfi).get("/api/v1/reports").json()) == []


def test_detail_shows_personal_fields_and_codes(student: User, pa_element: AcsElement) -> None:
    report = make_report(student, 4)
    body = client_for(student).get(f"/api/v1/reports/{report.pk}").json()
    assert body["applicant_name"] == "DOE, JANE"
    assert body["exam_id"] == "100000000000000004"
    assert body["codes"] == ["PA.I.A.K1", "PA.II.B.K5", "PLT058"]
    assert body["codes_detail"][0]["description"] == pa_element.description
    assert body["codes_detail"][2]["description"] == ""


def test_malformed_id_is_404(student: User) -> None:
    response = client_for(student).get("/api/v1/reports/not-a-uuid")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_newest_first_and_limit_offset(student: User) -> None:
    reports = [make_report(student, n) for n in range(5)]
    newest_first = [str(r.pk) for r in reversed(reports)]
    page = client_for(student).get("/api/v1/reports", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 5
    assert ids(page) == newest_first[1:3]


def test_filters(student: User) -> None:
    jan = make_report(student, 0)
    feb = make_report(student, 40, exam_code="IRA")
    review = make_report(student, 80, review=True, review_reasons=["field_missing:score"])
    client = client_for(student)
    assert ids(client.get("/api/v1/reports", {"exam_code": "ira"}).json()) == [str(feb.pk)]
    assert set(ids(client.get("/api/v1/reports", {"date_from": "2026-02-01"}).json())) == {
        str(feb.pk),
        str(review.pk),
    }
    assert ids(client.get("/api/v1/reports", {"date_to": "2026-01-31"}).json()) == [str(jan.pk)]
    assert ids(client.get("/api/v1/reports", {"status": "needs_review"}).json()) == [str(review.pk)]
    bad = client.get("/api/v1/reports", {"date_from": "yesterday"})
    assert bad.status_code == 422
    assert bad["Content-Type"] == PROBLEM
    assert "date_from" in bad.json()["errors"]


def test_owner_deletes_instructor_may_not_stranger_gets_404(
    student: User, instructor: User, stranger: User
) -> None:
    report = make_report(student, 1)
    assert client_for(stranger).delete(f"/api/v1/reports/{report.pk}").status_code == 404
    forbidden = client_for(instructor).delete(f"/api/v1/reports/{report.pk}")
    assert forbidden.status_code == 403
    assert forbidden["Content-Type"] == PROBLEM
    assert client_for(student).delete(f"/api/v1/reports/{report.pk}").status_code == 204
    assert not Report.objects.filter(pk=report.pk).exists()
    assert client_for(student).get(f"/api/v1/reports/{report.pk}").status_code == 404


@pytest.mark.parametrize("count", [3, 60])
def test_list_query_count_does_not_grow_with_the_page(
    count: int, student: User, instructor: User, pa_element: AcsElement
) -> None:
    for n in range(count):
        flagged = n % 2 == 0
        make_report(student, n, review=flagged, review_reasons=["low_ocr_confidence"] if flagged else [])
    client = client_for(instructor)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/reports", {"limit": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == count
    assert all(len(r["codes_detail"]) == 3 for r in response.json()["results"])
    assert sum(r["review"] for r in response.json()["results"]) == (count + 1) // 2
    assert all(
        r["review_reasons"] == (["low_ocr_confidence"] if r["review"] else [])
        for r in response.json()["results"]
    )
    assert len(queries) <= 5, [q["sql"] for q in queries]


def test_detail_query_count(student: User) -> None:
    report = make_report(student, 1)
    client = client_for(student)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/reports/{report.pk}").status_code == 200
    assert len(queries) <= 5
