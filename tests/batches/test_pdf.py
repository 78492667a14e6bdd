"""The batch's class report as PDF: it opens, names every code missed, keeps to the batch page's names."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable

import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Plan, User
from extraction.batches.pdf import batch_export_pdf
from extraction.batches.selectors import CodeRow, ReportRow
from extraction.models import Batch, BatchFile
from tests.engine.generator.spec import DocumentSpec
from tests.personas import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_catalog")]

Docs = Callable[[int], list[tuple[str, bytes, DocumentSpec]]]


@pytest.fixture
def set_plan(db: None) -> Callable[..., None]:
    """Change a seeded plan in the table, as an operator does in the admin."""

    def change(code: str, **fields: object) -> None:
        Plan.objects.filter(code=code).update(**fields)

    return change


def _text(data: bytes) -> tuple[int, str]:
    """The page count and the text of every page, read back by PDFium as any reader would."""
    document = pdfium.PdfDocument(data)
    try:
        pages = [document[i] for i in range(len(document))]
        text = "\n".join(page.get_textpage().get_text_range() for page in pages)
        return len(pages), text
    finally:
        document.close()


def _upload(client: APIClient, files: list[tuple[str, bytes]], capture: Callable) -> str:
    payload = {"files": [SimpleUploadedFile(n, d, content_type="application/pdf") for n, d in files]}
    with capture(execute=True):
        response = client.post("/api/v1/batches", payload, format="multipart")
    assert response.status_code == 202, response.content
    return str(response.json()["id"])


def test_the_pdf_opens_and_contains_every_missed_code_of_the_batch(
    instructor_client: APIClient, class_pdfs: Docs, django_capture_on_commit_callbacks
) -> None:
    docs = class_pdfs(6)
    batch_id = _upload(instructor_client, [(n, d) for n, d, _ in docs], django_capture_on_commit_callbacks)
    response = instructor_client.get(f"/api/v1/batches/{batch_id}/export?format=pdf")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="batch-{batch_id}.pdf"'
    assert response["Cache-Control"] == "no-store"
    pages, text = _text(response.content)
    assert pages >= 1
    missed = {code for _, _, spec in docs for code in spec.codes}
    assert missed
    assert sorted(code for code in missed if code not in text) == []
    for heading in ("Class summary", "Score distribution", "Weak areas", "Top missed codes", "Students"):
        assert heading in text
    assert "Files: 6 uploaded, 6 read, 0 not read." in text
    passed = sum(1 for _, _, spec in docs if spec.grade.upper() == "PASS")
    assert f"({passed} of 6 graded)" in text
    # Students are named by their files, as on the batch page; nothing read off the report names them.
    for name, _, spec in docs:
        assert name in text
        assert spec.name not in text
        assert not spec.ftn or spec.ftn not in text
        assert spec.exam_id not in text


def test_a_plan_without_exports_gets_403_for_the_pdf_but_keeps_its_csv(
    instructor: User, class_pdfs: Docs, django_capture_on_commit_callbacks, set_plan: Callable[..., None]
) -> None:
    client = client_for(instructor)
    batch_id = _upload(client, [(n, d) for n, d, _ in class_pdfs(1)], django_capture_on_commit_callbacks)
    set_plan("cfi", feature_exports=False)
    response = client.get(f"/api/v1/batches/{batch_id}/export?format=pdf")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "plan_required"
    assert client.get(f"/api/v1/batches/{batch_id}/export?format=csv").status_code == 200


def test_someone_elses_batch_pdf_is_404(
    instructor_client: APIClient,
    stranger_client: APIClient,
    class_pdfs: Docs,
    django_capture_on_commit_callbacks,
) -> None:
    docs = class_pdfs(1)
    batch_id = _upload(instructor_client, [(n, d) for n, d, _ in docs], django_capture_on_commit_callbacks)
    response = stranger_client.get(f"/api/v1/batches/{batch_id}/export?format=pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def _large_class(students: int, seed: int) -> tuple[list[BatchFile], list[ReportRow]]:
    rng = random.Random(seed)
    files: list[BatchFile] = []
    reports: list[ReportRow] = []
    for n in range(students):
        report_id = uuid.uuid4()
        picked = {(rng.choice(["I", "II", "IX"]), rng.choice("ABCDE"), rng.randint(1, 9)) for _ in range(40)}
        codes = [
            CodeRow(
                code=f"PA.{area}.{task}.K{k}",
                task=f"PA.{area}.{task}",
                task_title=f"Task {area}.{task} \u2014 \u201cquoted\u201d",
                area_title="Preflight Preparation",
                description="Hazards \u2264 1,000 ft AGL " * 5,
            )
            for area, task, k in sorted(picked)
        ]
        files.append(
            BatchFile(position=n, name=f"\u0110\u1eb7ng-\u00e9l\u00e8ve-{n}.pdf", report_id=report_id)
        )
        reports.append(
            ReportRow(
                id=report_id,
                applicant_name="Never Printed",
                exam_code="PAR",
                exam_title="Private Pilot Airplane",
                exam_date=dt.date(2025, 3, 1),
                score=rng.randint(40, 100),
                grade="PASS",
                take=1,
                status="ok",
                codes=codes,
            )
        )
    files.append(
        BatchFile(
            position=students, name="scan.png", status=BatchFile.Status.FAILED, error_code="not_an_aktr"
        )
    )
    return files, reports


def test_a_full_batch_with_long_code_lists_breaks_across_pages_and_prints_any_name() -> None:
    files, reports = _large_class(30, seed=3)
    batch = Batch(status=Batch.Status.PARTIAL, created_at=timezone.now())
    pages, text = _text(batch_export_pdf(batch, files, reports))
    assert pages > 10
    assert {c.code for r in reports for c in r.codes} <= set(text.split())
    # Letters outside the core font's Latin-1 lose their marks instead of printing as "?".
    assert "Dang-\u00e9l\u00e8ve-29.pdf" in text
    assert 'Task I.A - "quoted"' in text
    assert "<= 1,000 ft" in text
    assert "Never Printed" not in text
    assert "scan.png" in text
    assert "not_an_aktr" in text


def test_a_batch_without_any_report_still_makes_a_pdf() -> None:
    failed = [
        BatchFile(position=0, name="blank.pdf", status=BatchFile.Status.FAILED, error_code="empty_file")
    ]
    pages, text = _text(
        batch_export_pdf(Batch(status=Batch.Status.FAILED, created_at=timezone.now()), failed, [])
    )
    assert pages == 1
    assert "Pass rate: no graded report." in text
    assert "No report of this batch lists a deficient ACS task." in text


def test_the_pdf_costs_the_same_queries_for_one_file_or_six(
    instructor_client: APIClient, class_pdfs: Docs, django_capture_on_commit_callbacks
) -> None:
    def count(batch_id: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert instructor_client.get(f"/api/v1/batches/{batch_id}/export?format=pdf").status_code == 200
        return len(queries)

    docs = class_pdfs(6)
    one = _upload(instructor_client, [(n, d) for n, d, _ in docs[:1]], django_capture_on_commit_callbacks)
    six = _upload(instructor_client, [(n, d) for n, d, _ in docs], django_capture_on_commit_callbacks)
    # The batch, its files, their reports, their codes; and the plan (user's, then the best row).
    assert count(one) == count(six) <= 6
