"""Query parameters of the report history."""

from __future__ import annotations

import django_filters

from extraction.models import Report


class ReportFilter(django_filters.FilterSet):
    exam_code = django_filters.CharFilter(
        field_name="exam_code", lookup_expr="iexact", help_text="Test code, e.g. PAR."
    )
    date_from = django_filters.DateFilter(
        field_name="exam_date", lookup_expr="gte", help_text="Exam date on or after (YYYY-MM-DD)."
    )
    date_to = django_filters.DateFilter(
        field_name="exam_date", lookup_expr="lte", help_text="Exam date on or before (YYYY-MM-DD)."
    )
    status = django_filters.ChoiceFilter(choices=Report.Status.choices)

    class Meta:
        model = Report
        fields = ["exam_code", "date_from", "date_to", "status"]
