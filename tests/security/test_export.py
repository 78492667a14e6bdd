"""Issue 11, item 10: ``GET /api/v1/me/export`` gives a person all of their data as one JSON document.

Before, nothing did. The export holds the profile with its organizations, every report the person
owns with its codes, every batch with its files, every study plan with its items and progress;
nothing of anyone else, and no share token (a live link, not data about the person).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.cohorts.services import cohort_create
from accounts.links.services import invitation_accept, invitation_create
from accounts.models import Invitation, User
from extraction.models import Report
from studyplans.models import StudyPlanItem
from studyplans.plans.services import study_plan_create
from tests.factories import BatchFactory, BatchFileFactory, ReportFactory, UserFactory
from tests.personas import client_for

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/me/export"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


def export(user: User) -> dict[str, Any]:
    response = client_for(user).get(EXPORT)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    document: dict[str, Any] = json.loads(b"".join(response.streaming_content))
    return document


def give_data(user: User, *, reports: int) -> list[Report]:
    """``reports`` reports with codes, a plan over the first with some progress, a batch per report."""
    owned = [
        ReportFactory(
            owner=user, applicant_name=f"Pilot {i}", ftn=f"FTN{i}", codes=["PA.I.A.K1", f"PA.I.B.K{i + 1}"]
        )
        for i in range(reports)
    ]
    plan = study_plan_create(user=user, report_ids=[owned[0].pk])
    StudyPlanItem.objects.filter(pk=plan.items.order_by("position").first().pk).update(
        done=True, minutes_spent=40
    )
    for report in owned:
        BatchFileFactory(
            batch=BatchFactory(owner=user, total_files=1), name=f"{report.ftn}.pdf", report=report
        )
    return owned


def test_the_export_contains_every_report_of_the_user(student, school, instructor) -> None:
    mine = give_data(student, reports=7)
    give_data(instructor, reports=2)
    document = export(student)
    assert document["format"] == "cfipros-export/1"
    assert document["profile"]["email"] == student.email
    assert document["profile"]["contribute_to_statistics"] is True
    assert document["profile"]["organizations"] == [
        {
            "id": school.pk,
            "name": school.name,
            "role": "student",
            "since": document["profile"]["organizations"][0]["since"],
        }
    ]
    assert sorted(r["id"] for r in document["reports"]) == sorted(str(r.pk) for r in mine)
    by_id = {r["id"]: r for r in document["reports"]}
    for report in mine:
        row = by_id[str(report.pk)]
        assert (row["applicant_name"], row["ftn"]) == (report.applicant_name, report.ftn)
        assert [c["code"] for c in row["codes"]] == list(
            report.codes.order_by("position").values_list("code", flat=True)
        )
    assert "share_token" not in json.dumps(document)


def test_the_export_carries_plans_with_progress_and_batches_with_files(student) -> None:
    mine = give_data(student, reports=3)
    document = export(student)
    [plan] = document["study_plans"]
    assert plan["report_ids"] == [str(mine[0].pk)]
    assert plan["progress"]["done"] == 1 and plan["progress"]["minutes_spent"] == 40
    assert plan["progress"]["items"] == len(plan["items"]) >= 1
    assert [item["done"] for item in plan["items"]].count(True) == 1
    assert len(document["batches"]) == 3
    names = sorted(f["name"] for b in document["batches"] for f in b["files"])
    assert names == sorted(f"{r.ftn}.pdf" for r in mine)
    assert {f["report_id"] for b in document["batches"] for f in b["files"]} == {str(r.pk) for r in mine}


def test_the_export_carries_links_and_invitations_without_tokens(student, stranger) -> None:
    stranger.role = User.Role.CFI
    stranger.save(update_fields=["role"])
    invitation = invitation_create(
        inviter=stranger, inviter_as=Invitation.Side.INSTRUCTOR, email=student.email
    )
    invitation_accept(token=invitation.token, user=student)
    invitation_create(inviter=student, inviter_as=Invitation.Side.STUDENT, email="cfi@example.com")
    profile = export(student)["profile"]
    assert [(link["instructor"], link["status"]) for link in profile["links"]] == [(stranger.email, "active")]
    assert sorted((i["sent_by_you"], i["status"]) for i in profile["invitations"]) == [
        (False, "accepted"),
        (True, "pending"),
    ]
    assert invitation.token not in json.dumps(profile)
    stranger_profile = export(stranger)["profile"]
    assert stranger_profile["cohorts"] == []
    cohort_create(owner=stranger, name="Evening ground school", student_ids=[student.pk])
    [cohort] = export(stranger)["profile"]["cohorts"]
    assert (cohort["name"], cohort["students"]) == ("Evening ground school", 1)


def test_the_export_says_which_reports_a_third_party_saw(student) -> None:
    seen, unseen = ReportFactory(owner=student), ReportFactory(owner=student)
    Report.objects.filter(pk=seen.pk).update(third_party_recipient="api.openai.com")
    rows = {row["id"]: row for row in export(student)["reports"]}
    assert rows[str(seen.pk)]["third_party_recipient"] == "api.openai.com"
    assert rows[str(unseen.pk)]["third_party_recipient"] is None


def test_an_instructor_exports_their_own_data_not_their_students(student, school, instructor) -> None:
    give_data(student, reports=2)
    document = export(instructor)
    assert document["reports"] == [] and document["batches"] == [] and document["study_plans"] == []
    assert document["profile"]["organizations"][0]["role"] == "instructor"


def queries_for_export(user: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        export(user)
    return len(queries)


def test_the_export_costs_the_same_queries_for_2_or_12_of_everything() -> None:
    small, large = UserFactory(), UserFactory()
    give_data(small, reports=2)
    for report in give_data(large, reports=12)[1:]:
        study_plan_create(user=large, report_ids=[report.pk])
    assert queries_for_export(large) == queries_for_export(small)


def test_a_large_export_is_streamed_in_pieces(student, monkeypatch) -> None:
    monkeypatch.setattr("accounts.exports.PIECE_CHARS", 512)
    give_data(student, reports=6)
    response = client_for(student).get(EXPORT)
    pieces = list(response.streaming_content)
    assert len(pieces) > 3
    assert len(json.loads(b"".join(pieces))["reports"]) == 6


def test_the_export_needs_a_signed_in_user(anonymous_client) -> None:
    response = anonymous_client.get(EXPORT)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_exports_are_throttled_per_user(student, stranger) -> None:
    client = client_for(student)
    for _ in range(20):
        assert client.get(EXPORT).status_code == 200
    refused = client.get(EXPORT)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert client_for(stranger).get(EXPORT).status_code == 200
