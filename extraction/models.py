"""The ACS catalogue and the normalized results of extractions.

No model stores an uploaded document: a report keeps only what the engine read from it.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models

CURRENT_EDITION = "current"


def new_share_token() -> str:
    """43 URL-safe characters (256 bits): unguessable, so the link itself is the capability."""
    return secrets.token_urlsafe(32)


class AcsDocument(models.Model):
    """One Airman Certification Standards publication, e.g. PA = Private Pilot Airplane."""

    prefix = models.CharField(max_length=4)
    title = models.CharField(max_length=200)
    edition = models.CharField(max_length=40, default=CURRENT_EDITION)

    class Meta:
        ordering = ["prefix", "edition"]
        constraints = [models.UniqueConstraint(fields=["prefix", "edition"], name="unique_acs_document")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.title} ({self.edition})"


class AcsElement(models.Model):
    """One ACS element (knowledge, risk management or skill) such as ``PA.I.C.K2a``."""

    class ElementType(models.TextChoices):
        KNOWLEDGE = "K", "Knowledge"
        RISK = "R", "Risk management"
        SKILL = "S", "Skill"

    document = models.ForeignKey(AcsDocument, on_delete=models.CASCADE, related_name="elements")
    code = models.CharField(max_length=32)
    edition = models.CharField(max_length=40, default=CURRENT_EDITION)
    prefix = models.CharField(max_length=4)
    area = models.CharField(max_length=8, help_text="Area of operation, roman numeral.")
    area_title = models.CharField(max_length=200)
    task = models.CharField(max_length=2, help_text="Task letter.")
    task_title = models.CharField(max_length=200)
    element_type = models.CharField(max_length=1, choices=ElementType.choices)
    number = models.PositiveSmallIntegerField()
    sub_letter = models.CharField(max_length=2, blank=True)
    description = models.TextField()
    topic = models.CharField(max_length=200, blank=True)
    exam_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["prefix", "code"]
        constraints = [models.UniqueConstraint(fields=["code", "edition"], name="unique_acs_element_edition")]
        indexes = [
            models.Index(fields=["code"]),
            models.Index(fields=["prefix", "area", "task"]),
            models.Index(fields=["element_type"]),
        ]

    def __str__(self) -> str:
        return self.code


class AcsCatalogVersion(models.Model):
    """One row whose ``stamp`` changes whenever the catalogue's elements do.

    Catalogue answers are cached by clients (ETag) and by the server under this stamp, so every
    write to the elements goes through ``extraction.catalog.services.acs_catalog_version_bump``.
    A random stamp rather than a counter: a database restored or rebuilt never reuses one.
    """

    stamp = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"ACS catalogue {self.stamp} ({self.changed_at:%Y-%m-%d %H:%M})"


# --- Reports: the normalized result of one extraction -------------------------------------------


class Report(models.Model):
    """What the engine read from one Airman Knowledge Test Report; never the document itself.

    ``owner`` is null for an anonymous result, which then carries no applicant name, FTN,
    applicant id or exam id and expires 24 h after creation. Deleting a user deletes their
    reports (CASCADE): results belong to the person, and erasure must leave nothing behind.
    ``exam_id_hash`` is a keyed HMAC of the normalized exam id, so an owner uploading the same
    report twice gets the same row without the database needing the clear value to compare.
    """

    class Status(models.TextChoices):
        OK = "ok", "OK"
        NEEDS_REVIEW = "needs_review", "Needs review"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    # The share link: a capability shown only to whoever may hand it out (the owner, or the
    # anonymous uploader in the upload's answer). None once revoked, and for an owned report
    # until its owner makes a link; a claim or a new link replaces it (see reports.services).
    share_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, default=None, editable=False
    )
    share_expires_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    applicant_name = models.CharField(max_length=200, blank=True)
    ftn = models.CharField(max_length=32, blank=True)
    applicant_id = models.CharField(max_length=64, blank=True)
    exam_id = models.CharField(max_length=64, blank=True)
    exam_id_hash = models.CharField(max_length=64, blank=True)

    exam_code = models.CharField(max_length=16, blank=True)
    exam_title = models.CharField(max_length=200, blank=True)
    exam_date = models.DateField(null=True, blank=True)
    exam_site = models.CharField(max_length=200, blank=True)
    score = models.IntegerField(null=True, blank=True)
    grade = models.CharField(max_length=8, blank=True)
    take = models.IntegerField(null=True, blank=True)
    expiration_date = models.DateField(null=True, blank=True)
    code_kind = models.CharField(max_length=8, blank=True)

    confidence = models.FloatField(default=0.0)
    field_confidence = models.JSONField(default=dict, blank=True)
    unresolved = models.JSONField(default=list, blank=True, help_text="[{raw, reason, candidates}]")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OK)
    review_reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="Why the engine doubted the result, e.g. field_missing:score; kept after staff review.",
    )

    source_format = models.CharField(max_length=16, blank=True)
    extraction_path = models.CharField(max_length=32, blank=True)
    engine_version = models.CharField(max_length=32, blank=True)
    processing_ms = models.FloatField(default=0.0)
    third_party_recipient = models.CharField(
        "sent to a third party",
        max_length=255,
        blank=True,
        help_text="Host of the vision-model service a document of this report was sent to (the "
        "optional fallback); empty when no document left CFIPros.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "exam_id_hash"],
                condition=models.Q(owner__isnull=False) & ~models.Q(exam_id_hash=""),
                name="unique_report_owner_exam",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="report_owner_created"),
            models.Index(fields=["exam_code"], name="report_exam_code"),
            models.Index(fields=["status"], name="report_status"),
            models.Index(fields=["expires_at"], name="report_expires_at"),
        ]

    def __str__(self) -> str:
        return f"{self.exam_code or 'report'} {self.exam_date or ''} ({self.pk})".strip()

    @property
    def review(self) -> bool:
        """Whether the result still awaits staff review: the engine doubted it and nobody confirmed it."""
        return self.status == self.Status.NEEDS_REVIEW


class ReportCode(models.Model):
    """One deficient knowledge code of a report, linked to the catalogue when it resolves."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=32)
    element = models.ForeignKey(
        AcsElement, on_delete=models.SET_NULL, null=True, blank=True, related_name="report_codes"
    )
    raw = models.CharField(max_length=64, blank=True)
    confidence = models.FloatField(default=1.0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "position"]
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="unique_report_code")]
        indexes = [models.Index(fields=["code"], name="report_code_code")]

    def __str__(self) -> str:
        return self.code


