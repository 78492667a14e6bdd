"""Every problem answer of the study plan API, pinned: status, code, type, detail and field errors.

Clients match on these; moving the errors into the domain model must not change one of them.
Self-contained (plain rows, no shared helpers) so it reads as the contract it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, User
from extraction.models import Report, ReportCode

pytestmark = pytest.mark.django_db


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def stored_report(owner: User) -> Report:
    report = Report.objects.create(
        owner=owner,
        applicant_name="Jane Q Student",
        exam_code="PAR",
        exam_title="Private Pilot Airplane",
        exam_date=dt.date.today() - dt.timedelta(days=20),
        score=80,
        grade="PASS",
        take=1,
        code_kind="acs",
    )
    ReportCode.objects.create(report=report, code="PA.I.A.K1", raw="PA.I.A.K1", position=0)
    return report


def create_plan(user: User, report: Report) -> dict[str, Any]:
    response = client_for(user).post("/api/v1/study-plans", {"report_ids": [str(report.pk)]}, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_every_problem_keeps_its_status_code_type_and_detail() -> None:
    student = User.objects.create(username="student", clerk_id="user_student")
    other_student = User.objects.create(username="other", clerk_id="user_other")
    instructor = User.objects.create(username="cfi", clerk_id="user_cfi", role=User.Role.CFI)
    stranger = User.objects.create(username="stranger", clerk_id="user_stranger")
    school = Organization.objects.create(clerk_id="org_1", name="Flight School")
    for member, role in ((student, "student"), (other_student, "student"), (instructor, "instructor")):
        Membership.objects.create(user=member, organization=school, role=role)
    report, theirs = stored_report(student), stored_report(other_student)
    body = create_plan(student, report)
    plan = f"/api/v1/study-plans/{body['id']}"
    item = f"{plan}/items/{body['sections'][0]['items'][0]['id']}"
    endorsement = f"/api/v1/reports/{report.pk}/endorsement"
    plans = "/api/v1/study-plans"
    cases = [
        (
            client_for(stranger).post(plans, {"report_ids": [str(report.pk)]}, format="json"),
            (
                404,
                "report_not_found",
                "report-not-found",
                f"No report with id {report.pk} is visible to you.",
            ),
            None,
        ),
        (
            client_for(instructor).post(
                plans, {"report_ids": [str(report.pk), str(theirs.pk)]}, format="json"
            ),
            (
                422,
                "reports_of_different_owners",
                "reports-of-different-owners",
                "A study plan is built from the reports of one person.",
            ),
            None,
        ),
        (
            client_for(stranger).get(plan),
            (404, "not_found", "not-found", "No study plan with this id is visible to you."),
            None,
        ),
        (
            client_for(student).patch(f"{plan}/items/999999", {"done": True}, format="json"),
            (404, "not_found", "not-found", "This plan has no item with this id."),
            None,
        ),
        (
            client_for(instructor).patch(item, {"done": True}, format="json"),
            (403, "read_only", "read-only", "Only the plan's owner records progress on it."),
            None,
        ),
        (
            client_for(student).get(plans + "?status=paused"),
            (422, "invalid_input", "invalid-input", "Unknown status 'paused'."),
            {"status": ["Must be one of: active, completed."]},
        ),
        (
            client_for(student).get(f"{plan}/export"),
            (422, "invalid_format", "invalid-format", "Give ?format=pdf|csv|ics."),
            None,
        ),
        (
            client_for(student).get(f"{plan}/export?format=docx"),
            (422, "invalid_format", "invalid-format", "Unknown format 'docx'; use one of: pdf, csv, ics."),
            {"format": ["Must be one of: pdf, csv, ics."]},
        ),
        (
            client_for(stranger).get(endorsement),
            (404, "not_found", "not-found", "No report with this id is visible to you."),
            None,
        ),
        (
            client_for(student).get(endorsement + "?format=xml"),
            (422, "invalid_format", "invalid-format", "Unknown format 'xml'; use one of: json, text."),
            {"format": ["Must be one of: json, text."]},
        ),
    ]
    for response, (status, code, slug, detail), errors in cases:
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert (response.status_code, problem["status"], problem["code"], problem["detail"]) == (
            status,
            status,
            code,
            detail,
        )
        assert problem["type"] == "https://cfipros.com/problems/" + slug
        assert problem.get("errors") == errors
