"""Query parameters of the catalogue: filters, search and an ordering refused with 422 when unknown."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.forms import CharField
from django_filters import fields as filter_fields
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, filters
from rest_framework.request import Request
from rest_framework.views import APIView

from cfipros.api.fields import StrictFilterSet, matches
from extraction.catalog import selectors
from extraction.engine import EXAM_TITLES
from extraction.engine.grammar import AREA_PATTERN, PREFIX_PATTERN, TASK_PATTERN
from extraction.models import AcsElement


class _UpperCharField(CharField):
    """Letters are case-insensitive: ``prefix=pa`` means ``PA``. Only ASCII is upper-cased, so
    ``ß`` stays itself (and is refused) instead of becoming ``SS``, as the contract's patterns say."""

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value))
        return text.upper() if text.isascii() else text


class UpperCharFilter(django_filters.CharFilter):
    field_class = _UpperCharField


class _UpperChoiceField(filter_fields.ChoiceField):
    """A choice in upper or lower case (``exam=par`` means ``PAR``), as the contract lists them;
    mixed case is no choice."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str) and value.isascii() and value.islower():
            return value.upper()
        return value


class UpperChoiceFilter(django_filters.ChoiceFilter):
    field_class = _UpperChoiceField


def choice_filter(choices: list[tuple[str, str]], help_text: str, **extra: Any) -> django_filters.Filter:
    """A filter of ``choices`` in upper or lower case, the contract listing both spellings."""
    values = [value for value, _ in choices]
    schema = {"type": "string", "enum": [*values, *(value.lower() for value in values)]}
    return extend_schema_field(schema)(UpperChoiceFilter(choices=choices, help_text=help_text, **extra))


def _letters(pattern: str) -> str:
    """The contract's pattern for an upper-case grammar ``pattern`` taken in either case."""
    return "^" + pattern.replace("[A-Z]", "[A-Za-z]").replace("[IVX]", "[IVXivx]") + "$"


def pattern_filter(
    pattern: str, message: str, help_text: str, *, upper: bool = True, max_length: int | None = None
) -> django_filters.Filter:
    """A filter whose contract ``pattern`` is also what it accepts, unstripped: the value the
    contract checks is the value the filter reads (ASCII upper-cased when ``upper``)."""
    schema: dict[str, Any] = {"type": "string", "pattern": pattern}
    if max_length is not None:
        schema["maxLength"] = max_length
    field = UpperCharFilter if upper else django_filters.CharFilter
    validators = [matches(pattern, message)]
    return extend_schema_field(schema)(
        field(validators=validators, help_text=help_text, strip=False, max_length=max_length)
    )


# No control character (a NUL cannot even be stored in PostgreSQL), at most the column's 40.
EDITION_PATTERN = r"^[^\x00-\x1f\x7f]{1,40}$"
ORDERING_KEY = "-?(?:" + "|".join(selectors.ORDERING_KEYS) + ")"
ORDERING_PATTERN = rf"^(?:{ORDERING_KEY}(?:,{ORDERING_KEY})*)?$"
ORDERING_RE = re.compile(ORDERING_PATTERN.removesuffix("$"))


class AcsElementFilter(StrictFilterSet):
    """Exact values, letters in either case (``exam`` and ``element_type`` all upper or all lower)."""

    prefix = pattern_filter(
        _letters(PREFIX_PATTERN),
        "An ACS prefix is two letters, e.g. PA.",
        "ACS prefix, e.g. PA (Private Pilot Airplane).",
    )
    exam = choice_filter(
        [(code, EXAM_TITLES.get(code, code)) for code in selectors.KNOWN_EXAM_CODES],
        "Knowledge-test code, e.g. PAR (or par): the elements that test covers.",
        method="filter_exam",
    )
    element_type = choice_filter(
        AcsElement.ElementType.choices, "K knowledge, R risk management, S skill (or k, r, s)."
    )
    area = pattern_filter(
        _letters(AREA_PATTERN),
        "An area of operation is a roman numeral, e.g. IX.",
        "Area of operation, roman numeral, e.g. I.",
    )
    task = pattern_filter(_letters(TASK_PATTERN), "A task is one letter, e.g. C.", "Task letter, e.g. C.")
    edition = pattern_filter(
        EDITION_PATTERN,
        "An edition is at most 40 characters, none of them a control character.",
        "ACS edition; the shipped catalogue is all 'current'.",
        upper=False,
        max_length=40,
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
        keys = raw.split(",") if raw else []
        if not ORDERING_RE.fullmatch(raw):
            unknown = [key for key in keys if not re.fullmatch(ORDERING_KEY, key)] or [repr(raw)]
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
                "schema": {"type": "string", "pattern": ORDERING_PATTERN},
                "examples": {"area then task, reversed": {"value": "area,-task"}},
            }
        ]
