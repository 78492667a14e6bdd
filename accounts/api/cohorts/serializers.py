"""Representations of cohorts."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Cohort
from cfipros.api.fields import ClosedSerializer, StrictIntegerField, name_field


class CohortWriteSerializer(ClosedSerializer):
    name = name_field(200)
    student_ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=2**63 - 1),
        max_length=1000,
        help_text="Students the caller teaches.",
    )


class CohortSerializer(serializers.ModelSerializer):
    student_ids = serializers.SerializerMethodField()

    class Meta:
        model = Cohort
        fields = ["id", "name", "student_ids", "created_at", "updated_at"]
        read_only_fields = fields

    def get_student_ids(self, cohort: Cohort) -> list[int]:
        return sorted(student.pk for student in cohort.students.all())
