"""Extraction, share links and report history.

- ``POST /api/v1/extractions``: one document in, a stored result out (anonymous or signed in).
- ``GET /api/v1/results/{share_token}`` and ``POST .../claim``: the public share link.
- ``GET /api/v1/reports``, ``GET|DELETE /api/v1/reports/{id}``: the caller's visible history.
- ``POST|DELETE /api/v1/reports/{id}/share``: the owner makes, replaces or revokes a share link.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.plans.quotas import quota_taken
from cfipros.api.fields import CANONICAL_UUID
from cfipros.api.problems import problem_response
from cfipros.client_address import client_network
from extraction.api.reports.examples import EXTRACTION_CREATED, REPORT_READ
from extraction.api.reports.filters import ReportFilter
from extraction.api.reports.serializers import (
    ExtractionUploadSerializer,
    PublicResultSerializer,
    ReportSerializer,
    ShareLinkCreateSerializer,
    ShareLinkSerializer,
)
from extraction.api.throttles import ExtractionAnonThrottle, ExtractionUserThrottle, RateLimitHeadersMixin
from extraction.engine import ExtractionResult
from extraction.models import Report
from extraction.reports import extracting, selectors, services


def _share_location(report: Report) -> str:
    return reverse("result-detail", kwargs={"share_token": report.share_token})


def _report_location(report: Report) -> str:
    """An anonymous result lives at its share link, an owned report in its owner's history."""
    if report.owner_id is None:
        return _share_location(report)
    return reverse("report-detail", kwargs={"pk": report.pk})


def _personal_from_result(result: ExtractionResult) -> dict[str, Any]:
    return {name: getattr(result, name) or None for name in services.PERSONAL_FIELDS}


class ExtractionView(RateLimitHeadersMixin, APIView):
    """Synchronous extraction of one document; the document itself is never stored."""

    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [ExtractionAnonThrottle, ExtractionUserThrottle]

    @extend_schema(
        operation_id="extractions_create",
        summary="Extract one Airman Knowledge Test Report",
        description=(
            "Reads the uploaded file in memory, stores the normalized result and returns it with "
            "a `Location`. Anonymous results expire after 24 h and keep no name, FTN, applicant "
            "id, exam id or site: those appear in this response only. For a signed-in user the "
            "same exam id uploaded again returns the same report (200 instead of 201); a new one "
            "is saved and takes one of the plan's saved reports for the month. Engine "
            "refusals keep the engine's error code as `code`: 415 `unsupported_type`; 413 "
            "`file_too_large`, `too_many_pages`, `image_too_large`; 422 `empty_file`, "
            "`corrupt_file`, `encrypted_pdf`, `not_an_aktr`, `document_too_complex` (well formed "
            "but more than the engine will process). `status` is `needs_review` exactly when the "
            "engine doubted the result (`review`); `review_reasons` says why."
        ),
        request={"multipart/form-data": ExtractionUploadSerializer},
        examples=EXTRACTION_CREATED,
        responses={
            201: ReportSerializer,
            200: OpenApiResponse(
                ReportSerializer, description="The caller's existing report for this exam id."
            ),
            413: problem_response("Upload or document too large"),
            415: problem_response("Not a PDF, PNG, JPEG or WebP file"),
            422: problem_response(
                "Missing `file`, or a document that cannot be read as a report or is too complex"
            ),
            429: problem_response(
                "Rate limit reached, the plan's extractions for the day are used up "
                "(`quota_exceeded`: 3 per client network anonymously, 10 a day free), or a new "
                "report would pass the plan's saved reports for the month (`quota_exceeded`: 5 "
                "free; nothing is kept); see Retry-After and X-RateLimit-*"
            ),
        },
        tags=["extractions"],
    )
    def post(self, request: Request) -> Response:
        upload = ExtractionUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        uploaded = upload.validated_data["file"]
        extracting.upload_check_size(uploaded.size)
        owner = request.user if isinstance(request.user, User) and request.user.is_authenticated else None
        subject = owner or client_network(str(request.META.get("REMOTE_ADDR") or ""))
        with uploaded, quota_taken(subject, "extractions"):
            extracted = extracting.report_extract(owner=owner, data=uploaded.read())
        report = extracted.report
        # The anonymous uploader gets the result's link here, and nowhere else.
        body = ReportSerializer(report, context={"request": request, "link_holder": owner is None}).data
        if owner is None:
            body.update(_personal_from_result(extracted.result))
        response_status = status.HTTP_201_CREATED if extracted.created else status.HTTP_200_OK
        return Response(body, status=response_status, headers={"Location": _report_location(report)})


# ``new_share_token``: 43 URL-safe characters; any other token names no result (404).
SHARE_TOKEN = OpenApiParameter(
    "share_token",
    {"type": "string", "pattern": r"^[A-Za-z0-9_-]{43}$"},
    OpenApiParameter.PATH,
    description="The result's share token, from its link.",
)


class _NoIndexMixin:
    """Share links are unguessable capabilities: keep them out of search engines and caches."""

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-store"
        return response


