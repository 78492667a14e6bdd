"""The batch endpoints in eager mode: upload limits, progress, summary, listing, export, privacy of access."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from extraction.adapter.extract import run_extraction
from extraction.batches import processing
from extraction.engine import ExtractionResult
from extraction.models import Batch, BatchFile, Report
from tests.engine.generator.spec import DocumentSpec

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_catalog")]

Docs = Callable[[int], list[tuple[str, bytes, DocumentSpec]]]


def _upload(client: APIClient, files: list[tuple[str, bytes]]):
    payload = {
        "files": [SimpleUploadedFile(name, data, content_type="application/pdf") for name, data in files]
    }
    return client.post("/api/v1/batches", payload, format="multipart")


def _problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code


@pytest.fixture
def completed_batch(
    instructor_client: APIClient, class_pdfs: Docs, django_capture_on_commit_callbacks
) -> dict:
    docs = class_pdfs(5)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(instructor_client, [(name, data) for name, data, _ in docs])
    assert response.status_code == 202, response.content
    return {"id": response.json()["id"], "specs": [spec for _, _, spec in docs], "accepted": response}


def test_upload_answers_202_with_pending_files(instructor_client: APIClient, class_pdfs: Docs) -> None:
    docs = class_pdfs(3)
    response = _upload(instructor_client, [(name, data) for name, data, _ in docs])
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "status", "total_files", "files"}
    assert body["status"] == "pending"
    assert body["total_files"] == 3
    assert [f["name"] for f in body["files"]] == ["student-1.pdf", "student-2.pdf", "student-3.pdf"]
    assert {f["status"] for f in body["files"]} == {"pending"}
    assert all(f["report_id"] is None and f["error"] is None for f in body["files"])
    assert response["Location"] == f"/api/v1/batches/{body['id']}"
    assert response["X-RateLimit-Limit"] == "20"
    assert response["X-RateLimit-Remaining"] == "19"


def test_batch_completes_with_one_report_per_file(
    completed_batch: dict, instructor_client: APIClient, instructor: User
) -> None:
    response = instructor_client.get(f"/api/v1/batches/{completed_batch['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed"
    assert (body["total_files"], body["processed_files"], body["succeeded_files"], body["failed_files"]) == (
        5,
        5,
        5,
        0,
    )
    assert body["completed_at"] is not None
    report_ids = [f["report_id"] for f in body["files"]]
    assert len(set(report_ids)) == 5
    assert Report.objects.filter(owner=instructor).count() == 5
    specs = completed_batch["specs"]
    for file, spec in zip(body["files"], specs, strict=True):
        report = Report.objects.get(pk=file["report_id"])
        assert report.score == spec.score
        assert sorted(report.codes.values_list("code", flat=True)) == spec.codes


def test_summary_counts_codes_tasks_scores_and_exams(
    completed_batch: dict, instructor_client: APIClient
) -> None:
    specs: list[DocumentSpec] = completed_batch["specs"]
    summary = instructor_client.get(f"/api/v1/batches/{completed_batch['id']}").json()["summary"]
    assert summary["reports"] == 5
    expected_codes: dict[str, int] = {}
    expected_tasks: dict[str, int] = {}
    for spec in specs:
        for code in spec.codes:
            expected_codes[code] = expected_codes.get(code, 0) + 1
        for task in {code.rsplit(".", 1)[0] for code in spec.codes}:
            expected_tasks[task] = expected_tasks.get(task, 0) + 1
    assert {c["code"]: c["reports"] for c in summary["code_frequencies"]} == expected_codes
    counts = [c["reports"] for c in summary["code_frequencies"]]
    assert counts == sorted(counts, reverse=True)
    weak = {w["task"]: w["reports"] for w in summary["weak_areas"]}
    assert weak == {task: n for task, n in expected_tasks.items() if n / 5 > 0.3}
    scores = sorted(spec.score for spec in specs)
    assert summary["score"] == {
        "count": 5,
        "min": scores[0],
        "max": scores[-1],
        "mean": round(sum(scores) / 5, 2),
        "median": float(scores[2]),
    }
    assert summary["exam_distribution"] == [{"exam_code": "PAR", "reports": 5}]


def test_weak_areas_carry_task_titles_from_the_catalogue(
    instructor_client: APIClient, class_pdfs: Docs, pa_task_elements: list, django_capture_on_commit_callbacks
) -> None:
    docs = class_pdfs(6)
    with django_capture_on_commit_callbacks(execute=True):
        batch_id = _upload(instructor_client, [(n, d) for n, d, _ in docs]).json()["id"]
    weak = {
        w["task"]: w
        for w in instructor_client.get(f"/api/v1/batches/{batch_id}").json()["summary"]["weak_areas"]
    }
    assert "PA.I.B" in weak, weak
    assert weak["PA.I.B"]["title"] == "Airworthiness Requirements"
    assert weak["PA.I.B"]["area_title"] == "Preflight Preparation"


def test_detail_runs_a_bounded_number_of_queries(
    completed_batch: dict, instructor_client: APIClient, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        assert instructor_client.get(f"/api/v1/batches/{completed_batch['id']}").status_code == 200


def test_detail_query_count_does_not_grow_with_the_batch(
    instructor_client: APIClient, class_pdfs: Docs, django_capture_on_commit_callbacks
) -> None:
    from django.db import connection

    counts = []
    for size in (1, 8):
        with django_capture_on_commit_callbacks(execute=True):
            batch_id = _upload(instructor_client, [(n, d) for n, d, _ in class_pdfs(size)]).json()["id"]
        with CaptureQueriesContext(connection) as ctx:
            assert instructor_client.get(f"/api/v1/batches/{batch_id}").json()["succeeded_files"] == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_another_users_batch_is_not_found(completed_batch: dict, stranger: User) -> None:
    client = APIClient()
    client.force_authenticate(stranger)
    for path in ("", "/export?format=csv"):
        _problem(client.get(f"/api/v1/batches/{completed_batch['id']}{path}"), 404, "not_found")


def test_unknown_batch_is_not_found(instructor_client: APIClient) -> None:
    _problem(instructor_client.get("/api/v1/batches/00000000-0000-0000-0000-000000000000"), 404, "not_found")


def test_anonymous_callers_get_401(anonymous_client: APIClient) -> None:
    _problem(_upload(anonymous_client, [("a.pdf", b"%PDF-1.4")]), 401, "not_authenticated")
    _problem(anonymous_client.get("/api/v1/batches"), 401, "not_authenticated")


def test_no_files_is_422(instructor_client: APIClient) -> None:
    _problem(instructor_client.post("/api/v1/batches", {}, format="multipart"), 422, "no_files")


def test_more_than_thirty_files_is_422(instructor_client: APIClient) -> None:
    response = _upload(instructor_client, [(f"f{i}.pdf", b"%PDF-1.4 small") for i in range(31)])
    _problem(response, 422, "too_many_files")
    assert not Batch.objects.exists()


def test_a_file_over_the_cap_is_413(instructor_client: APIClient, settings) -> None:
    settings.MAX_UPLOAD_FILE_BYTES = 1000
    _problem(
        _upload(instructor_client, [("ok.pdf", b"x" * 10), ("big.pdf", b"x" * 1001)]), 413, "file_too_large"
    )
    assert not Batch.objects.exists()


def test_a_batch_over_the_total_cap_is_413(instructor_client: APIClient, settings) -> None:
    settings.MAX_UPLOAD_FILE_BYTES = 1000
    settings.MAX_BATCH_BYTES = 2500
    files = [(f"f{i}.pdf", b"x" * 900) for i in range(3)]
    _problem(_upload(instructor_client, files), 413, "batch_too_large")
    assert not Batch.objects.exists()


def test_the_daily_batch_allowance_is_enforced(instructor_client: APIClient, settings) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"batch_user": "2/day"}}
    for _ in range(2):
        assert _upload(instructor_client, [("a.pdf", b"%PDF-1.4")]).status_code == 202
    response = _upload(instructor_client, [("a.pdf", b"%PDF-1.4")])
    _problem(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert response["X-RateLimit-Remaining"] == "0"
    assert instructor_client.get("/api/v1/batches").status_code == 200


def test_unreadable_files_fail_and_the_batch_is_partial(
    instructor_client: APIClient, class_pdfs: Docs, django_capture_on_commit_callbacks
) -> None:
    name, data, _ = class_pdfs(1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        batch_id = _upload(instructor_client, [(name, data), ("notes.txt", b"just some text")]).json()["id"]
    body = instructor_client.get(f"/api/v1/batches/{batch_id}").json()
    assert body["status"] == "partial"
    assert (body["succeeded_files"], body["failed_files"]) == (1, 1)
    failed = body["files"][1]
    assert failed["status"] == "failed"
    assert failed["report_id"] is None
    assert failed["error"]["code"] == "unsupported_type"


def test_all_files_failing_fails_the_batch(
    instructor_client: APIClient, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        batch_id = _upload(instructor_client, [("empty.pdf", b""), ("junk.pdf", b"%PDF-1.4 broken")]).json()[
            "id"
        ]
    body = instructor_client.get(f"/api/v1/batches/{batch_id}").json()
    assert body["status"] == "failed"
    assert [f["error"]["code"] for f in body["files"]] == ["empty_file", "corrupt_file"]
    assert body["summary"]["reports"] == 0
    assert body["summary"]["score"]["mean"] is None


def test_list_is_paginated_newest_first(instructor_client: APIClient, completed_batch: dict) -> None:
    _upload(instructor_client, [("a.pdf", b"%PDF-1.4")])
    body = instructor_client.get("/api/v1/batches?limit=1").json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
    first = body["results"][0]
    assert first["id"] != completed_batch["id"]
    assert first["status"] == "pending"
    older = instructor_client.get("/api/v1/batches?limit=1&offset=1").json()["results"][0]
    assert older["id"] == completed_batch["id"]
    assert (older["processed_files"], older["succeeded_files"], older["failed_files"]) == (5, 5, 0)


def test_list_shows_only_the_callers_batches(completed_batch: dict, stranger: User) -> None:
    client = APIClient()
    client.force_authenticate(stranger)
    assert client.get("/api/v1/batches").json()["count"] == 0


def test_list_query_count_does_not_grow_with_batches(
    instructor_client: APIClient, instructor: User, django_assert_max_num_queries
) -> None:
    for _ in range(12):
        batch = Batch.objects.create(owner=instructor, total_files=2)
        BatchFile.objects.create(batch=batch, position=0, name="a.pdf", status=BatchFile.Status.SUCCEEDED)
        BatchFile.objects.create(batch=batch, position=1, name="b.pdf", status=BatchFile.Status.FAILED)
    with django_assert_max_num_queries(2):
        body = instructor_client.get("/api/v1/batches").json()
    assert body["count"] == 12
    assert {(b["succeeded_files"], b["failed_files"], b["processed_files"]) for b in body["results"]} == {
        (1, 1, 2)
    }


def test_export_csv_has_one_row_per_report_and_code(
    completed_batch: dict, instructor_client: APIClient
) -> None:
    response = instructor_client.get(f"/api/v1/batches/{completed_batch['id']}/export?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="batch-{completed_batch["id"]}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    specs: list[DocumentSpec] = completed_batch["specs"]
    assert len(rows) == sum(len(spec.codes) for spec in specs)
    assert {(r["applicant_name"], r["code"]) for r in rows} == {
        (spec.name, code) for spec in specs for code in spec.codes
    }
    assert {r["file_names"] for r in rows} == {f"student-{i}.pdf" for i in range(1, 6)}
    assert all(r["task"] == r["code"].rsplit(".", 1)[0] for r in rows)


def test_export_json_carries_reports_and_summary(completed_batch: dict, instructor_client: APIClient) -> None:
    response = instructor_client.get(f"/api/v1/batches/{completed_batch['id']}/export?format=json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="batch-{completed_batch["id"]}.json"'
    body = json.loads(response.content)
    assert body["status"] == "completed"
    assert len(body["reports"]) == 5
    assert sorted(c["code"] for c in body["reports"][0]["codes"]) == completed_batch["specs"][0].codes
    assert body["summary"]["reports"] == 5


def test_reviews_show_in_the_summary_and_both_exports(
    instructor_client: APIClient, class_pdfs: Docs, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    docs = class_pdfs(3)
    doubted = docs[1][2].exam_id

    def engine(data: bytes, **kwargs: object) -> ExtractionResult:
        result = run_extraction(data, **kwargs)
        if result.exam_id == doubted:
            result.review, result.review_reasons = True, ["field_missing:take", "low_ocr_confidence"]
        return result

    monkeypatch.setattr(processing, "run_extraction", engine)
    with django_capture_on_commit_callbacks(execute=True):
        batch_id = _upload(instructor_client, [(name, data) for name, data, _ in docs]).json()["id"]
    assert instructor_client.get(f"/api/v1/batches/{batch_id}").json()["summary"]["needs_review"] == 1

    body = json.loads(instructor_client.get(f"/api/v1/batches/{batch_id}/export?format=json").content)
    assert body["summary"]["needs_review"] == 1
    by_id = {r["id"]: r for r in body["reports"]}
    states = [by_id[f["report_id"]] for f in body["files"]]
    assert [(r["status"], r["review"], r["review_reasons"]) for r in states] == [
        ("needs_review", True, ["field_missing:take", "low_ocr_confidence"])
        if spec.exam_id == doubted
        else ("ok", False, [])
        for _, _, spec in docs
    ]

    csv_text = instructor_client.get(f"/api/v1/batches/{batch_id}/export?format=csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    review_by_file = {(r["file_names"], r["status"], r["review_reasons"]) for r in rows}
    assert review_by_file == {
        (name, "needs_review", "field_missing:take; low_ocr_confidence")
        if spec.exam_id == doubted
        else (name, "ok", "")
        for name, _, spec in docs
    }


def test_export_neutralizes_spreadsheet_formulas(
    instructor_client: APIClient, class_pdfs: Docs, django_capture_on_commit_callbacks
) -> None:
    _, data, _ = class_pdfs(1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        batch_id = _upload(instructor_client, [("=HYPERLINK(1).pdf", data)]).json()["id"]
    rows = list(
        csv.DictReader(
            io.StringIO(
                instructor_client.get(f"/api/v1/batches/{batch_id}/export?format=csv").content.decode()
            )
        )
    )
    assert rows[0]["file_names"] == "'=HYPERLINK(1).pdf"


@pytest.mark.parametrize("query", ["", "?format=xml", "?format=CSV"])
def test_export_rejects_other_formats(
    completed_batch: dict, instructor_client: APIClient, query: str
) -> None:
    _problem(
        instructor_client.get(f"/api/v1/batches/{completed_batch['id']}/export{query}"), 422, "invalid_format"
    )


def test_export_runs_a_bounded_number_of_queries(
    completed_batch: dict, instructor_client: APIClient, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        assert (
            instructor_client.get(f"/api/v1/batches/{completed_batch['id']}/export?format=csv").status_code
            == 200
        )


def test_a_request_announcing_more_than_the_batch_cap_is_refused_unread(
    instructor_client: APIClient, settings
) -> None:
    settings.MAX_BATCH_BYTES = 10_000
    response = instructor_client.post(
        "/api/v1/batches", {"files": [SimpleUploadedFile("a.pdf", b"%PDF-1.4")]}, CONTENT_LENGTH=str(10**9)
    )
    _problem(response, 413, "payload_too_large")
    assert not Batch.objects.exists()
