"""``GET /api/v1/organizations/{id}/analytics``: a school's results, for its administrators."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.organizations.selectors import organization_administered
from accounts.plans.services import entitlement_check
from cfipros.api.problems import problem_response
from extraction.analytics.selectors import AnalyticsFilter, organization_analytics
from extraction.api.analytics.serializers import AnalyticsQuerySerializer
from extraction.api.analytics.views import PLAN_REQUIRED
from extraction.api.organizations.serializers import OrganizationAnalyticsSerializer


class OrganizationAnalyticsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="organizations_analytics",
        summary="A school's figures, per instructor, and month-over-month drift by area",
        description=(
            "For an administrator of the organization: a cohort's figures over every student of "
            "the school. `instructors` gives each instructor and admin with the school's students "
            "they teach (linked to them or in one of their cohorts) and those students' reports, "
            "pass rate and mean score; `drift` gives, per area and per month with reports, the "
            "share of the month's reports that missed the area and its change from the previous "
            "month. Any other organization, one the caller only belongs to included, is not found; "
            "the caller's plan (or the school's) must include analytics."
        ),
        parameters=[
            AnalyticsQuerySerializer,
            OpenApiParameter(
                "id", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, OpenApiParameter.PATH
            ),
        ],
        responses={
            200: OrganizationAnalyticsSerializer,
            403: problem_response(PLAN_REQUIRED.format("analytics")),
            404: problem_response("The caller administers no organization with this id"),
            422: problem_response("A query parameter is invalid"),
        },
        tags=["organizations"],
    )
    def get(self, request: Request, pk: Any) -> Response:
        assert isinstance(request.user, User)
        query = AnalyticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        organization = organization_administered(user=request.user, organization_id=int(pk))
        entitlement_check(request.user, "analytics")
        figures = organization_analytics(organization, AnalyticsFilter(**query.validated_data))
        # Plain JSON values in the contract's shape, as for a cohort: no field-by-field serializer pass.
        return Response(figures)
