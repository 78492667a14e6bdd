"""Batches: a class's reports uploaded at once, processed by workers, summarized together.

- ``POST /api/v1/batches``: 1..30 files in ``files``; answers 202 while workers read them.
- ``GET /api/v1/batches`` and ``GET /api/v1/batches/{id}``: progress, files and summary.
- ``GET /api/v1/batches/{id}/export?format=csv|json|pdf``: the batch's reports as a download, or
  the class report as PDF.

Only the owner sees a batch; for anyone else it does not exist (404).
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from accounts.models import User
from accounts.plans.services import batch_allowance_consume, entitlement_check
from cfipros.api.fields import CANONICAL_UUID
from cfipros.api.negotiation import JSONOnlyNegotiation
from cfipros.api.problems import problem_response
from cfipros.errors import Invalid
from extraction.api.batches.examples import BATCH_ACCEPTED
from extraction.api.batches.serializers import (
    BatchAcceptedSerializer,
    BatchDetailSerializer,
    BatchExportSerializer,
    BatchFileSerializer,
    BatchListSerializer,
    BatchUploadSerializer,
    ExportReportSerializer,
)
from extraction.api.throttles import BatchUserThrottle, RateLimitHeadersMixin
from extraction.batches import intake
from extraction.batches import selectors as batch_selectors
from extraction.batches.exports import batch_export_csv
from extraction.batches.pdf import batch_export_pdf
from extraction.models import Batch, BatchFile

EXPORT_FORMATS = ("csv", "json", "pdf")


def _contents(upload: UploadedFile, views: ExitStack) -> bytes | memoryview:
    """The upload's bytes without a copy: a view of the parser's in-memory buffer, released by
    ``views`` before the upload is closed (any other kind of upload is read)."""
    buffer = upload.file
    if isinstance(buffer, BytesIO):
        return views.enter_context(buffer.getbuffer())
    return upload.read()


def _detail_data(batch: Batch, files: list[BatchFile], reports: list[Any]) -> dict[str, Any]:
    data = dict(BatchListSerializer(batch).data)
    data["files"] = BatchFileSerializer(files, many=True).data
    data["summary"] = batch_selectors.batch_summarize(reports)
    return data


@extend_schema_view(
    list=extend_schema(
        summary="The caller's batches, newest first",
        responses={200: BatchListSerializer(many=True), 401: problem_response("Not signed in")},
    ),
    retrieve=extend_schema(
        summary="A batch's progress, files and summary",
        description=(
            "`status` is pending until a worker starts, processing while files remain, then "
            "completed (every file read), partial (some failed) or failed (none read). The "
            "summary covers the reports produced so far: how many reports carry each code, the "
            "ACS tasks found in more than 30% of them, score statistics, the exams taken and how "
            "many reports still need review. A failed file's `error.code` is the engine's "
            "(`unsupported_type`, `empty_file`, `corrupt_file`, `encrypted_pdf`, `not_an_aktr`, "
            "`document_too_complex`, `too_many_pages`, `image_too_large`, `file_too_large`) or the "
            "batch's own (`payload_expired`, `timeout`, `too_many_attempts`, `processing_error`, "
            "`queue_unavailable`)."
        ),
        responses={200: BatchDetailSerializer, 404: problem_response("No batch of the caller has this id")},
    ),
)
@extend_schema(tags=["batches"])
class BatchViewSet(RateLimitHeadersMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A class's reports uploaded together, read by workers, and summarized."""

    permission_classes = [IsAuthenticated]
    serializer_class = BatchListSerializer
    parser_classes = [MultiPartParser]
    throttle_classes = [BatchUserThrottle]
    lookup_value_regex = CANONICAL_UUID.pattern
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not isinstance(user, User):
            return Batch.objects.none()
        return batch_selectors.batches_of_owner(user)

    def get_throttles(self) -> list[BaseThrottle]:
        """Only creating a batch counts against the daily batch allowance."""
        if self.action != "create":
            return []
        return super().get_throttles()

    def _owned_batch(self) -> Batch:
        assert isinstance(self.request.user, User)
        return batch_selectors.batch_get_owned(self.request.user, str(self.kwargs["pk"]))

    @extend_schema(
        operation_id="batches_create",
        summary="Upload a batch of reports",
        description=(
            "Accepts 1 to 30 files in the multipart field `files` (15 MB each, 100 MB together) "
            "and answers 202 at once; workers read the files and `GET /api/v1/batches/{id}` "
            "shows their progress. The files are held only until a worker has read them, and "
            "never stored. Limited to 20 batches a day per user."
        ),
        request={"multipart/form-data": BatchUploadSerializer},
        parameters=[],
        examples=BATCH_ACCEPTED,
        responses={
            202: BatchAcceptedSerializer,
            401: problem_response("Not signed in"),
            403: problem_response(
                "The caller's plan has no batches (`plan_required`, with `required_plan`); more "
                "files than the plan takes per batch are 422 `too_many_files`, its extractions or "
                "batched documents used up 429 `quota_exceeded`"
            ),
            413: problem_response("A file larger than 15 MB (`file_too_large`) or more than 100 MB in all"),
            422: problem_response(
                "No files (`no_files`), more than 30 (`too_many_files`), or a part named `files` "
                "that is not a file (`not_a_file`)"
            ),
            429: problem_response(
                "Daily batch limit reached, or the caller's files still waiting to be read would "
                "exceed the transit allowance (`transit_quota`, 100 MB by default); see Retry-After"
            ),
            503: problem_response("The processing queue is unavailable"),
        },
    )
    def create(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        uploads = request.FILES.getlist("files")
        if request.POST.getlist("files"):
            message = "Every part named `files` must be a file (a part with a filename)."
            raise Invalid(message, code="not_a_file", errors={"files": [message]})
        unknown = sorted({*request.POST.keys(), *request.FILES.keys()} - {"files"})
        if unknown:
            errors = {name: ["Unknown field."] for name in unknown}
            raise Invalid("Send the files in `files`, and nothing else.", errors=errors)
        try:
            # Sizes first: nothing is read when the upload breaks a limit.
            intake.batch_check_limits([upload.size or 0 for upload in uploads])
            # The plan: batches included, files per batch, one extraction and the batched documents.
            batch_allowance_consume(request.user, len(uploads))
            with ExitStack() as views:
                incoming = [intake.IncomingFile(u.name or "", _contents(u, views)) for u in uploads]
                batch = intake.batch_create(owner=request.user, files=incoming)
        finally:
            for upload in uploads:
                upload.close()
        files = batch_selectors.batch_files_list(batch)
        body = {
            "id": batch.pk,
            "status": batch.status,
            "total_files": batch.total_files,
            "files": files,
        }
        return Response(
            BatchAcceptedSerializer(body).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": reverse("batch-detail", kwargs={"pk": batch.pk})},
        )

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        batch = self._owned_batch()
        files = batch_selectors.batch_files_list(batch)
        reports = batch_selectors.batch_report_rows(files)
        return Response(_detail_data(batch, files, reports))

    @extend_schema(
        operation_id="batches_export",
        summary="Download a batch's reports",
        description=(
            "`format=csv`: one row per report and code (a report without codes has one row with "
            "an empty code), with the report's `status` and `review_reasons` (separated by `; `). "
            "`format=json`: the batch detail plus every report with its codes and review state. "
            "`format=pdf`: the class report to print: files, pass rate and score distribution, the "
            "weak areas charted, the top missed codes with their descriptions and a table per "
            "student (named by the uploaded file, as on the batch page) listing every code missed; "
            "it needs a plan with exports (403 `plan_required`). The CSV and JSON are the owner's "
            "own data and need no plan."
        ),
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True, enum=list(EXPORT_FORMATS)
            )
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/json"): BatchExportSerializer,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            403: problem_response(
                "`format=pdf` on a plan without exports (`plan_required`, with `required_plan`)"
            ),
            404: problem_response("No batch of the caller has this id"),
            422: problem_response("`format` is not csv, json or pdf (`invalid_format`)"),
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=JSONOnlyNegotiation)
    def export(self, request: Request, pk: str | None = None) -> HttpResponse:
        export_format = request.query_params.get("format", "")
        if export_format not in EXPORT_FORMATS:
            raise Invalid(
                "Choose format=csv, format=json or format=pdf.",
                code="invalid_format",
                errors={"format": [f"Must be one of: {', '.join(EXPORT_FORMATS)}."]},
            )
        batch = self._owned_batch()
        if export_format == "pdf":
            assert isinstance(request.user, User)
            entitlement_check(request.user, "exports")
        files = batch_selectors.batch_files_list(batch)
        reports = batch_selectors.batch_report_rows(files)
        if export_format == "csv":
            response = HttpResponse(batch_export_csv(files, reports), content_type="text/csv; charset=utf-8")
        elif export_format == "pdf":
            response = HttpResponse(batch_export_pdf(batch, files, reports), content_type="application/pdf")
        else:
            data = _detail_data(batch, files, reports)
            data["reports"] = ExportReportSerializer(reports, many=True).data
            response = HttpResponse(json.dumps(data, cls=DjangoJSONEncoder), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}.{export_format}"'
        response["Cache-Control"] = "no-store"
        return response
