"""``GET /api/v1/me/usage``: the caller's plan, its limits and what was used of them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.plans.usage import usage_get
from cfipros.api.problems import problem_response


class PlanLimitsSerializer(serializers.Serializer):
    """A plan's limits (null: no limit) and features."""

    extractions_per_day = serializers.IntegerField(allow_null=True)
    saved_reports_per_month = serializers.IntegerField(allow_null=True)
    files_per_batch = serializers.IntegerField()
    batched_documents_per_month = serializers.IntegerField(allow_null=True)
    seats = serializers.IntegerField(allow_null=True)
    batch = serializers.BooleanField()
    cohorts = serializers.BooleanField()
    exports = serializers.BooleanField()
    analytics = serializers.BooleanField()


class UsageCountsSerializer(serializers.Serializer):
    extractions_today = serializers.IntegerField()
    saved_reports_this_month = serializers.IntegerField()
    batched_documents_this_month = serializers.IntegerField()


class UsageSerializer(serializers.Serializer):
    plan = serializers.CharField(
        help_text="The code of the plan that applies (the better of own and organization's)."
    )
    limits = PlanLimitsSerializer()
    used = UsageCountsSerializer()
    resets_at = serializers.DateTimeField(
        help_text="When the daily extraction count starts again (UTC midnight)."
    )


class MeUsageView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_usage_retrieve",
        summary="The signed-in user's plan, its limits and what was used of them",
        responses={200: UsageSerializer, 401: problem_response("Not signed in")},
        tags=["identity"],
    )
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        return Response(UsageSerializer(usage_get(request.user)).data)
