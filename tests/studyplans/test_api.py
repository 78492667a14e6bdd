"""Study plan API: generation bars, visibility, progress, exports and the endorsement draft."""

from __future__ import annotations

import csv
import datetime as dt
import io

import icalendar
import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from studyplans.models import StudyPlan, StudyPlanItem
from tests.factories import ReportFactory
from tests.personas import client_for
from tests.studyplans.conftest import catalog_codes, load_prefixes

pytestmark = pytest.mark.django_db

EXAMS = {
    "PA": ("PAR", "Private Pilot Airplane"),
    "IR": ("IRA", "Instrument Rating Airplane"),
    "CA": ("CAX", "Commercial Pilot Airplane"),
}


def fifteen_codes(prefix: str) -> list[str]:
    """15 real codes spread over the catalogue, so they fall in many tasks and areas."""
    codes = catalog_codes(prefix)
    step = len(codes) // 15
    return [codes[i * step] for i in range(15)]


def create_plan(user: User, report_ids: list[str], **body: object) -> dict:
    response = client_for(user).post("/api/v1/study-plans", {"report_ids": report_ids, **body}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"/api/v1/study-plans/{body['id']}"
    return body


@pytest.mark.parametrize("prefix", ["PA", "IR", "CA"])
def test_fifteen_code_plan_meets_the_bars(prefix: str, student: User) -> None:
    load_prefixes(prefix)
    codes = fifteen_codes(prefix)
    exam_code, title = EXAMS[prefix]
    report = ReportFactory(owner=student, codes=codes, exam_code=exam_code, exam_title=title)
    body = create_plan(student, [str(report.pk)])
    items = [item for section in body["sections"] for item in section["items"]]
    assert sorted(item["code"] for item in items) == sorted(codes)
    assert len(body["sections"]) >= 3
    with_resources = [item for item in items if item["resources"]]
    assert len(with_resources) / len(items) >= 0.9
    assert body["status"] == "active"
    assert body["total_minutes"] == sum(item["estimated_minutes"] for item in items)
    scheduled = [entry["id"] for week in body["schedule"] for entry in week["items"]]
    assert sorted(scheduled) == sorted(item["id"] for item in items)
    assert body["progress"]["total_items"] == 15
    assert {"title", "area", "task", "priority", "estimated_minutes", "items"} <= set(body["sections"][0])
    assert {"id", "code", "description", "element_type", "resources", "estimated_minutes", "done"} <= set(
        items[0]
    )


def test_codes_from_several_reports_are_merged(student: User) -> None:
    load_prefixes("PA")
    first = ReportFactory(owner=student, codes=["PA.I.C.K1", "PA.I.A.K1"])
    second = ReportFactory(owner=student, codes=["PA.I.C.K1", "PA.II.A.K1", "PLT001", "XX.I.A.K1"])
    body = create_plan(student, [str(first.pk), str(second.pk)], hours_per_week=2)
    codes = [i["code"] for s in body["sections"] for i in s["items"]]
    assert sorted(codes) == sorted(["PA.I.C.K1", "PA.I.A.K1", "PA.II.A.K1", "PLT001", "XX.I.A.K1"])
    assert body["sections"][0]["title"].startswith("PA.I.C")
    review = [i for s in body["sections"] for i in s["items"] if i["code"] in ("PLT001", "XX.I.A.K1")]
    assert all("instructor" in i["description"].lower() for i in review)


def test_target_date_warnings(student: User) -> None:
    load_prefixes("PA")
    report = ReportFactory(
        owner=student, codes=["PA.I.C.K1"], exam_date=dt.date.today().replace(day=1) - dt.timedelta(days=700)
    )
    target = dt.date.today() + dt.timedelta(days=90)
    body = create_plan(student, [str(report.pk)], target_date=target.isoformat())
    assert "target_after_expiry" in {w["code"] for w in body["warnings"]}


def test_a_target_date_already_past_is_a_warning_not_a_refusal(student: User) -> None:
    """The contract's ``date`` format cannot say "not before today", so a past date is accepted
    and the plan says there is no time left; the schedule starts today as usual."""
    load_prefixes("PA")
    report = ReportFactory(owner=student, codes=["PA.I.C.K1"])
    body = create_plan(student, [str(report.pk)], target_date="2000-01-01")
    warnings = {w["code"]: w["message"] for w in body["warnings"]}
    assert "target_date_passed" in warnings
    assert "not_enough_time" not in warnings
    assert body["target_date"] == "2000-01-01"
    assert body["start_date"] == dt.date.today().isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "report_ids"),
        ({"report_ids": []}, "report_ids"),
        ({"report_ids": ["not-a-uuid"]}, "report_ids"),
        ({"report_ids": ["00000000-0000-0000-0000-000000000001"], "hours_per_week": 0}, "hours_per_week"),
        (
            {"report_ids": ["00000000-0000-0000-0000-000000000001"], "target_date": "01/02/2030"},
            "target_date",
        ),
        (
            {"report_ids": ["00000000-0000-0000-0000-000000000001"], "target_date": "20300102"},
            "target_date",
        ),
        ({"report_ids": ["00000000000000000000000000000001"]}, "report_ids"),
    ],
)
def test_invalid_create_body_is_422(student: User, body: dict, field: str) -> None:
    response = client_for(student).post("/api/v1/study-plans", body, format="json")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_reports_of_others_are_404_and_mixed_owners_422(
    student: User, other_student: User, stranger: User, instructor: User
) -> None:
    mine = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    theirs = ReportFactory(owner=other_student, codes=["PA.I.A.K1"])
    response = client_for(stranger).post("/api/v1/study-plans", {"report_ids": [str(mine.pk)]}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    response = client_for(instructor).post(
        "/api/v1/study-plans", {"report_ids": [str(mine.pk), str(theirs.pk)]}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "reports_of_different_owners"


def test_instructor_generates_a_plan_owned_by_the_student(student: User, instructor: User) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    body = create_plan(instructor, [str(report.pk)])
    assert StudyPlan.objects.get(pk=body["id"]).owner == student
    assert client_for(student).get(f"/api/v1/study-plans/{body['id']}").status_code == 200


def test_visibility_of_plans(
    student: User, instructor: User, school_admin: User, stranger: User, other_student: User
) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    plan_id = create_plan(student, [str(report.pk)])["id"]
    for viewer in (student, instructor, school_admin):
        assert client_for(viewer).get(f"/api/v1/study-plans/{plan_id}").status_code == 200
        assert client_for(viewer).get("/api/v1/study-plans").json()["count"] == 1
    for outsider in (stranger, other_student):
        response = client_for(outsider).get(f"/api/v1/study-plans/{plan_id}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert client_for(outsider).get("/api/v1/study-plans").json()["count"] == 0
    assert client_for(student).get("/api/v1/study-plans/abc").status_code == 404


def test_anonymous_is_401(client) -> None:
    response = client.get("/api/v1/study-plans")
    assert response.status_code == 401


def test_list_is_paginated_without_n_plus_one(student: User) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1", "PA.I.B.K1"])
    create_plan(student, [str(report.pk)])
    client = client_for(student)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/study-plans").status_code == 200
    for _ in range(4):
        create_plan(student, [str(report.pk)])
    with CaptureQueriesContext(connection) as five:
        body = client.get("/api/v1/study-plans?limit=3").json()
    assert len(one) == len(five)
    assert body["count"] == 5
    assert len(body["results"]) == 3
    assert body["results"][0]["progress"] == {"done_items": 0, "total_items": 2, "percent": 0.0}
    assert body["results"][0]["report_ids"] == [str(report.pk)]


def test_patch_progress_completes_and_reopens_the_plan(student: User) -> None:
    load_prefixes("PA")
    report = ReportFactory(owner=student, codes=["PA.I.A.K1", "PA.III.A.K1"])
    body = create_plan(student, [str(report.pk)])
    items = [i for s in body["sections"] for i in s["items"]]
    client = client_for(student)
    url = f"/api/v1/study-plans/{body['id']}/items"
    first = client.patch(f"{url}/{items[0]['id']}", {"done": True, "minutes_spent": 25}, format="json").json()
    assert first["item"]["done"] is True and first["item"]["done_at"]
    assert first["plan_status"] == "active"
    assert first["progress"]["done_items"] == 1
    second = client.patch(f"{url}/{items[1]['id']}", {"done": True}, format="json").json()
    assert second["plan_status"] == "completed"
    assert second["progress"]["percent"] == 100.0
    assert {a["area"] for a in second["progress"]["areas"]} == {"I", "III"}
    assert StudyPlan.objects.get(pk=body["id"]).status == "completed"
    undone = client.patch(f"{url}/{items[1]['id']}", {"done": False}, format="json").json()
    assert undone["plan_status"] == "active"
    assert undone["item"]["done_at"] is None
    detail = client.get(f"/api/v1/study-plans/{body['id']}").json()
    assert detail["progress"]["minutes_spent"] == 25


@pytest.mark.parametrize(
    "payload",
    [{}, {"done": "maybe"}, {"minutes_spent": -1}, {"minutes_spent": "ten"}, {"done": True, "extra": 1}],
)
def test_patch_validation_is_422(student: User, payload: dict) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    body = create_plan(student, [str(report.pk)])
    item_id = body["sections"][0]["items"][0]["id"]
    response = client_for(student).patch(
        f"/api/v1/study-plans/{body['id']}/items/{item_id}", payload, format="json"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_only_the_owner_records_progress(student: User, instructor: User, stranger: User) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    body = create_plan(student, [str(report.pk)])
    item_id = body["sections"][0]["items"][0]["id"]
    url = f"/api/v1/study-plans/{body['id']}/items/{item_id}"
    response = client_for(instructor).patch(url, {"done": True}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "read_only"
    assert client_for(stranger).patch(url, {"done": True}, format="json").status_code == 404
    missing = f"/api/v1/study-plans/{body['id']}/items/999999"
    assert client_for(student).patch(missing, {"done": True}, format="json").status_code == 404
    assert not StudyPlanItem.objects.get(pk=item_id).done


def _plan_with_report(student: User) -> tuple[dict, list[str]]:
    load_prefixes("PA")
    codes = [*fifteen_codes("PA"), "PLT123"]
    report = ReportFactory(owner=student, codes=codes)
    return create_plan(student, [str(report.pk)], hours_per_week=2), codes


def test_pdf_export_has_every_item(student: User) -> None:
    body, codes = _plan_with_report(student)
    response = client_for(student).get(f"/api/v1/study-plans/{body['id']}/export?format=pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = pypdfium2.PdfDocument(response.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for code in codes:
        assert code in text
    assert "Private Pilot Airplane" in text and "Schedule" in text


def test_csv_export_has_one_row_per_item(student: User) -> None:
    body, codes = _plan_with_report(student)
    response = client_for(student).get(f"/api/v1/study-plans/{body['id']}/export?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert sorted(row["code"] for row in rows) == sorted(codes)


def test_csv_export_neutralizes_spreadsheet_formulas(student: User) -> None:
    body, _ = _plan_with_report(student)
    StudyPlanItem.objects.filter(plan_id=body["id"]).update(description="=HYPERLINK(1)")
    response = client_for(student).get(f"/api/v1/study-plans/{body['id']}/export?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows and all(row["description"] == "'=HYPERLINK(1)" for row in rows)


def test_ics_export_has_one_event_per_week(student: User, instructor: User) -> None:
    body, _ = _plan_with_report(student)
    response = client_for(instructor).get(f"/api/v1/study-plans/{body['id']}/export?format=ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(body["schedule"]) > 1
    starts = sorted(event.decoded("dtstart") for event in events)
    assert starts == [dt.date.fromisoformat(week["week_start"]) for week in body["schedule"]]


@pytest.mark.parametrize("query", ["?format=docx", "", "?format="])
def test_bad_export_format_is_422(student: User, query: str) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    body = create_plan(student, [str(report.pk)])
    response = client_for(student).get(f"/api/v1/study-plans/{body['id']}/export{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_format"


def test_export_of_invisible_plan_is_404(student: User, stranger: User) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    body = create_plan(student, [str(report.pk)])
    assert client_for(stranger).get(f"/api/v1/study-plans/{body['id']}/export?format=pdf").status_code == 404


def test_endorsement_text_and_json(student: User, instructor: User) -> None:
    load_prefixes("PA")
    report = ReportFactory(
        owner=student,
        codes=["PA.I.C.K1", "PA.I.C.K2", "PA.III.A.K1", "PLT001"],
        exam_date=dt.date(2026, 4, 3),
    )
    url = f"/api/v1/reports/{report.pk}/endorsement"
    body = client_for(student).get(url).json()
    assert body["applicant_name"] == "Jane Q Student"
    assert body["regulation"] == "14 CFR 61.39(a)(6)(iii)"
    assert [a["area"] for a in body["areas"]] == ["I", "III"]
    assert body["areas"][0]["tasks"][0]["title"] == "Weather Information"
    assert body["areas"][0]["tasks"][0]["codes"] == ["PA.I.C.K1", "PA.I.C.K2"]
    assert body["other_codes"] == ["PLT001"]
    assert body["expiration_date"] == "2028-04-30"
    text = client_for(instructor).get(url + "?format=text")
    assert text.status_code == 200
    assert text["Content-Type"].startswith("text/plain")
    content = text.content.decode()
    for expected in (
        "Jane Q Student",
        "Private Pilot Airplane (PAR)",
        "Weather Information",
        "61.39",
        "Preflight Preparation",
        "Instructor signature",
        "Certificate number",
        "PLT001",
    ):
        assert expected in content
    accept = client_for(student).get(url, HTTP_ACCEPT="text/plain")
    assert accept["Content-Type"].startswith("text/plain")


def test_endorsement_visibility_and_format(student: User, stranger: User, other_student: User) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    url = f"/api/v1/reports/{report.pk}/endorsement"
    for outsider in (stranger, other_student):
        response = client_for(outsider).get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
    bad = client_for(student).get(url + "?format=xml")
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"


def test_report_without_codes_gives_an_empty_completed_plan(student: User) -> None:
    report = ReportFactory(owner=student, codes=[], score=100)
    body = create_plan(student, [str(report.pk)])
    assert body["sections"] == [] and body["schedule"] == []
    assert body["status"] == "completed"
    assert body["progress"]["percent"] == 100.0
    text = client_for(student).get(f"/api/v1/reports/{report.pk}/endorsement?format=text").content.decode()
    assert "no deficient subject areas" in text


def test_duplicate_report_ids_count_once(student: User) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    body = create_plan(student, [str(report.pk), str(report.pk)])
    assert body["report_ids"] == [str(report.pk)]


def test_list_filters_by_status(student: User) -> None:
    report = ReportFactory(owner=student, codes=["PA.I.A.K1"])
    body = create_plan(student, [str(report.pk)])
    create_plan(student, [str(report.pk)])
    item_id = body["sections"][0]["items"][0]["id"]
    client = client_for(student)
    client.patch(f"/api/v1/study-plans/{body['id']}/items/{item_id}", {"done": True}, format="json")
    completed = client.get("/api/v1/study-plans?status=completed").json()
    assert [plan["id"] for plan in completed["results"]] == [body["id"]]
    assert client.get("/api/v1/study-plans?status=active").json()["count"] == 1
    bad = client.get("/api/v1/study-plans?status=archived")
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"


def test_detail_query_count_does_not_grow_with_items(student: User) -> None:
    load_prefixes("PA")
    small = create_plan(student, [str(ReportFactory(owner=student, codes=fifteen_codes("PA")[:2]).pk)])
    large = create_plan(student, [str(ReportFactory(owner=student, codes=fifteen_codes("PA")).pk)])
    client = client_for(student)
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/study-plans/{plan['id']}").status_code == 200
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as export:
            assert client.get(f"/api/v1/study-plans/{plan['id']}/export?format=csv").status_code == 200
        counts.append(len(export))
    assert counts[0] == counts[2] and counts[1] == counts[3]
