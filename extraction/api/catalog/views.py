"""Public, read-only ACS catalogue: ``/api/v1/acs-codes`` and ``/api/v1/acs-codes/{code}``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from cfipros.api.problems import problem_response
from extraction.api.catalog.filters import AcsElementFilter, AcsOrderingFilter, AcsSearchFilter
from extraction.api.catalog.serializers import AcsElementSerializer
from extraction.catalog import selectors
from extraction.models import AcsElement

PROBLEM_404 = problem_response("No element has this code")
PROBLEM_422 = problem_response("A query parameter is invalid")


@extend_schema_view(
    list=extend_schema(
        summary="List ACS elements",
        description="The ACS catalogue, paginated; searchable over code and description.",
        responses={200: AcsElementSerializer(many=True), 422: PROBLEM_422},
    ),
    retrieve=extend_schema(
        summary="One ACS element",
        description=(
            "Look up an element by code; when it exists in several editions the current one is "
            "returned unless `edition` names another."
        ),
        parameters=[
            OpenApiParameter(
                "code",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="ACS code in any case, dotted (PA.I.A.K1) or as a slug (pa-i-a-k1).",
            ),
            OpenApiParameter(
                "edition",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="A specific edition of the element; default: current, else the latest loaded.",
            ),
        ],
        responses={200: AcsElementSerializer, 404: PROBLEM_404},
    ),
)
class AcsElementViewSet(viewsets.ReadOnlyModelViewSet[AcsElement]):
    """Public and read-only: the catalogue is FAA public-domain content and needs no identity."""

    serializer_class = AcsElementSerializer
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    filter_backends = [DjangoFilterBackend, AcsSearchFilter, AcsOrderingFilter]
    filterset_class = AcsElementFilter
    search_fields = ["code", "description"]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[AcsElement]:
        return selectors.acs_elements_list()

    def get_object(self) -> AcsElement:
        edition = self.request.query_params.get("edition") or None
        return selectors.acs_element_get(self.kwargs[self.lookup_field], edition)
