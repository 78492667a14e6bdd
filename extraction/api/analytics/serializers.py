"""The query and the answer of a cohort's analytics."""

from __future__ import annotations

from rest_framework import serializers

from cfipros.api.fields import IsoDateField, StrictQuerySerializer, pattern_field


class AnalyticsQuerySerializer(StrictQuerySerializer):
    """A period ending before it starts holds no report: its figures are empty, not an error."""

    since = IsoDateField(required=False, help_text="First exam date counted (inclusive).")
    until = IsoDateField(required=False, help_text="Last exam date counted (inclusive).")
    exam = pattern_field(
        r"^[A-Z0-9]{2,4}$",
        "An exam code is 2 to 4 capitals or digits, e.g. PAR.",
        required=False,
        help_text="An exam code, e.g. PAR.",
    )


class CohortExportQuerySerializer(AnalyticsQuerySerializer):
    format = serializers.ChoiceField(
        choices=["csv", "pdf"],
        help_text="csv: the heatmap, a row per student; pdf: the report with the heatmap and the top misses.",
    )


class ScoreSummarySerializer(serializers.Serializer):
    min = serializers.IntegerField(allow_null=True)
    max = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    std_dev = serializers.FloatField(allow_null=True, help_text="Population standard deviation.")


class AreaFigureSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    area = serializers.CharField()
    title = serializers.CharField()
    students_missing = serializers.IntegerField()
    share = serializers.FloatField(help_text="Fraction of the cohort's students who missed the area.")
    weakness = serializers.BooleanField(help_text="Missed by more than 30% of the students.")


class CodeFigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    description = serializers.CharField()
    reports = serializers.IntegerField()
    students = serializers.IntegerField()
    share = serializers.FloatField(help_text="Fraction of the cohort's students who missed the code.")


class HeatmapStudentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class HeatmapSerializer(serializers.Serializer):
    students = HeatmapStudentSerializer(many=True)
    areas = serializers.ListField(child=serializers.CharField(), help_text="`PREFIX.AREA`, in ACS order.")
    cells = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Codes missed, one row per student, one column per area.",
    )


class TrendMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM of the exam date.")
    reports = serializers.IntegerField()
    mean_score = serializers.FloatField(allow_null=True)
    pass_rate = serializers.FloatField(allow_null=True)


class CohortAnalyticsSerializer(serializers.Serializer):
    students = serializers.IntegerField()
    reports = serializers.IntegerField()
    pass_rate = serializers.FloatField(allow_null=True)
    score = ScoreSummarySerializer()
    areas = AreaFigureSerializer(many=True)
    codes = CodeFigureSerializer(many=True, help_text="The 100 codes missed by the most students.")
    heatmap = HeatmapSerializer()
    trend = TrendMonthSerializer(many=True)
