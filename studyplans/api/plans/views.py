"""Study plans: list, detail, generation from reports, progress on an item, exports.

Who may do what: everyone who may see a report's owner (the owner, their instructors, their
organization's admins) may read the owner's plans and exports, and may generate a plan from
reports they can see; only the plan's owner records progress on it, so an instructor's view of a
student's plan is read-only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from cfipros.api.negotiation import JSONOnlyNegotiation
from cfipros.api.problems import problem_response
from studyplans.api.plans.examples import PLAN_CREATED, PLAN_REQUEST
from studyplans.api.plans.serializers import (
    StudyPlanCreateSerializer,
    StudyPlanDetailSerializer,
    StudyPlanItemSerializer,
    StudyPlanItemUpdateResponseSerializer,
    StudyPlanItemUpdateSerializer,
    StudyPlanListSerializer,
)
from studyplans.api.requests import request_user, requested_format
from studyplans.exports.selectors import EXPORT_FORMATS, study_plan_export
from studyplans.models import StudyPlan
from studyplans.plans.selectors import study_plan_get, study_plan_list
from studyplans.plans.services import study_plan_create
from studyplans.progress.selectors import study_plan_item_get_for_owner, study_plan_progress_get
from studyplans.progress.services import study_plan_item_update

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
}
# Ids are 64-bit; a longer run of digits matches no route (404) rather than reaching the database.
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}
ID_REGEX = "[0-9]{1,19}"
PLAN_ID = OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="Study plans visible to the caller",
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=list(StudyPlan.Status.values)
            )
        ],
        responses={
            200: StudyPlanListSerializer(many=True),
            401: problem_response("Not signed in"),
            422: problem_response("Unknown status"),
        },
    ),
    retrieve=extend_schema(
        summary="One study plan with sections, items, schedule and progress",
        parameters=[PLAN_ID],
        responses={
            200: StudyPlanDetailSerializer,
            404: problem_response("No such plan visible to the caller"),
        },
    ),
)
class StudyPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    content_negotiation_class = JSONOnlyNegotiation
    parser_classes = [JSONParser]
    serializer_class = StudyPlanListSerializer
    lookup_value_regex = ID_REGEX
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[StudyPlan]:
        wanted = self.request.query_params.get("status") if self.action == "list" else None
        return study_plan_list(request_user(self.request), status=wanted)

    def get_serializer_class(self) -> type[Any]:
        if self.action == "retrieve":
            return StudyPlanDetailSerializer
        if self.action == "create":
            return StudyPlanCreateSerializer
        return StudyPlanListSerializer

    def _visible_plan(self, pk: Any) -> StudyPlan:
        """The plan named by the URL (``lookup_value_regex`` admits digits only)."""
        return study_plan_get(request_user(self.request), int(pk))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self._visible_plan(kwargs.get("pk"))
        return Response(StudyPlanDetailSerializer(plan).data)

    @extend_schema(
        summary="Generate a study plan from reports",
        request=StudyPlanCreateSerializer,
        examples=[*PLAN_REQUEST, *PLAN_CREATED],
        responses={
            201: StudyPlanDetailSerializer,
            404: problem_response("A report is not visible to the caller"),
            422: problem_response("Invalid body, or reports of different people"),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = StudyPlanCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = study_plan_create(user=request_user(request), **serializer.validated_data)
        detail = self._visible_plan(plan.pk)
        return Response(
            StudyPlanDetailSerializer(detail).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("study-plan-detail", kwargs={"pk": plan.pk})},
        )

    @extend_schema(
        summary="Record progress on one item (the plan's owner only)",
        request=StudyPlanItemUpdateSerializer,
        parameters=[PLAN_ID, OpenApiParameter("item_id", ID_SCHEMA, OpenApiParameter.PATH)],
        responses={
            200: StudyPlanItemUpdateResponseSerializer,
            403: problem_response("The caller may read this plan but not change it"),
            404: problem_response("No such plan or item visible to the caller"),
            422: problem_response("Invalid body"),
        },
    )
    @action(detail=True, methods=["patch"], url_path=rf"items/(?P<item_id>{ID_REGEX})")
    def item(self, request: Request, pk: str | None = None, item_id: str | None = None) -> Response:
        plan = self._visible_plan(pk)
        item = study_plan_item_get_for_owner(user=request_user(request), plan=plan, item_id=int(item_id or 0))
        serializer = StudyPlanItemUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        study_plan_item_update(plan=plan, item=item, **serializer.validated_data)
        return Response(
            {
                "item": StudyPlanItemSerializer(item).data,
                "plan_status": plan.status,
                "progress": study_plan_progress_get(plan),
            }
        )

    @extend_schema(
        summary="Export a plan as PDF, CSV or iCalendar",
        parameters=[
            PLAN_ID,
            OpenApiParameter(
                "format", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True, enum=list(EXPORT_FORMATS)
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "text/calendar"): OpenApiTypes.STR,
            404: problem_response("No such plan visible to the caller"),
            422: problem_response("Unknown format"),
        },
    )
    @action(detail=True, methods=["get"], url_path="export")
    def export(self, request: Request, pk: str | None = None) -> HttpResponse:
        plan = self._visible_plan(pk)
        fmt = requested_format(request, EXPORT_FORMATS, None)
        body = study_plan_export(plan=plan, fmt=fmt)
        response = HttpResponse(body, content_type=MEDIA_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="study-plan-{plan.pk}.{fmt}"'
        return response
