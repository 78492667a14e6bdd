"""The answer of a school's analytics: a cohort's figures, per instructor, and drift by area."""

from __future__ import annotations

from rest_framework import serializers

from extraction.api.analytics.serializers import CohortAnalyticsSerializer


class InstructorFigureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=["instructor", "admin"], help_text="Their role in the school.")
    students = serializers.IntegerField(
        help_text="School students they teach: linked to them, or in one of their cohorts."
    )
    reports = serializers.IntegerField()
    pass_rate = serializers.FloatField(allow_null=True)
    mean_score = serializers.FloatField(allow_null=True)


class DriftMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM of the exam date.")
    reports_missing = serializers.IntegerField(help_text="Reports of the month with a code of the area.")
    share = serializers.FloatField(help_text="Fraction of the month's reports that missed the area.")
    change = serializers.FloatField(
        allow_null=True, help_text="`share` minus the previous calendar month's; null if it had no report."
    )


class AreaDriftSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    area = serializers.CharField()
    title = serializers.CharField()
    months = DriftMonthSerializer(many=True)


class OrganizationAnalyticsSerializer(CohortAnalyticsSerializer):
    instructors = InstructorFigureSerializer(many=True)
    drift = AreaDriftSerializer(many=True, help_text="Month-over-month, per area, in ACS order.")
