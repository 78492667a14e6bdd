"""Representations of stored reports: the owner's view, and the public view behind a share link."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from cfipros.api.fields import ClosedSerializer, StrictIntegerField
from extraction.models import Report, ReportCode
from extraction.reports.services import PERSONAL_FIELDS, SHARE_LINK_MAX_DAYS
from extraction.statistics.selectors import NO_PICTURE, ExamPicture, national_pictures

# Where a representation keeps the national pictures it has read, so a list reads them once.
PICTURES = "national_pictures"


def pictures_for(context: Mapping[str, Any], exams: Iterable[str]) -> dict[str, ExamPicture]:
    """The national picture of each exam in ``exams``, read once per representation (one cache
    read, and on a miss one query per table, however many reports and exams)."""
    # DRF hands every nested serializer the root's context dict, so what is kept here is shared.
    pictures: dict[str, ExamPicture] = cast("dict[str, Any]", context).setdefault(PICTURES, {})
    missing = {exam for exam in exams if exam and exam not in pictures}
    if missing:
        found = national_pictures(missing, today=timezone.now().date())
        pictures.update({exam: found.get(exam, NO_PICTURE) for exam in missing})
    return pictures


class NationalFrequencySerializer(serializers.Serializer[dict[str, Any]]):
    share = serializers.FloatField(
        allow_null=True,
        help_text="Fraction of the exam's applicants who missed the code over the last 90 days; null "
        "when fewer than 5 reports missed it.",
    )
    frequency = serializers.ChoiceField(
        choices=["common", "occasional", "rare"],
        help_text="common: missed by 10% or more; rare: by under 2% (or fewer than 5 reports); "
        "occasional: between.",
    )


class CodeDetailSerializer(serializers.ModelSerializer[ReportCode]):
    """One deficient code with its catalogue meaning (empty when the catalogue has no such code)."""

    description = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    task = serializers.SerializerMethodField()
    element_type = serializers.SerializerMethodField()
    national = serializers.SerializerMethodField(
        help_text="How often applicants of the report's exam miss this code nationally "
        "(docs/statistics.md); null when the exam has fewer than 30 reports in 90 days to say it from."
    )

    class Meta:
        model = ReportCode
        fields = ["code", "description", "area", "task", "element_type", "confidence", "raw", "national"]
        read_only_fields = fields

    def get_description(self, obj: ReportCode) -> str:
        return obj.element.description if obj.element else ""

    def get_area(self, obj: ReportCode) -> str:
        return obj.element.area_title if obj.element else ""

    def get_task(self, obj: ReportCode) -> str:
        return obj.element.task_title if obj.element else ""

    def get_element_type(self, obj: ReportCode) -> str:
        return obj.element.element_type if obj.element else ""

    @extend_schema_field(NationalFrequencySerializer(allow_null=True))
    def get_national(self, obj: ReportCode) -> dict[str, Any] | None:
        exam = obj.report.exam_code
        picture = pictures_for(self.context, [exam]).get(exam, NO_PICTURE)
        frequency = picture.frequency(obj.code)
        if frequency is None:
            return None
        return {"share": picture.share(obj.code), "frequency": frequency}


class UnresolvedSerializer(serializers.Serializer[dict[str, Any]]):
    raw = serializers.CharField(help_text="The token as read from the document.")
    reason = serializers.CharField()
    candidates = serializers.ListField(child=serializers.CharField())


class BlankAsNullCharField(serializers.CharField):
    """Stored as "" when absent; the API says null, like the engine does."""

    def to_representation(self, value: Any) -> str | None:  # type: ignore[override]
        text = super().to_representation(value)
        return text or None


PUBLIC_FIELDS = [
    "id",
    "share_token",
    "share_expires_at",
    "expires_at",
    "created_at",
    "updated_at",
    "exam_code",
    "exam_title",
    "exam_date",
    "score",
    "grade",
    "take",
    "expiration_date",
    "code_kind",
    "codes",
    "codes_detail",
    "unresolved",
    "field_confidence",
    "confidence",
    "status",
    "review",
    "review_reasons",
    "source_format",
    "extraction_path",
    "engine_version",
    "processing_ms",
    "third_party_recipient",
]

# The share link is a capability: see ``ReportSerializer.shows_link``.
LINK_FIELDS = ("share_token", "share_expires_at")


class ReportListSerializer(serializers.ListSerializer[Report]):
    """Reads the national pictures of every exam on the page at once, before any report."""

    def to_representation(self, data: Any) -> list[Any]:
        reports = list(data.all() if hasattr(data, "all") else data)
        pictures_for(self.context, [report.exam_code for report in reports])
        return super().to_representation(reports)


class PublicResultSerializer(serializers.ModelSerializer[Report]):
    """What a share link shows: the result without anything that identifies the applicant."""

    exam_code = BlankAsNullCharField(allow_null=True, read_only=True)
    exam_title = BlankAsNullCharField(allow_null=True, read_only=True)
    grade = BlankAsNullCharField(allow_null=True, read_only=True)
    code_kind = BlankAsNullCharField(allow_null=True, read_only=True)
    share_token = serializers.CharField(
        allow_null=True,
        read_only=True,
        help_text="The share link's token (`/api/v1/results/{share_token}`); null when there is no "
        "live link or the caller is not the report's owner.",
    )
    share_expires_at = serializers.DateTimeField(
        allow_null=True, read_only=True, help_text="When the share link stops working; null as share_token."
    )
    third_party_recipient = BlankAsNullCharField(
        allow_null=True,
        read_only=True,
        help_text="Host of the vision-model service a document of this report was sent to by the "
        "optional fallback; null when no document left CFIPros.",
    )
    codes = serializers.SerializerMethodField()
    codes_detail = CodeDetailSerializer(source="codes", many=True, read_only=True)
    unresolved = UnresolvedSerializer(many=True, read_only=True)
    field_confidence = serializers.DictField(child=serializers.FloatField(), read_only=True)
    review = serializers.BooleanField(
        read_only=True,
        help_text="True while the result awaits staff review (status needs_review): the engine doubted it.",
    )
    review_reasons = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Why the engine doubted the result, stable strings such as field_missing:score or "
        "code_unresolved; kept once staff have reviewed it.",
    )

    class Meta:
        model = Report
        fields = PUBLIC_FIELDS
        read_only_fields = fields
        list_serializer_class = ReportListSerializer

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_codes(self, obj: Report) -> list[str]:
        return [c.code for c in obj.codes.all()]


class ReportSerializer(PublicResultSerializer):
    """A report as its owner (or the owner's instructors and school admins) sees it."""

    applicant_name = BlankAsNullCharField(allow_null=True, read_only=True)
    ftn = BlankAsNullCharField(allow_null=True, read_only=True)
    applicant_id = BlankAsNullCharField(allow_null=True, read_only=True)
    exam_id = BlankAsNullCharField(allow_null=True, read_only=True)
    exam_site = BlankAsNullCharField(allow_null=True, read_only=True)
    owner: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )

    class Meta(PublicResultSerializer.Meta):
        fields = [*PUBLIC_FIELDS[:3], "owner", *PUBLIC_FIELDS[3:], *PERSONAL_FIELDS]
        read_only_fields = fields

    def to_representation(self, instance: Report) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not self.shows_link(instance):
            data.update(dict.fromkeys(LINK_FIELDS))
        return data

    def shows_link(self, report: Report) -> bool:
        """Only whoever may hand the link out sees it: the owner, or the anonymous uploader in the
        upload's own answer (context ``link_holder``). Instructors and school admins who may read
        the report never get it: it would outlive their membership."""
        if self.context.get("link_holder"):
            return True
        user = getattr(self.context.get("request"), "user", None)
        return report.owner_id is not None and getattr(user, "pk", None) == report.owner_id


class ExtractionUploadSerializer(ClosedSerializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text="The AKTR: a PDF, PNG, JPEG or WebP file, at most 15 MB."
    )


class ShareLinkCreateSerializer(ClosedSerializer):
    days = StrictIntegerField(
        min_value=1, max_value=SHARE_LINK_MAX_DAYS, help_text="How long the link works, in days (1 to 90)."
    )


class ShareLinkSerializer(serializers.Serializer[dict[str, Any]]):
    share_token = serializers.CharField(help_text="The capability: whoever holds it reads the result.")
    expires_at = serializers.DateTimeField(help_text="When the link stops working (410 from then on).")
    url = serializers.CharField(help_text="The link's API path, `/api/v1/results/{share_token}`.")
