"""Representation of an instructor's student."""

from __future__ import annotations

from rest_framework import serializers


class StudentReportSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    exam_code = serializers.CharField(read_only=True)
    exam_date = serializers.DateField(read_only=True, allow_null=True)
    score = serializers.IntegerField(read_only=True, allow_null=True)
    grade = serializers.CharField(read_only=True)


class StudentWeakAreaSerializer(serializers.Serializer):
    prefix = serializers.CharField(read_only=True)
    area = serializers.CharField(read_only=True, help_text="Area of operation, roman numeral.")
    title = serializers.CharField(read_only=True)
    codes = serializers.ListField(child=serializers.CharField(), read_only=True)


class StudentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    latest_report = StudentReportSerializer(read_only=True, allow_null=True)
    weakest_areas = StudentWeakAreaSerializer(
        many=True,
        read_only=True,
        help_text="Areas of the latest report's codes, most codes first (at most 3).",
    )
    plan_progress = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Percent of the active study plan's items done; null without one.",
    )
    knowledge_test_expires = serializers.DateField(read_only=True, allow_null=True)
    readiness = serializers.IntegerField(
        read_only=True,
        help_text="0 to 100, from score, open deficient areas, plan progress and expiry (docs).",
    )
