"""Output shapes of batches; their values come from the batch selectors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cfipros.api.fields import ClosedSerializer
from extraction.models import Batch, BatchFile


class BatchUploadSerializer(ClosedSerializer):
    files = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        max_length=settings.MAX_BATCH_FILES,
        help_text="1 to 30 PDF, PNG, JPEG or WebP files; at most 15 MB each and 100 MB together.",
    )


class FileErrorSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(
        help_text="The engine's error code (not_an_aktr, document_too_complex, ...), or the batch's own "
        "(payload_expired, timeout, ...)."
    )
    message = serializers.CharField()


class BatchFileSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=BatchFile.Status.choices)
    report_id = serializers.UUIDField(allow_null=True)
    error = serializers.SerializerMethodField()

    @extend_schema_field(FileErrorSerializer(allow_null=True))
    def get_error(self, obj: BatchFile) -> dict[str, str] | None:
        if not obj.error_code:
            return None
        return {"code": obj.error_code, "message": obj.error_message}


class BatchAcceptedSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Batch.Status.choices)
    total_files = serializers.IntegerField()
    files = BatchFileSerializer(many=True)


class BatchListSerializer(serializers.Serializer[Batch]):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Batch.Status.choices)
    total_files = serializers.IntegerField()
    processed_files = serializers.SerializerMethodField()
    succeeded_files = serializers.IntegerField()
    failed_files = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)

    def get_processed_files(self, obj: Batch) -> int:
        return int(obj.succeeded_files + obj.failed_files)  # type: ignore[attr-defined]


class CodeFrequencySerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    reports = serializers.IntegerField(help_text="Reports of the batch that carry this code.")
    share = serializers.FloatField(help_text="reports / reports in the batch.")


class WeakAreaSerializer(serializers.Serializer[dict[str, Any]]):
    task = serializers.CharField(help_text="ACS task as prefix.area.task, e.g. PA.I.B.")
    title = serializers.CharField(help_text="The task's title in the ACS.")
    area_title = serializers.CharField(help_text="The area of operation's title.")
    reports = serializers.IntegerField()
    share = serializers.FloatField(help_text="More than 0.3 by definition.")


class ScoreStatsSerializer(serializers.Serializer[dict[str, Any]]):
    count = serializers.IntegerField(help_text="Reports with a printed score.")
    min = serializers.IntegerField(allow_null=True)
    max = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)


class ExamCountSerializer(serializers.Serializer[dict[str, Any]]):
    exam_code = serializers.CharField()
    reports = serializers.IntegerField()


class BatchSummarySerializer(serializers.Serializer[dict[str, Any]]):
    reports = serializers.IntegerField(help_text="Distinct reports the batch produced so far.")
    needs_review = serializers.IntegerField(
        help_text="Of those, reports the engine doubted that staff have not confirmed yet."
    )
    code_frequencies = CodeFrequencySerializer(many=True)
    weak_areas = WeakAreaSerializer(
        many=True, help_text="ACS tasks found in more than 30% of the batch's reports."
    )
    score = ScoreStatsSerializer()
    exam_distribution = ExamCountSerializer(many=True)


class BatchDetailSerializer(BatchListSerializer):
    files = BatchFileSerializer(many=True)
    summary = BatchSummarySerializer()


class ExportCodeSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    task = serializers.CharField(allow_null=True)
    task_title = serializers.CharField()
    description = serializers.CharField()


class ExportReportSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    applicant_name = serializers.CharField()
    exam_code = serializers.CharField()
    exam_title = serializers.CharField()
    exam_date = serializers.DateField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    grade = serializers.CharField()
    take = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(help_text="ok or needs_review.")
    review = serializers.BooleanField(help_text="True while the result awaits staff review.")
    review_reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Why the engine doubted the result."
    )
    codes = ExportCodeSerializer(many=True)


class BatchExportSerializer(BatchDetailSerializer):
    reports = ExportReportSerializer(many=True)
