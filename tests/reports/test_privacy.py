"""Privacy by design: no stored document, nothing unique to an upload in the database, the cache
or on disk, and no personal data or tokens in the logs."""

from __future__ import annotations

import base64
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models

from accounts.models import User
from cfipros.log_redaction import RedactSecretsFilter, redact
from extraction.models import Report
from tests.engine.generator.documents import UPLOAD, aktr, aktr_pdf
from tests.personas import client_for
from tests.reports.helpers import upload

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(settings.BASE_DIR)
SKIP_DIRS = {".git", ".venv", "node_modules", ".mypy_cache", ".ruff_cache"}


class Marked:
    """An AKTR whose identity fields and hidden metadata carry fresh random markers."""

    def __init__(self) -> None:
        self.name = "ZQ" + secrets.token_hex(6).upper()
        self.exam_id = str(secrets.randbelow(10**17) + 8 * 10**17)
        self.ftn = "F" + secrets.token_hex(4).upper()[:7]
        self.site = "SITE" + secrets.token_hex(5).upper()
        self.blob = "BLOB" + secrets.token_hex(16)
        spec = aktr(
            UPLOAD,
            name=f"{self.name}, JANE",
            exam_id=self.exam_id,
            ftn=self.ftn,
            site=self.site,
            metadata=self.blob,
        )
        self.pdf = aktr_pdf(spec)
        assert self.blob.encode() in self.pdf

    @property
    def identity(self) -> list[str]:
        return [self.name, self.exam_id, self.ftn, self.site]

    @property
    def document_only(self) -> list[bytes]:
        """Byte sequences only the file itself holds: the hidden blob, raw and encoded."""
        return [
            self.blob.encode(),
            self.blob.encode().hex().encode(),
            base64.b64encode(self.pdf[:300]),
            self.pdf[:400],
        ]


