"""Query parameters of the report history, read exactly as the contract states them."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema_field

from cfipros.api.fields import IsoDateFilter, StrictFilterSet, matches
from extraction.models import Report

EXAM_CODE_PATTERN = r"^[A-Za-z0-9]{1,8}$"


class ReportFilter(StrictFilterSet):
    exam_code = extend_schema_field({"type": "string", "pattern": EXAM_CODE_PATTERN})(
        django_filters.CharFilter(
            field_name="exam_code",
            lookup_expr="iexact",
            strip=False,
            validators=[matches(EXAM_CODE_PATTERN, "A test code is letters and digits, e.g. PAR.")],
            help_text="Test code in any case, e.g. PAR.",
        )
    )
    date_from = IsoDateFilter(
        field_name="exam_date", lookup_expr="gte", help_text="Exam date on or after (YYYY-MM-DD)."
    )
    date_to = IsoDateFilter(
        field_name="exam_date", lookup_expr="lte", help_text="Exam date on or before (YYYY-MM-DD)."
    )
    status = django_filters.ChoiceFilter(choices=Report.Status.choices)

    class Meta:
        model = Report
        fields = ["exam_code", "date_from", "date_to", "status"]