class SharedResultView(_NoIndexMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="results_retrieve",
        summary="A shared result",
        description=(
            "Public: whoever holds the link may read it. Never shows the applicant's name, FTN, "
            "applicant id, exam id or site, even once the result has been claimed."
        ),
        parameters=[SHARE_TOKEN],
        responses={
            200: PublicResultSerializer,
            404: problem_response("No result has this token"),
            410: problem_response("The anonymous result has expired"),
        },
        tags=["results"],
    )
    def get(self, request: Request, share_token: str) -> Response:
        return Response(PublicResultSerializer(selectors.report_get_shared(share_token)).data)


class ClaimResultView(_NoIndexMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="results_claim",
        summary="Claim a shared result as one's own report",
        description=(
            "Makes the result the caller's report and stops its expiry. The link is rotated: the "
            "token claimed with answers 404 from then on, and the answer carries the new one, "
            "which expires when the old one would have (`POST /api/v1/reports/{id}/share` makes a "
            "longer one). The name, FTN and exam id of an anonymous upload were never stored, so "
            "the claimed report has none of them. Claiming saves a report: it takes one of the "
            "plan's saved reports for the month."
        ),
        request=None,
        parameters=[SHARE_TOKEN],
        responses={
            200: ReportSerializer,
            401: problem_response("Not signed in"),
            404: problem_response("No result has this token"),
            409: problem_response("The result belongs to someone else"),
            410: problem_response("The anonymous result has expired"),
            429: problem_response(
                "The plan's saved reports for the month are used up (`quota_exceeded`: 5 free); "
                "see Retry-After and X-RateLimit-*"
            ),
        },
        tags=["results"],
    )
    def post(self, request: Request, share_token: str) -> Response:
        report = selectors.report_get_shared(share_token)
        assert isinstance(request.user, User)
        services.report_claim(report=report, user=request.user)
        claimed = selectors.report_get_with_codes(report.pk)
        body = ReportSerializer(claimed, context={"request": request}).data
        return Response(body, headers={"Location": _report_location(claimed)})


@extend_schema_view(
    list=extend_schema(
        summary="Reports the caller may see, newest first",
        description=(
            "The caller's own reports, and those of the students of every organization where the "
            "caller is an instructor or an admin."
        ),
        responses={200: ReportSerializer(many=True), 422: problem_response("A filter is invalid")},
    ),
    retrieve=extend_schema(
        summary="One report",
        description="`share_token` and `share_expires_at` are null unless the caller owns the report.",
        responses={200: ReportSerializer, 404: problem_response("No visible report has this id")},
        examples=REPORT_READ,
    ),
    destroy=extend_schema(
        summary="Delete one's own report",
        description="Only the owner deletes; instructors and admins who may read it get 403.",
        responses={
            204: OpenApiResponse(description="Deleted."),
            403: problem_response("Visible but not the caller's"),
            404: problem_response("No visible report has this id"),
        },
    ),
)
@extend_schema(tags=["reports"])
class ReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ReportSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReportFilter
    lookup_value_regex = CANONICAL_UUID.pattern

    def get_queryset(self) -> QuerySet[Report]:
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or not isinstance(user, User):
            return Report.objects.none()
        return selectors.reports_visible_to(user)

    def perform_destroy(self, instance: Report) -> None:
        assert isinstance(self.request.user, User)
        services.report_delete(report=instance, user=self.request.user)

    @extend_schema(
        operation_id="reports_share_create",
        summary="Make or replace the report's share link",
        description=(
            "The owner only. A new token valid `days` days (1 to 90) replaces any previous one, "
            "which answers 404 from then on. `GET /api/v1/results/{share_token}` then shows the "
            "result without the applicant's name, FTN, applicant id, exam id or site, and answers "
            "410 once the link has expired."
        ),
        request=ShareLinkCreateSerializer,
        responses={
            201: ShareLinkSerializer,
            403: problem_response("Visible but not the caller's"),
            404: problem_response("No visible report has this id"),
        },
    )
    # JSON only: the contract's `days` is a JSON integer, which a form cannot carry.
    @action(detail=True, methods=["post"], url_path="share", filter_backends=[], parser_classes=[JSONParser])
    def share(self, request: Request, pk: str | None = None) -> Response:
        assert isinstance(request.user, User)
        wanted = ShareLinkCreateSerializer(data=request.data)
        wanted.is_valid(raise_exception=True)
        report = services.report_share_link_create(
            report=self.get_object(), user=request.user, days=wanted.validated_data["days"]
        )
        url = _share_location(report)
        body = {"share_token": report.share_token, "expires_at": report.share_expires_at, "url": url}
        return Response(
            ShareLinkSerializer(body).data, status=status.HTTP_201_CREATED, headers={"Location": url}
        )

    @extend_schema(
        operation_id="reports_share_destroy",
        summary="Revoke the report's share link",
        description="The owner only; the token answers 404 from then on. Revoking when there is no "
        "link changes nothing.",
        request=None,
        responses={
            204: OpenApiResponse(description="Revoked."),
            403: problem_response("Visible but not the caller's"),
            404: problem_response("No visible report has this id"),
        },
    )
    @share.mapping.delete
    def unshare(self, request: Request, pk: str | None = None) -> Response:
        assert isinstance(request.user, User)
        services.report_share_link_revoke(report=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
