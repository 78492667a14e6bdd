"""``GET /api/v1/cohorts/{id}/analytics``: a cohort's results over its students' reports."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.cohorts.selectors import cohort_get
from accounts.models import User
from cfipros.api.problems import problem_response
from extraction.analytics.selectors import AnalyticsFilter, cohort_analytics
from extraction.api.analytics.serializers import AnalyticsQuerySerializer, CohortAnalyticsSerializer


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
        parameters=[
            AnalyticsQuerySerializer,
            OpenApiParameter(
                "id", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, OpenApiParameter.PATH
            ),
        ],
        responses={
            200: CohortAnalyticsSerializer,
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
        figures = cohort_analytics(cohort, AnalyticsFilter(**query.validated_data))
        return Response(CohortAnalyticsSerializer(figures).data)
