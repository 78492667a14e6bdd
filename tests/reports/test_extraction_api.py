"""POST /api/v1/extractions: stored results, Location, personal fields, engine errors as problems."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import EncryptionMethod

from accounts.models import User
from extraction.adapter import extract as adapter
from extraction.engine import ExtractionError, ExtractionResult
from extraction.models import AcsElement, Report
from extraction.reports import extracting
from tests.engine.generator.documents import UPLOAD, aktr, aktr_pdf
from tests.personas import client_for
from tests.reports.helpers import upload

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_anonymous_extraction_returns_result_and_keeps_no_identity(
    pdf: bytes, pa_element: AcsElement
) -> None:
    response = upload(client_for(None), pdf)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["applicant_name"] == "DOE, JANE Q"
    assert body["ftn"] == "A1B2C3D4"
    assert body["exam_id"] == "466317578555813058"
    assert body["exam_code"] == "PAR"
    assert body["exam_date"] == "2026-03-14"
    assert body["score"] == 82 and body["grade"] == "PASS" and body["take"] == 1
    assert body["codes"] == ["PA.I.A.K1", "PA.I.B.K2"]
    assert body["codes_detail"][0] == {
        "code": "PA.I.A.K1",
        "description": pa_element.description,
        "area": "Preflight Preparation",
        "task": "Pilot Qualifications",
        "element_type": "K",
        "confidence": 1.0,
        "raw": "PA.I.A.K1",
        "national": None,  # no national figures yet
    }
    assert body["unresolved"] == [] and body["status"] == "ok"
    assert body["confidence"] == adapter.run_extraction(pdf).confidence > 0.9  # the engine's, as is
    assert body["review"] is False and body["review_reasons"] == []
    assert body["owner"] is None
    assert len(body["share_token"]) >= 32
    assert response["Location"] == f"/api/v1/results/{body['share_token']}"

    report = Report.objects.get(pk=body["id"])
    assert report.owner is None
    assert report.expires_at is not None
    assert timedelta(hours=23, minutes=59) < report.expires_at - timezone.now() <= timedelta(hours=24)
    assert (report.applicant_name, report.ftn, report.exam_id, report.exam_site, report.exam_id_hash) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert report.engine_version and report.source_format == "pdf_text"

    later = client_for(None).get(response["Location"])
    assert later.status_code == 200
    for name in ("applicant_name", "ftn", "applicant_id", "exam_id", "exam_site"):
        assert name not in later.json()
    assert later.json()["codes"] == body["codes"]


def test_signed_in_extraction_is_kept_and_deduped_on_exam_id(student: User, pdf: bytes) -> None:
    client = client_for(student)
    first = upload(client, pdf)
    assert first.status_code == 201
    body = first.json()
    assert first["Location"] == f"/api/v1/reports/{body['id']}"
    assert body["owner"] == student.pk and body["expires_at"] is None
    report = Report.objects.get(pk=body["id"])
    assert report.applicant_name == "DOE, JANE Q" and report.ftn == "A1B2C3D4"
    assert report.exam_id_hash and report.exam_id_hash != report.exam_id

    again = upload(client, aktr_pdf(aktr(UPLOAD, score=90, percent=True, codes=["PA.I.A.K1"])))
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert again.json()["score"] == 90 and again.json()["codes"] == ["PA.I.A.K1"]
    assert Report.objects.filter(owner=student).count() == 1

    other = upload(client, aktr_pdf(aktr(UPLOAD, exam_id="999999999999999999")))
    assert other.status_code == 201 and other.json()["id"] != body["id"]


def test_missing_file_is_a_422_problem() -> None:
    response = client_for(None).post("/api/v1/extractions", {}, format="multipart")
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "invalid_input"
    assert "file" in response.json()["errors"]


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def _pdf_pages(count: int) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for n in range(count):
        pdf.add_page()
        pdf.cell(0, 6, f"page {n}")
    return bytes(pdf.output())


def _letter_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in ("Dear customer,", "your invoice for March is attached.", "Kind regards"):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 422, "empty_file"),
        (b"GIF89a" + b"\x00" * 64, 415, "unsupported_type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", 415, "unsupported_type"),
        (b"%PDF-1.7\n" + b"garbage " * 200, 422, "corrupt_file"),
        (_png_header(60000, 60000) + b"\x00" * 64, 413, "image_too_large"),
    ],
    ids=["empty", "gif", "svg", "corrupt-pdf", "pixel-bomb"],
)
def test_engine_refusals_become_problems(data: bytes, status: int, code: str) -> None:
    response = upload(client_for(None), data)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == code
    assert response.json()["status"] == status
    assert Report.objects.count() == 0


def test_too_many_pages_is_413() -> None:
    response = upload(client_for(None), _pdf_pages(11))
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_pages"


def test_password_protected_pdf_is_422() -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="user", encryption_method=EncryptionMethod.RC4)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, "AIRMAN KNOWLEDGE TEST REPORT")
    response = upload(client_for(None), bytes(pdf.output()))
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "encrypted_pdf"


def test_readable_document_that_is_not_a_report_is_422() -> None:
    response = upload(client_for(None), _letter_pdf())
    assert response.status_code == 422
    assert response.json()["code"] == "not_an_aktr"


@override_settings(MAX_UPLOAD_FILE_BYTES=1000)
def test_file_over_the_single_file_cap_is_413(pdf: bytes) -> None:
    assert len(pdf) > 1000
    response = upload(client_for(None), pdf)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "file_too_large"


class _UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body of an oversized request was read")

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body of an oversized request was read")


@pytest.mark.parametrize(
    ("path", "setting", "cap"),
    [("/api/v1/extractions", "MAX_UPLOAD_FILE_BYTES", 2048), ("/api/v1/batches", "MAX_BATCH_BYTES", 4096)],
)
def test_announced_oversized_body_is_refused_before_it_is_read(path: str, setting: str, cap: int) -> None:
    with override_settings(**{setting: cap}):
        response = client_for(None).generic(
            "POST",
            path,
            content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(cap + 64 * 1024 + 1),
            **{"wsgi.input": _UnreadableBody()},
        )
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "payload_too_large"


def test_body_within_the_cap_passes_the_size_gate(pdf: bytes) -> None:
    with override_settings(MAX_UPLOAD_FILE_BYTES=len(pdf)):
        assert upload(client_for(None), pdf).status_code == 201


def test_a_document_too_complex_for_the_engine_is_422(monkeypatch: pytest.MonkeyPatch, pdf: bytes) -> None:
    def refuse(data: bytes, **kwargs: object) -> ExtractionResult:
        raise ExtractionError("document_too_complex", "A page holds more text runs than the engine reads.")

    monkeypatch.setattr(extracting, "run_extraction", refuse)
    response = upload(client_for(None), pdf)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["code"], body["status"]) == ("document_too_complex", 422)
    assert body["detail"] == "A page holds more text runs than the engine reads."
    assert Report.objects.count() == 0


def test_a_result_the_engine_doubts_needs_review_everywhere_it_is_shown(
    monkeypatch: pytest.MonkeyPatch, pdf: bytes, student: User
) -> None:
    reasons = ["field_missing:score", "code_unresolved"]

    def doubtful(data: bytes, **kwargs: object) -> ExtractionResult:
        result = adapter.run_extraction(data, **kwargs)
        result.review, result.review_reasons = True, list(reasons)
        return result

    monkeypatch.setattr(extracting, "run_extraction", doubtful)
    created = upload(client_for(None), pdf).json()
    assert (created["status"], created["review"], created["review_reasons"]) == (
        "needs_review",
        True,
        reasons,
    )
    shared = client_for(None).get(f"/api/v1/results/{created['share_token']}").json()
    assert (shared["status"], shared["review"], shared["review_reasons"]) == ("needs_review", True, reasons)
    claimed = client_for(student).post(f"/api/v1/results/{created['share_token']}/claim").json()
    assert (claimed["review"], claimed["review_reasons"]) == (True, reasons)
    listed = client_for(student).get("/api/v1/reports", {"status": "needs_review"}).json()["results"]
    assert [(r["id"], r["review"], r["review_reasons"]) for r in listed] == [(created["id"], True, reasons)]