def tables_containing(needle: str) -> dict[str, int]:
    """Every table whose rows, rendered as text (all columns, JSON and bytea included), hold ``needle``."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*) FROM {quoted} t WHERE strpos(t::text, %s) > 0 OR strpos(t::text, %s) > 0",  # noqa: S608
                [needle, needle.encode().hex()],
            )
            count = cursor.fetchone()[0]
            if count:
                found[table] = count
    return found


def cache_holds(needle: bytes) -> bool:
    client = cache._cache.get_client(None, write=False)  # type: ignore[attr-defined]
    for key in client.scan_iter():
        if needle in key:
            return True
        if client.type(key) == b"string":
            value = client.get(key) or b""
            if needle in value:
                return True
    return False


def written_files(since: float) -> Iterator[Path]:
    roots = {PROJECT_DIR, Path(tempfile.gettempdir()), Path("/tmp"), Path("/var/tmp")}
    for root in roots:
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _e: None):
            dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
            for filename in filenames:
                path = Path(dirpath) / filename
                try:
                    stat = path.stat()
                except OSError:
                    continue
                if stat.st_mtime >= since and path.is_file() and stat.st_size < 64 * 1024 * 1024:
                    yield path


def files_holding(needles: list[bytes], since: float) -> list[str]:
    hits = []
    for path in written_files(since):
        try:
            content = path.read_bytes()
        except OSError:
            continue
        if any(needle in content for needle in needles):
            hits.append(str(path))
    return hits


def test_no_model_can_store_a_file_and_uploads_stay_in_memory() -> None:
    file_fields = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert file_fields == []
    assert settings.FILE_UPLOAD_HANDLERS == ["django.core.files.uploadhandler.MemoryFileUploadHandler"]


def test_marker_documents_leave_no_trace(student: User, django_capture_on_commit_callbacks: Any) -> None:
    started = time.time() - 1
    anonymous, claimed, owned, batched = Marked(), Marked(), Marked(), Marked()
    student.clerk_plan = "cfi"  # a plan with batches
    student.save(update_fields=["clerk_plan"])

    anon_response = upload(client_for(None), anonymous.pdf)
    assert anon_response.status_code == 201
    assert anon_response.json()["applicant_name"] == f"{anonymous.name}, JANE"
    assert client_for(None).get(anon_response["Location"]).status_code == 200

    to_claim = upload(client_for(None), claimed.pdf)
    token = to_claim.json()["share_token"]
    assert client_for(student).post(f"/api/v1/results/{token}/claim").status_code == 200

    owned_response = upload(client_for(student), owned.pdf)
    assert owned_response.status_code == 201
    owned_id = owned_response.json()["id"]

    with django_capture_on_commit_callbacks(execute=True):
        batch = client_for(student).post(
            "/api/v1/batches",
            {"files": [SimpleUploadedFile("b.pdf", batched.pdf, content_type="application/pdf")]},
            format="multipart",
        )
    assert batch.status_code == 202, batch.content
    batch_report = Report.objects.get(batch_files__batch_id=batch.json()["id"])
    assert batch_report.exam_id == batched.exam_id

    # Anonymous and claimed uploads: nothing identifying and nothing of the file, anywhere.
    for doc in (anonymous, claimed):
        for marker in doc.identity:
            assert tables_containing(marker) == {}, marker
    # An owner keeps the normalized result of their report, in that report's row only.
    for doc in (owned, batched):
        for marker in (doc.name, doc.exam_id, doc.ftn):
            assert tables_containing(marker) == {Report._meta.db_table: 1}, marker
    assert Report.objects.get(pk=owned_id).owner == student

    # The document's own bytes: never in the database, the cache or a file, whoever uploaded it
    # and however (batch files cross Redis and must be gone from it once processed).
    for doc in (anonymous, claimed, owned, batched):
        for needle in doc.document_only:
            text = needle.decode("latin-1")
            assert tables_containing(text) == {}, needle[:40]
            assert not cache_holds(needle)
    all_needles = [n for doc in (anonymous, claimed, owned, batched) for n in doc.document_only]
    all_needles += [m.encode() for doc in (anonymous, claimed, owned, batched) for m in doc.identity]
    assert files_holding(all_needles, started) == []

    # Deleting the owned report removes what was kept.
    assert client_for(student).delete(f"/api/v1/reports/{owned_id}").status_code == 204
    for marker in owned.identity:
        assert tables_containing(marker) == {}, marker


def test_logs_carry_no_identity_token_or_document_text(
    caplog: pytest.LogCaptureFixture, student: User, stranger: User
) -> None:
    caplog.handler.addFilter(RedactSecretsFilter())
    caplog.set_level(logging.DEBUG)
    doc = Marked()
    anon = upload(client_for(None), doc.pdf)
    token = anon.json()["share_token"]
    client_for(None).get(f"/api/v1/results/{token}")
    client_for(student).post(f"/api/v1/results/{token}/claim")
    client_for(stranger).post(f"/api/v1/results/{token}/claim")
    Report.objects.filter(share_token=token).update(expires_at="2000-01-01T00:00:00Z")
    client_for(None).get(f"/api/v1/results/{token}")
    client_for(None).get("/api/v1/results/" + secrets.token_urlsafe(32))
    upload(client_for(student), doc.pdf, HTTP_AUTHORIZATION="Bearer " + "e" * 40)
    text = caplog.text
    for secret in [*doc.identity, doc.blob, token, "PA.I.A.K1 "]:
        assert secret not in text


def test_console_handler_redacts_and_a_crash_on_a_share_link_logs_no_token(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    console = [
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecretsFilter) for f in h.filters)
    ]
    assert console, "the root console handler must carry the redaction filter"

    def broken(token: str) -> None:
        raise RuntimeError(f"lookup failed for {token}")

    monkeypatch.setattr("extraction.reports.selectors.report_get_by_share_token", broken)
    caplog.handler.addFilter(RedactSecretsFilter())
    token = secrets.token_urlsafe(32)
    response = client_for(None).get(f"/api/v1/results/{token}")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "Unhandled API error on /api/v1/results/[redacted]" in caplog.text
    assert token not in caplog.text


def test_redaction_filter_rewrites_paths_bearer_tokens_and_exam_ids() -> None:
    token = secrets.token_urlsafe(32)
    assert redact(f"GET /api/v1/results/{token}/claim 409") == "GET /api/v1/results/[redacted]/claim 409"
    assert redact("Authorization: Bearer eyJhbGciOi.payload.sig") == "Authorization: Bearer [redacted]"
    assert redact("exam 466317578555813058 done") == "exam [redacted] done"
    assert redact(f"token {token} seen") == "token [redacted] seen"
    assert redact("batch 12 files 3") == "batch 12 files 3"

    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "Unhandled API error on %s", (f"/results/{token}",), None
    )
    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == "Unhandled API error on /results/[redacted]"
