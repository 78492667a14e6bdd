"""Shapes of the study plan resource; computed parts (progress, schedule) come from selectors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cfipros.api.fields import (
    CanonicalUUIDField,
    ClosedSerializer,
    IsoDateField,
    StrictBooleanField,
    StrictIntegerField,
)
from studyplans.models import StudyPlan, StudyPlanItem, StudyPlanSection
from studyplans.plans.selectors import study_plan_item_list, study_plan_schedule_get
from studyplans.progress.selectors import study_plan_progress_count, study_plan_progress_get

MAX_REPORTS_PER_PLAN = 20
MAX_HOURS_PER_WEEK = 80
MAX_MINUTES_SPENT = 100_000


class StudyPlanCreateSerializer(ClosedSerializer):
    report_ids = serializers.ListField(
        child=CanonicalUUIDField(), min_length=1, max_length=MAX_REPORTS_PER_PLAN
    )
    hours_per_week = StrictIntegerField(min_value=1, max_value=MAX_HOURS_PER_WEEK, default=5)
    # A date already past is a plan with no time left, which the plan's warnings say; the schedule
    # still runs from today.
    target_date = IsoDateField(required=False, allow_null=True, default=None)


class ResourceSnapshotSerializer(serializers.Serializer):
    publication = serializers.CharField()
    publication_title = serializers.CharField()
    chapter = serializers.CharField(allow_blank=True)
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    estimated_minutes = serializers.IntegerField()


class StudyPlanItemSerializer(serializers.ModelSerializer):
    resources = ResourceSnapshotSerializer(many=True, read_only=True)

    class Meta:
        model = StudyPlanItem
        fields = [
            "id",
            "code",
            "description",
            "element_type",
            "resources",
            "estimated_minutes",
            "week_start",
            "done",
            "minutes_spent",
            "done_at",
            "national_share",
        ]
        read_only_fields = fields


class StudyPlanSectionSerializer(serializers.ModelSerializer):
    items = StudyPlanItemSerializer(many=True, read_only=True)

    class Meta:
        model = StudyPlanSection
        fields = [
            "title",
            "prefix",
            "area",
            "area_title",
            "task",
            "priority",
            "report_count",
            "estimated_minutes",
            "items",
        ]
        read_only_fields = fields


class AreaProgressSerializer(serializers.Serializer):
    prefix = serializers.CharField()
    area = serializers.CharField()
    area_title = serializers.CharField()
    done_items = serializers.IntegerField()
    total_items = serializers.IntegerField()
    percent = serializers.FloatField()


class ProgressSummarySerializer(serializers.Serializer):
    done_items = serializers.IntegerField()
    total_items = serializers.IntegerField()
    percent = serializers.FloatField()


class ProgressSerializer(ProgressSummarySerializer):
    done_minutes = serializers.IntegerField()
    minutes_spent = serializers.IntegerField()
    areas = AreaProgressSerializer(many=True)


class ScheduleItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    done = serializers.BooleanField()


class ScheduleWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    estimated_minutes = serializers.IntegerField()
    items = ScheduleItemSerializer(many=True)


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class StudyPlanListSerializer(serializers.ModelSerializer):
    report_ids: serializers.Field = serializers.PrimaryKeyRelatedField(
        source="reports", many=True, read_only=True
    )
    progress = serializers.SerializerMethodField()
    warnings = WarningSerializer(many=True, read_only=True)

    class Meta:
        model = StudyPlan
        fields = [
            "id",
            "owner",
            "status",
            "report_ids",
            "hours_per_week",
            "target_date",
            "start_date",
            "total_minutes",
            "progress",
            "warnings",
            "generated_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressSummarySerializer)
    def get_progress(self, plan: StudyPlan) -> dict[str, Any]:
        return study_plan_progress_count(plan)


class StudyPlanDetailSerializer(StudyPlanListSerializer):
    sections = StudyPlanSectionSerializer(many=True, read_only=True)
    schedule = serializers.SerializerMethodField()

    class Meta(StudyPlanListSerializer.Meta):
        fields = [*StudyPlanListSerializer.Meta.fields, "sections", "schedule"]
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, plan: StudyPlan) -> dict[str, Any]:
        return study_plan_progress_get(plan)

    @extend_schema_field(ScheduleWeekSerializer(many=True))
    def get_schedule(self, plan: StudyPlan) -> list[dict[str, Any]]:
        return list(
            ScheduleWeekSerializer(study_plan_schedule_get(study_plan_item_list(plan)), many=True).data
        )


class StudyPlanItemUpdateSerializer(ClosedSerializer):
    # An empty body changes nothing and is refused; the contract says so.
    request_schema_extra = {"additionalProperties": False, "minProperties": 1}

    done = StrictBooleanField(required=False)
    minutes_spent = StrictIntegerField(min_value=0, max_value=MAX_MINUTES_SPENT, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send done, minutes_spent or both.")
        return attrs


class StudyPlanItemUpdateResponseSerializer(serializers.Serializer):
    item = StudyPlanItemSerializer()
    plan_status = serializers.ChoiceField(choices=StudyPlan.Status.choices)
    progress = ProgressSerializer()
