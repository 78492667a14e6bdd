"""Query parameters of the catalogue: filters, search and an ordering refused with 422 when unknown."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.forms import CharField
from django_filters import fields as filter_fields
from rest_framework import exceptions, filters
from rest_framework.request import Request
from rest_framework.views import APIView

from extraction.catalog import selectors
from extraction.engine import EXAM_TITLES
from extraction.engine.grammar import AREA_PATTERN, PREFIX_PATTERN, TASK_PATTERN
from extraction.models import AcsElement


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
        return selectors.acs_elements_filter_exam(queryset, value)


class AcsSearchFilter(filters.BaseFilterBackend):
    """``search=weather minimums``: every word in the code or the description; 422 past the caps."""

    search_param = "search"

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: APIView) -> QuerySet[Any]:
        terms = selectors.search_terms_parse(request.query_params.get(self.search_param, ""))
        return selectors.acs_elements_search(queryset, terms) if terms else queryset

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": (
                    "Words that must all appear, case-insensitively, in the code or the description, "
                    "separated by spaces or commas: at most "
                    f"{selectors.SEARCH_MAX_TERMS} words of at most "
                    f"{selectors.SEARCH_MAX_TERM_LENGTH} characters, {selectors.SEARCH_MAX_LENGTH} "
                    "characters in all, no control characters; beyond that the answer is 422."
                ),
                "schema": {
                    "type": "string",
                    "maxLength": selectors.SEARCH_MAX_LENGTH,
                    "pattern": selectors.SEARCH_PATTERN,
                },
                "examples": {"words": {"value": "weather minimums"}, "code": {"value": "PA.I.C"}},
            }
        ]


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
        return selectors.acs_elements_order(queryset, keys)

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
