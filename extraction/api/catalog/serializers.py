"""Representation of a catalogue element."""

from __future__ import annotations

from rest_framework import serializers

from extraction.models import AcsElement


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
