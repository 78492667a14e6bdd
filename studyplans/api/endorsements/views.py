"""The 61.39 endorsement draft of a report, for whoever may see the report's owner."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cfipros.api.negotiation import JSONOnlyNegotiation
from cfipros.api.problems import problem_response
from studyplans.api.endorsements.serializers import EndorsementSerializer
from studyplans.api.requests import request_user, requested_format
from studyplans.endorsements.selectors import endorsement_draft, report_get_visible

ENDORSEMENT_FORMATS = ("json", "text")


class ReportEndorsementView(APIView):
    """``GET /api/v1/reports/{id}/endorsement``: the draft an instructor reviews and signs."""

    content_negotiation_class = JSONOnlyNegotiation

    @extend_schema(
        summary="Draft of the 14 CFR 61.39 endorsement for a report's deficient areas",
        parameters=[
            OpenApiParameter("report_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=list(ENDORSEMENT_FORMATS),
                description="json (default) or text; `Accept: text/plain` also selects text.",
            ),
        ],
        responses={
            (200, "application/json"): EndorsementSerializer,
            (200, "text/plain"): OpenApiTypes.STR,
            404: problem_response("No such report visible to the caller"),
            422: problem_response("Unknown format"),
        },
    )
    def get(self, request: Request, report_id: Any) -> Response | HttpResponse:
        accept = request.META.get("HTTP_ACCEPT", "")
        default = "text" if "text/plain" in accept and "application/json" not in accept else "json"
        fmt = requested_format(request, ENDORSEMENT_FORMATS, default)
        report = report_get_visible(request_user(request), report_id)
        endorsement = endorsement_draft(report)
        if fmt == "text":
            return HttpResponse(endorsement.text, content_type="text/plain; charset=utf-8")
        return Response(EndorsementSerializer(endorsement).data)
