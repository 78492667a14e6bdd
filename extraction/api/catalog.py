"""Public, read-only ACS catalogue: ``/api/v1/acs-codes`` and ``/api/v1/acs-codes/{code}``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.forms import CharField
from django_filters import fields as filter_fields
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, filters, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from cfipros.api.problems import problem_response
from extraction import selectors
from extraction.engine.data.exams import EXAM_TITLES
from extraction.engine.grammar import AREA_PATTERN, PREFIX_PATTERN, TASK_PATTERN
from extraction.models import AcsElement

PROBLEM_404 = problem_response("No element has this code")
PROBLEM_422 = problem_response("A query parameter is invalid")


class AcsElementSerializer(serializers.ModelSerializer[AcsElement]):
    exam_codes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Knowledge-test codes that cover this element.",
    )

    class Meta:
        model = AcsElement
        fields = [
            "code",
            "prefix",
            "area",
            "area_title",
            "task",
            "task_title",
            "element_type",
            "number",
            "sub_letter",
            "description",
            "topic",
            "exam_codes",
            "edition",
        ]
        read_only_fields = fields


class _UpperCharField(CharField):
    """Query values are case-insensitive: ``prefix=pa`` means ``PA``."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).upper()


class _UpperChoiceField(filter_fields.ChoiceField):
    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value.upper() if isinstance(value, str) else value


class UpperCharFilter(django_filters.CharFilter):
    field_class = _UpperCharField


class UpperChoiceFilter(django_filters.ChoiceFilter):
    field_class = _UpperChoiceField


class AcsElementFilter(django_filters.FilterSet):
    prefix = UpperCharFilter(
        validators=[RegexValidator(rf"^{PREFIX_PATTERN}$", "An ACS prefix is two letters, e.g. PA.")],
        help_text="ACS prefix, e.g. PA (Private Pilot Airplane).",
    )
    exam = UpperChoiceFilter(
        choices=[(code, EXAM_TITLES.get(code, code)) for code in selectors.KNOWN_EXAM_CODES],
        method="filter_exam",
        help_text="Knowledge-test code, e.g. PAR: the elements that test covers.",
    )
    element_type = UpperChoiceFilter(
        choices=AcsElement.ElementType.choices,
        help_text="K knowledge, R risk management, S skill.",
    )
    area = UpperCharFilter(
        validators=[
            RegexValidator(rf"^{AREA_PATTERN}$", "An area of operation is a roman numeral, e.g. IX.")
        ],
        help_text="Area of operation, roman numeral, e.g. I.",
    )
    task = UpperCharFilter(
        validators=[RegexValidator(rf"^{TASK_PATTERN}$", "A task is one letter, e.g. C.")],
        help_text="Task letter, e.g. C.",
    )
    edition = django_filters.CharFilter(
        max_length=40, help_text="ACS edition; the shipped catalogue is all 'current'."
    )

    class Meta:
        model = AcsElement
        fields = ["prefix", "exam", "element_type", "area", "task", "edition"]

    def filter_exam(self, queryset: QuerySet[AcsElement], name: str, value: str) -> QuerySet[AcsElement]:
        return selectors.filter_by_exam(queryset, value)


class AcsSearchFilter(filters.SearchFilter):
    search_description = "Words that must all appear, case-insensitively, in the code or the description."


class AcsOrderingFilter(filters.OrderingFilter):
    """``ordering=area,-task``: keys from a fixed list, refused with 422 when unknown."""

    ordering_fields = list(selectors.ORDERING_KEYS)

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> QuerySet[Any]:
        raw = request.query_params.get(self.ordering_param, "")
        keys = [term.strip() for term in raw.split(",") if term.strip()]
        unknown = [key for key in keys if key.lstrip("-") not in selectors.ORDERING_KEYS]
        if unknown:
            allowed = ", ".join(selectors.ORDERING_KEYS)
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        f"Unknown ordering {', '.join(unknown)}; use {allowed}, '-' to reverse."
                    ]
                }
            )
        return selectors.order_acs_elements(queryset, keys)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    "Comma-separated keys among code, prefix, area, task; prefix '-' to reverse. "
                    "Areas sort by numeral value. Default: catalogue order."
                ),
                "schema": {"type": "string"},
            }
        ]


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
        return selectors.acs_elements()

    def get_object(self) -> AcsElement:
        edition = self.request.query_params.get("edition") or None
        return selectors.get_acs_element(self.kwargs[self.lookup_field], edition)
