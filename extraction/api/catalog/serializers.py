"""Representation of a catalogue element."""

from __future__ import annotations

from typing import Any

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

    def to_representation(self, instance: AcsElement) -> dict[str, Any]:
        """Every field is a plain column, read as stored: one dict per element, without a field
        object per value (a page of 200 renders several times faster; a test holds the output
        to the declared fields)."""
        return {name: getattr(instance, name) for name in self.Meta.fields}
