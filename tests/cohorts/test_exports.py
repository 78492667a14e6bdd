"""A cohort's export (the heatmap as CSV, a PDF with heatmap and top misses) and the plan features
that open cohorts, analytics and exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pypdfium2 as pdfium
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.cohorts.services import cohort_create
from accounts.models import Plan, User
from tests.factories import AcsElementFactory, ReportFactory, UserFactory
from tests.links.conftest import accept, invite
from tests.personas import client_for

pytestmark = pytest.mark.django_db

CODES = ["PA.I.A.K1", "PA.I.B.K2", "PA.II.A.R1", "PA.III.A.K1", "PA.VII.A.K3", "IR.II.B.S1"]


@pytest.fixture(autouse=True)
def _catalogue(db: None) -> None:
    for code in CODES:
        AcsElementFactory(code=code, description=f"Element {code} described")


@pytest.fixture
def cfi(db: None) -> User:
    return UserFactory(username="export_cfi", role=User.Role.CFI, clerk_plan="cfi")


def _cohort(cfi: User, students: int, *, tag: str = "") -> tuple[int, list[User]]:
    """A cohort of ``students`` linked students, each with reports missing a few of the codes."""
    pupils = [
        UserFactory(username=f"pupil{tag}{n}", first_name=f"\u00c9lodie{tag}{n}", last_name="\u0110\u1eb7ng")
        for n in range(students)
    ]
    for n, pupil in enumerate(pupils):
        accept(client_for(pupil), invite(client_for(cfi))["token"])
        ReportFactory(owner=pupil, score=60 + n, grade="PASS" if n % 2 else "FAIL", codes=CODES[: 1 + n % 6])
    cohort = cohort_create(owner=cfi, name="Tuesday \u2014 ground school", student_ids=[p.pk for p in pupils])
    return cohort.pk, pupils


def _pdf_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


def test_the_csv_is_the_heatmap_of_the_analytics(cfi: User) -> None:
    cohort_id, pupils = _cohort(cfi, 4)
    client = client_for(cfi)
    response = client.get(f"/api/v1/cohorts/{cohort_id}/export", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="cohort-{cohort_id}.csv"'
    heatmap = client.get(f"/api/v1/cohorts/{cohort_id}/analytics").json()["heatmap"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["student_id", "student", *heatmap["areas"], "total"]
    assert [[int(v) for v in row[2:-1]] for row in rows[1:]] == heatmap["cells"]
    assert [int(row[0]) for row in rows[1:]] == [s["id"] for s in heatmap["students"]]
    assert [int(row[-1]) for row in rows[1:]] == [sum(cells) for cells in heatmap["cells"]]
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(p.pk for p in pupils)


def test_the_pdf_draws_the_heatmap_and_the_top_misses(cfi: User) -> None:
    cohort_id, pupils = _cohort(cfi, 7)
    client = client_for(cfi)
    response = client.get(f"/api/v1/cohorts/{cohort_id}/export", {"format": "pdf", "exam": "PAR"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    figures = client.get(f"/api/v1/cohorts/{cohort_id}/analytics", {"exam": "PAR"}).json()
    assert figures["codes"]
    for code in figures["codes"]:
        assert code["code"] in text
        assert code["description"] in text
    for area in figures["heatmap"]["areas"]:
        assert area in text
    for pupil in pupils:  # the names the dashboard shows, folded to what the core font prints
        assert f"\u00c9lodie{pupil.username[len('pupil') :]} Dang" in text
    assert "Cohort report: Tuesday - ground school" in text
    assert "Over exam PAR." in text
    assert f"Students: {figures['students']}. Reports: {figures['reports']}." in text


def test_a_large_cohort_breaks_the_heatmap_across_pages_with_a_fixed_number_of_queries(cfi: User) -> None:
    client = client_for(cfi)

    def export(cohort_id: int) -> tuple[int, bytes]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/cohorts/{cohort_id}/export", {"format": "pdf"})
        assert response.status_code == 200
        return len(queries), response.content

    small, _ = _cohort(cfi, 1, tag="s")
    large, pupils = _cohort(cfi, 70, tag="l")
    small_queries, _ = export(small)
    large_queries, data = export(large)
    assert small_queries == large_queries <= 12
    document = pdfium.PdfDocument(data)
    assert len(document) >= 2
    document.close()
    text = _pdf_text(data)
    assert f"\u00c9lodie{pupils[-1].username[len('pupil') :]} Dang" in text
    # The heatmap's header row starts each page it runs onto.
    assert text.count("Student ") >= 2


@pytest.mark.parametrize("query", [{}, {"format": "xlsx"}, {"format": "csv", "since": "2025-13-01"}])
def test_a_bad_query_is_422(cfi: User, query: dict[str, str]) -> None:
    cohort_id, _ = _cohort(cfi, 1)
    response = client_for(cfi).get(f"/api/v1/cohorts/{cohort_id}/export", query)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_someone_elses_cohort_export_is_404(cfi: User, stranger_client: APIClient) -> None:
    cohort_id, _ = _cohort(cfi, 1)
    _problem(
        stranger_client.get(f"/api/v1/cohorts/{cohort_id}/export", {"format": "csv"}), 404, "cohort_not_found"
    )


def test_an_instructor_without_a_plan_with_cohorts_gets_403_plan_required(stranger: User) -> None:
    stranger.role = User.Role.CFI
    stranger.save(update_fields=["role"])
    client = client_for(stranger)
    body = _problem(
        client.post("/api/v1/cohorts", {"name": "A", "student_ids": []}, format="json"), 403, "plan_required"
    )
    assert body["required_plan"] == "cfi"
    # A cohort kept from a plan that had cohorts: still listed, readable and deletable; not changed
    # or analysed.
    cohort = cohort_create(owner=stranger, name="Kept", student_ids=[])
    assert [c["id"] for c in client.get("/api/v1/cohorts").json()["results"]] == [cohort.pk]
    assert client.get(f"/api/v1/cohorts/{cohort.pk}").status_code == 200
    _problem(client.patch(f"/api/v1/cohorts/{cohort.pk}", {"name": "B"}, format="json"), 403, "plan_required")
    body = _problem(client.get(f"/api/v1/cohorts/{cohort.pk}/analytics"), 403, "plan_required")
    assert body["required_plan"] == "student_pro"
    _problem(client.get(f"/api/v1/cohorts/{cohort.pk}/export", {"format": "pdf"}), 403, "plan_required")
    assert client.delete(f"/api/v1/cohorts/{cohort.pk}").status_code == 204


def test_someone_elses_cohort_stays_404_whatever_the_callers_plan(
    cfi: User, stranger_client: APIClient
) -> None:
    cohort_id, _ = _cohort(cfi, 1)
    _problem(
        stranger_client.patch(f"/api/v1/cohorts/{cohort_id}", {"name": "B"}, format="json"),
        404,
        "cohort_not_found",
    )
    _problem(stranger_client.get(f"/api/v1/cohorts/{cohort_id}/analytics"), 404, "cohort_not_found")


def test_features_are_data_an_operator_takes_exports_off_the_cfi_plan(cfi: User) -> None:
    cohort_id, _ = _cohort(cfi, 1)
    Plan.objects.filter(code="cfi").update(feature_exports=False)
    client = client_for(cfi)
    body = _problem(
        client.get(f"/api/v1/cohorts/{cohort_id}/export", {"format": "csv"}), 403, "plan_required"
    )
    assert body["required_plan"] == "free"
    assert client.get(f"/api/v1/cohorts/{cohort_id}/analytics").status_code == 200
