"""The queries and the answers of the national statistics."""

from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers

from cfipros.api.fields import StrictQuerySerializer, pattern_field
from extraction.statistics.selectors import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS

DAYS_HELP = (
    "The window: the last `days` UTC days, today included "
    f"({MIN_DAYS} to {MAX_DAYS}, default {DEFAULT_DAYS})."
)


class QueryIntegerField(serializers.IntegerField):
    """A whole number as a query string writes it: digits only, not ``7.0`` nor `` 7``."""

    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, str) or not re.fullmatch(r"-?[0-9]{1,9}", data):
            self.fail("invalid")
        result: int = super().to_internal_value(data)
        return result


class ExamsQuerySerializer(StrictQuerySerializer):
    days = QueryIntegerField(min_value=MIN_DAYS, max_value=MAX_DAYS, required=False, help_text=DAYS_HELP)


class CodesQuerySerializer(ExamsQuerySerializer):
    exam = pattern_field(
        r"^[A-Z0-9]{2,4}$",
        "An exam code is 2 to 4 capitals or digits, e.g. PAR.",
        help_text="An exam code, e.g. PAR.",
    )


class NationalCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField(help_text="The catalogue's wording; empty for a code it lacks.")
    reports = serializers.IntegerField(help_text="Reports of the window that missed the code (5 or more).")
    share = serializers.FloatField(help_text="Fraction of the window's reports of the exam that missed it.")
    trend_7d = serializers.FloatField(
        allow_null=True,
        help_text="Share over the last 7 days minus share over the 7 days before; null when either "
        "week has fewer than 5 reports of the exam.",
    )


class NationalCodesSerializer(serializers.Serializer):
    exam = serializers.CharField()
    days = serializers.IntegerField()
    reports = serializers.IntegerField(
        allow_null=True, help_text="Reports of the exam in the window; null when fewer than 5."
    )
    count = serializers.IntegerField(help_text="Codes in the table, over every page.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    codes = NationalCodeSerializer(
        many=True, help_text="Codes missed by 5 reports or more, most missed first."
    )


class ScoreBucketSerializer(serializers.Serializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField()
    reports = serializers.IntegerField()


class NationalExamSerializer(serializers.Serializer):
    exam = serializers.CharField()
    reports = serializers.IntegerField(help_text="Reports of the exam in the window (5 or more).")
    pass_rate = serializers.FloatField()
    mean_score = serializers.FloatField(allow_null=True)
    scores = ScoreBucketSerializer(
        many=True, help_text="Reports per 10-point score bucket (the last: 90 to 100)."
    )
