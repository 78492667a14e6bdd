"""``GET /api/v1/cohorts/{id}/analytics`` and ``…/export``: a cohort's results over its students'
reports, as JSON or as a file."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.cohorts.selectors import cohort_get
from accounts.models import User
from accounts.plans.services import entitlement_check
from cfipros.api.negotiation import JSONOnlyNegotiation
from cfipros.api.problems import problem_response
from extraction.analytics.exports import cohort_export_csv, cohort_export_pdf
from extraction.analytics.selectors import AnalyticsFilter, cohort_analytics
from extraction.api.analytics.serializers import (
    AnalyticsQuerySerializer,
    CohortAnalyticsSerializer,
    CohortExportQuerySerializer,
)

COHORT_ID = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, OpenApiParameter.PATH
)
PLAN_REQUIRED = "The caller's plan does not include {} (`plan_required`, with `required_plan`)"


class CohortAnalyticsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cohorts_analytics",
        summary="A cohort's figures: pass rate, scores, areas and codes missed, heatmap, trend",
        description=(
            "Over the reports of the cohort's students the caller still teaches, with an exam date "
            "between `since` and `until` (inclusive) for `exam`. `share` is the fraction of the "
            "cohort's students who missed the area or code; an area missed by more than 30% of "
            "them is flagged as a class weakness."
        ),
        parameters=[AnalyticsQuerySerializer, COHORT_ID],
        responses={
            200: CohortAnalyticsSerializer,
            403: problem_response(PLAN_REQUIRED.format("analytics")),
            404: problem_response("The caller has no cohort with this id"),
            422: problem_response("A query parameter is invalid"),
        },
        tags=["cohorts"],
    )
    def get(self, request: Request, pk: Any) -> Response:
        assert isinstance(request.user, User)
        query = AnalyticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        cohort = cohort_get(user=request.user, cohort_id=int(pk))
        entitlement_check(request.user, "analytics")
        figures = cohort_analytics(cohort, AnalyticsFilter(**query.validated_data))
        # The selector's figures are plain JSON values in the contract's shape: passing them through
        # the serializer field by field cost more than computing them from the cache.
        return Response(figures)


class CohortExportView(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = JSONOnlyNegotiation

    @extend_schema(
        operation_id="cohorts_export",
        summary="A cohort's figures as a download: the heatmap as CSV, or a PDF report",
        description=(
            "The figures of `GET /api/v1/cohorts/{id}/analytics` for the same `since`, `until` and "
            "`exam`. `format=csv`: the heatmap, one row per student (`student_id`, `student`, a "
            "column per ACS area with the codes missed there, `total`). `format=pdf`: the summary, "
            "the areas missed as bars (class weaknesses in red), the heatmap and the top misses "
            "with their descriptions. Needs a plan with analytics and exports."
        ),
        parameters=[CohortExportQuerySerializer, COHORT_ID],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            403: problem_response(PLAN_REQUIRED.format("analytics or exports")),
            404: problem_response("The caller has no cohort with this id"),
            422: problem_response("A query parameter is invalid, or `format` is not csv or pdf"),
        },
        tags=["cohorts"],
    )
    def get(self, request: Request, pk: Any) -> HttpResponse:
        assert isinstance(request.user, User)
        query = CohortExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = dict(query.validated_data)
        export_format = wanted.pop("format")
        cohort = cohort_get(user=request.user, cohort_id=int(pk))
        plan = entitlement_check(request.user, "analytics")
        entitlement_check(request.user, "exports", plan=plan)
        period = AnalyticsFilter(**wanted)
        figures = cohort_analytics(cohort, period)
        if export_format == "csv":
            response = HttpResponse(cohort_export_csv(figures), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                cohort_export_pdf(cohort.name, figures, period), content_type="application/pdf"
            )
        response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}.{export_format}"'
        response["Cache-Control"] = "no-store"
        return response
