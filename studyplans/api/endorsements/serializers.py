"""Shapes of the endorsement resource: the deficient areas and the text an instructor signs."""

from __future__ import annotations

from rest_framework import serializers

from studyplans.endorsements.selectors import Endorsement


class DeficientTaskSerializer(serializers.Serializer):
    task = serializers.CharField()
    title = serializers.CharField()
    codes = serializers.ListField(child=serializers.CharField())


class DeficientAreaSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    area = serializers.CharField()
    title = serializers.CharField()
    tasks = DeficientTaskSerializer(many=True)


class EndorsementSerializer(serializers.Serializer):
    report_id = serializers.UUIDField(source="report.pk")
    regulation = serializers.SerializerMethodField()
    applicant_name = serializers.CharField()
    test = serializers.CharField()
    exam_date = serializers.DateField(allow_null=True)
    expiration_date = serializers.DateField(allow_null=True)
    areas = DeficientAreaSerializer(many=True)
    other_codes = serializers.ListField(child=serializers.CharField())
    text = serializers.CharField()

    def get_regulation(self, endorsement: Endorsement) -> str:
        return "14 CFR 61.39(a)(6)(iii)"
