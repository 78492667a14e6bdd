"""Public, read-only ACS catalogue: ``/api/v1/acs-codes`` and ``/api/v1/acs-codes/{code}``.

Both reads carry an ``ETag`` and ``Cache-Control`` and answer 304 to a matching
``If-None-Match`` (``extraction.api.catalog.caching``).
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from cfipros.api.problems import problem_response
from cfipros.errors import Invalid, NotFound
from extraction.api.catalog.caching import IF_NONE_MATCH_PATTERN, MAX_AGE_SECONDS, catalog_response
from extraction.api.catalog.filter_backend import CatalogFilterBackend
from extraction.api.catalog.filters import (
    EDITION_PATTERN,
    AcsElementFilter,
    AcsOrderingFilter,
    AcsSearchFilter,
)
from extraction.api.catalog.pagination import CatalogPagination
from extraction.api.catalog.serializers import AcsElementSerializer
from extraction.catalog import selectors
from extraction.models import AcsElement

# What a code can look like in any spelling; anything else names no element (404).
CODE_PATTERN = r"^[A-Za-z0-9.-]{1,40}$"
CODE_RE = re.compile(CODE_PATTERN.removesuffix("$"))
EDITION_RE = re.compile(EDITION_PATTERN.removesuffix("$"))

PROBLEM_404 = problem_response("No element has this code")
PROBLEM_422 = problem_response("A query parameter is invalid")
NOT_MODIFIED = OpenApiResponse(description="The copy named by If-None-Match is current; no body.")

CACHING_PARAMETERS = [
    OpenApiParameter(
        "If-None-Match",
        {"type": "string", "pattern": IF_NONE_MATCH_PATTERN},
        OpenApiParameter.HEADER,
        description="The ETag of a copy the client holds: 304 while the catalogue has not changed.",
    ),
    OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="Changes whenever the catalogue does (a load or a correction).",
        response=[200, 304],
    ),
    OpenApiParameter(
        "Cache-Control",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description=f"public, max-age={MAX_AGE_SECONDS}",
        response=[200, 304],
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List ACS elements",
        description="The ACS catalogue, paginated; searchable over code and description.",
        parameters=CACHING_PARAMETERS,
        responses={200: AcsElementSerializer(many=True), 304: NOT_MODIFIED, 422: PROBLEM_422},
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
                {"type": "string", "pattern": CODE_PATTERN},
                OpenApiParameter.PATH,
                description="ACS code in any case, dotted (PA.I.A.K1) or as a slug (pa-i-a-k1).",
                examples=[
                    OpenApiExample("dotted", value="PA.I.A.K1"),
                    OpenApiExample("slug", value="pa-i-a-k1"),
                ],
            ),
            OpenApiParameter(
                "edition",
                {"type": "string", "pattern": EDITION_PATTERN, "maxLength": 40},
                OpenApiParameter.QUERY,
                description="A specific edition of the element; default: current, else the latest loaded.",
            ),
            *CACHING_PARAMETERS,
        ],
        responses={200: AcsElementSerializer, 304: NOT_MODIFIED, 404: PROBLEM_404},
    ),
)
class AcsElementViewSet(viewsets.ReadOnlyModelViewSet[AcsElement]):
    """Public and read-only: the catalogue is FAA public-domain content and needs no identity."""

    serializer_class = AcsElementSerializer
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    filter_backends = [CatalogFilterBackend, AcsSearchFilter, AcsOrderingFilter]
    pagination_class = CatalogPagination
    filterset_class = AcsElementFilter
    search_fields = ["code", "description"]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[AcsElement]:
        return selectors.acs_elements_list()

    # A cached body or a 304 is a plain Django response: DRF passes one through untouched.
    def list(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]
        return catalog_response(request, partial(super().list, request, *args, **kwargs))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:  # type: ignore[override]
        return catalog_response(request, partial(super().retrieve, request, *args, **kwargs))

    def get_object(self) -> AcsElement:
        code = self.kwargs[self.lookup_field]
        if not CODE_RE.fullmatch(code):
            raise NotFound(f"No ACS element with code {code!r}.")
        edition = self.request.query_params.get("edition")
        if edition is not None and not EDITION_RE.fullmatch(edition):
            message = "An edition is at most 40 characters, none of them a control character."
            raise Invalid(message, code="invalid_edition", errors={"edition": [message]})
        return selectors.acs_element_get(code, edition)
