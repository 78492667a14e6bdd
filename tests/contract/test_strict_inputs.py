"""Inputs the contract forbids are refused with a 4xx problem, never read loosely or answered 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from cfipros.api.request_guard import MAX_URL_BYTES
from tests.factories import ReportFactory, StudyPlanItemFactory, acs_element

PROBLEM = "application/problem+json"


def problem(response: object, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    assert response["Content-Type"] == PROBLEM  # type: ignore[index]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["request_id"]
    if code is not None:
        assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports?exam_code=%00",
        "/api/v1/acs-codes?search=wind%00shear",
        "/api/v1/acs-codes?edition=%FF%FE",
        "/api/v1/study-plans?status=%C3",
    ],
)
def test_a_nul_byte_or_bytes_not_utf8_in_a_query_string_is_400(student_client: APIClient, url: str) -> None:
    problem(student_client.get(url), 400, "malformed_query")


def test_a_nul_byte_in_a_path_is_400_before_the_database_sees_it(student_client: APIClient) -> None:
    problem(student_client.get("/api/v1/results/abc\x00def"), 400, "malformed_path")


def test_a_query_parameter_given_twice_is_400(student_client: APIClient) -> None:
    body = problem(student_client.get("/api/v1/reports?status=ok&status=needs_review"), 400)
    assert body["code"] == "repeated_parameter" and "status" in body["detail"]


def test_a_url_past_the_cap_is_414(anonymous_client: APIClient) -> None:
    problem(anonymous_client.get("/api/v1/acs-codes", {"search": "w" * MAX_URL_BYTES}), 414, "uri_too_long")


def test_a_clean_url_passes_the_guard(student_client: APIClient) -> None:
    assert student_client.get("/api/v1/reports?status=ok&limit=5").status_code == 200


@pytest.mark.parametrize(
    "query",
    [{"limit": 0}, {"limit": 201}, {"limit": "abc"}, {"limit": ""}, {"offset": -1}, {"offset": "1.5"}],
)
def test_a_page_outside_its_bounds_is_422_not_another_page(student_client: APIClient, query: dict) -> None:
    body = problem(student_client.get("/api/v1/reports", query), 422, "invalid_input")
    assert set(body["errors"]) == set(query)


def test_a_page_within_its_bounds_is_served(student_client: APIClient, student: User) -> None:
    ReportFactory.create_batch(3, owner=student)
    page = student_client.get("/api/v1/reports", {"limit": 1, "offset": 2}).json()
    assert (page["count"], len(page["results"])) == (3, 1)


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-1-5"},
        {"date_to": "20260105"},
        {"date_to": ""},
        {"status": ""},
        {"exam_code": " PAR"},
        {"exam_code": "PAR\n"},
    ],
)
def test_report_filters_read_only_what_the_contract_states(student_client: APIClient, query: dict) -> None:
    body = problem(student_client.get("/api/v1/reports", query), 422, "invalid_input")
    assert set(body["errors"]) == set(query)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"prefix": "P"},
        {"prefix": "PA "},
        {"prefix": "ßA"},
        {"element_type": "x"},
        {"exam": "Par"},
        {"area": ""},
        {"edition": "a\tb"},
        {"ordering": "area,,task"},
        {"ordering": " area"},
        {"ordering": "--area"},
    ],
)
def test_catalogue_filters_read_only_what_the_contract_states(
    anonymous_client: APIClient, query: dict
) -> None:
    problem(anonymous_client.get("/api/v1/acs-codes", query), 422)


@pytest.mark.django_db
def test_catalogue_letters_are_read_in_either_case(anonymous_client: APIClient) -> None:
    acs_element("PA.I.A.K1", area_title="Preflight", task_title="Qualifications", description="Certificates.")
    found = anonymous_client.get("/api/v1/acs-codes", {"prefix": "pa", "area": "i", "task": "a"}).json()
    assert [element["code"] for element in found["results"]] == ["PA.I.A.K1"]


@pytest.mark.django_db
def test_a_catalogue_code_outside_the_pattern_is_404_and_a_bad_edition_422(
    anonymous_client: APIClient,
) -> None:
    acs_element("PA.I.A.K1", area_title="Preflight", task_title="Qualifications", description="Certificates.")
    assert anonymous_client.get("/api/v1/acs-codes/PA.I.A.K1").status_code == 200
    problem(anonymous_client.get("/api/v1/acs-codes/PA.I.A.K1%20"), 404)
    problem(anonymous_client.get("/api/v1/acs-codes/PA.I.A.K1", {"edition": ""}), 422, "invalid_edition")


@pytest.mark.django_db
def test_if_none_match_star_never_stands_in_for_a_refusal(anonymous_client: APIClient) -> None:
    problem(anonymous_client.get("/api/v1/acs-codes", {"prefix": "P"}, HTTP_IF_NONE_MATCH="*"), 422)
    problem(anonymous_client.get("/api/v1/acs-codes/nothing-here", HTTP_IF_NONE_MATCH="*"), 404)
    refused = anonymous_client.get("/api/v1/acs-codes", HTTP_IF_NONE_MATCH="\x7f")
    problem(refused, 400, "invalid_if_none_match")
    assert anonymous_client.get("/api/v1/acs-codes", HTTP_IF_NONE_MATCH="*").status_code == 304


def test_a_plan_id_past_64_bits_matches_no_route(student_client: APIClient, student: User) -> None:
    item = StudyPlanItemFactory(section__plan__owner=student)
    assert student_client.get(f"/api/v1/study-plans/{item.plan.pk}").status_code == 200
    problem(student_client.get("/api/v1/study-plans/" + "9" * 20), 404)
    problem(student_client.get("/api/v1/study-plans/" + "9" * 5000), 404)


def test_report_ids_must_be_canonical_uuids(student_client: APIClient, student: User) -> None:
    report = ReportFactory(owner=student)
    problem(student_client.get(f"/api/v1/reports/{str(report.pk).replace('-', '')}xxxx"), 404)
    shifted = str(report.pk).replace("-", "")
    shifted = f"{shifted[:9]}-{shifted[9:13]}-{shifted[13:17]}-{shifted[17:21]}-{shifted[21:]}"
    problem(student_client.get(f"/api/v1/reports/{shifted}"), 404)
    assert student_client.get(f"/api/v1/reports/{report.pk}").status_code == 200


def test_a_batch_part_named_files_that_is_no_file_is_422(student_client: APIClient) -> None:
    response = student_client.post("/api/v1/batches", {"files": "not a file"}, format="multipart")
    problem(response, 422, "not_a_file")


def test_a_body_property_the_contract_does_not_know_is_422(student_client: APIClient, student: User) -> None:
    report = ReportFactory(owner=student)
    body = {"report_ids": [str(report.pk)], "hours_per_week": 4, "hours_per_day": 1}
    problem(student_client.post("/api/v1/study-plans", body, format="json"), 422)
    refused = student_client.post(f"/api/v1/reports/{report.pk}/share", {"days": "3"}, format="json")
    assert set(problem(refused, 422)["errors"]) == {"days"}


@pytest.mark.parametrize("name", ["", " ", "\n", "\u3000", "A\x00", "A" * 201])
def test_a_cohort_name_is_not_blank_and_counted_as_sent(name: str) -> None:
    from accounts.api.cohorts.serializers import CohortWriteSerializer

    assert not CohortWriteSerializer(data={"name": name, "student_ids": []}).is_valid()
    assert CohortWriteSerializer(data={"name": " A ", "student_ids": []}).is_valid()
