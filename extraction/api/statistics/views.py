"""``GET /api/v1/stats/codes`` and ``/stats/exams``: the national statistics, public and cached."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cfipros.api.pagination import LimitOffsetPagination
from cfipros.api.problems import problem_response
from extraction.api.statistics.serializers import (
    CodesQuerySerializer,
    ExamsQuerySerializer,
    NationalCodesSerializer,
    NationalExamSerializer,
)
from extraction.models import ExamDayStatistic
from extraction.statistics.selectors import DEFAULT_DAYS, national_codes_cached, national_exams_cached

PAGE_PARAMETERS = [
    OpenApiParameter(
        parameter["name"], parameter["schema"], OpenApiParameter.QUERY, description=parameter["description"]
    )
    for parameter in LimitOffsetPagination().get_schema_operation_parameters(None)
]


def _cached_answer(data: Any, age: float) -> Response:
    """The answer may be kept as long as the server would keep it, so a client's copy is never
    older than ``STATISTICS_CACHE_SECONDS`` either."""
    response = Response(data)
    remaining = max(0, math.floor(settings.STATISTICS_CACHE_SECONDS - age))
    response["Cache-Control"] = f"public, max-age={remaining}"
    return response


class _PublicStatisticsView(APIView):
    """The same answer for everyone: no authentication is read, so no token can make it fail."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class NationalCodesView(_PublicStatisticsView):
    @extend_schema(
        operation_id="stats_codes",
        summary="The ACS codes applicants of an exam missed nationally",
        description=(
            "Over the reports received in the last `days` UTC days (today included) from everyone "
            "who has not opted out, anonymous results included. A code missed by fewer than 5 "
            "reports is left out, and so is everything of an exam with fewer than 5 reports "
            "(`reports` null). Answers are at most 5 seconds old. Paginated by `limit` and `offset`."
        ),
        parameters=[CodesQuerySerializer, *PAGE_PARAMETERS],
        responses={200: NationalCodesSerializer, 422: problem_response("A query parameter is invalid")},
        auth=[],
        tags=["statistics"],
    )
    def get(self, request: Request) -> Response:
        query = CodesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        exam, days = query.validated_data["exam"], query.validated_data.get("days", DEFAULT_DAYS)
        paginator = LimitOffsetPagination()
        table, age = national_codes_cached(exam=exam, days=days, today=timezone.now().date())
        # The cached table is already the answer's data (NationalCodeSerializer documents it).
        page: list[dict[str, Any]] = paginator.paginate_queryset(table["codes"], request, view=self) or []
        body = {
            "exam": table["exam"],
            "days": table["days"],
            "reports": table["reports"],
            "count": len(table["codes"]),
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "codes": page,
        }
        return _cached_answer(body, age)


class NationalExamsView(_PublicStatisticsView, generics.ListAPIView[Any]):
    serializer_class = NationalExamSerializer
    filter_backends: list[type] = []  # the window is the only filter, read by ExamsQuerySerializer
    queryset = ExamDayStatistic.objects.none()  # names the model for the schema; list() reads the selector

    @extend_schema(
        operation_id="stats_exams",
        summary="Reports, pass rate and score distribution per exam, nationally",
        description=(
            "Over the reports received in the last `days` UTC days (today included), as "
            "`/stats/codes` counts them; an exam with fewer than 5 reports is left out. Answers are "
            "at most 5 seconds old."
        ),
        parameters=[ExamsQuerySerializer],
        responses={
            200: NationalExamSerializer(many=True),
            422: problem_response("A query parameter is invalid"),
        },
        auth=[],
        tags=["statistics"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = ExamsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        exams, age = national_exams_cached(
            days=query.validated_data.get("days", DEFAULT_DAYS), today=timezone.now().date()
        )
        page = self.paginate_queryset(exams) or []
        return _cached_answer(self.get_paginated_response(page).data, age)