class CodeCorrection(models.Model):
    """Audit trail of a staff correction of a report's codes: who, when, before, after."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="corrections")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="code_corrections"
    )
    before = models.JSONField(default=list)
    after = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"correction of {self.report_id} at {self.created_at:%Y-%m-%d %H:%M}"


# --- Batches: many documents of one owner processed by workers ------------------------------------


class Batch(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        COMPLETED = "completed", "Completed"
        PARTIAL = "partial", "Partial"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="batches")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total_files = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="batch_owner_created")]

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.status})"


class BatchFile(models.Model):
    """One uploaded file of a batch; the bytes themselves never reach the database."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="batch_files"
    )
    error_code = models.CharField(max_length=32, blank=True)
    error_message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="unique_batch_position")]
        indexes = [models.Index(fields=["batch", "status"], name="batchfile_batch_status")]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.position}"


# --- National statistics: anonymised daily counts over every counted report ----------------------


class ExamDayStatistic(models.Model):
    """How many counted reports of one exam were received on one day, and how they scored.

    No report id, no owner, no personal field: only counts. ``purged`` rows hold what anonymous
    results contributed before the hourly purge deleted them, so the national picture outlives the
    24 h result and a rebuild from the reports still on file keeps them (docs/statistics.md).
    ``score_<n>`` counts scores from n to n+9 (``score_90`` takes 90 to 100).
    """

    exam = models.CharField(max_length=16)
    day = models.DateField(help_text="The UTC day the report was received.")
    purged = models.BooleanField(default=False)
    reports = models.IntegerField(default=0)
    passed = models.IntegerField(default=0)
    scored = models.IntegerField(default=0, help_text="Reports with a score.")
    score_sum = models.BigIntegerField(default=0)
    score_0 = models.IntegerField(default=0)
    score_10 = models.IntegerField(default=0)
    score_20 = models.IntegerField(default=0)
    score_30 = models.IntegerField(default=0)
    score_40 = models.IntegerField(default=0)
    score_50 = models.IntegerField(default=0)
    score_60 = models.IntegerField(default=0)
    score_70 = models.IntegerField(default=0)
    score_80 = models.IntegerField(default=0)
    score_90 = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exam", "day", "purged"], name="unique_exam_day_statistic"),
        ]
        indexes = [models.Index(fields=["day"], name="examdaystat_day")]

    def __str__(self) -> str:
        return f"{self.exam} {self.day}: {self.reports} reports"


class CodeDayStatistic(models.Model):
    """How many counted reports of one exam received on one day missed one code."""

    exam = models.CharField(max_length=16)
    code = models.CharField(max_length=32)
    day = models.DateField(help_text="The UTC day the report was received.")
    purged = models.BooleanField(default=False)
    missed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "code", "day", "purged"], name="unique_code_day_statistic"
            ),
        ]
        # The national table reads an exam's days and sums per code from the index alone.
        indexes = [
            models.Index(fields=["exam", "day"], include=["code", "missed"], name="codedaystat_exam_day"),
        ]

    def __str__(self) -> str:
        return f"{self.exam} {self.code} {self.day}: {self.missed}"
