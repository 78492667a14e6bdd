"""Study resources curated per ACS task, and the study plans generated from missed codes.

A resource belongs to an ACS task (prefix + area + task). It may also narrow itself to one element
of that task (``element_code``), so one lookup by task returns both kinds and the plan generator
picks the element-specific ones for the element it is planning.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from extraction.models import AcsElement, Report


class StudyTask(models.Model):
    """One ACS task as a curation unit: staff attach resources to it in the admin."""

    prefix = models.CharField(max_length=4)
    area = models.CharField(max_length=8, help_text="Area of operation, roman numeral.")
    task = models.CharField(max_length=2, help_text="Task letter.")
    area_title = models.CharField(max_length=200, blank=True)
    task_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["prefix", "area", "task"]
        constraints = [
            models.UniqueConstraint(fields=["prefix", "area", "task"], name="unique_study_task"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.task_title}".strip()

    @property
    def key(self) -> str:
        return f"{self.prefix}.{self.area}.{self.task}"


class StudyResource(models.Model):
    """A chapter or section of a publication that teaches one ACS task or one of its elements.

    ``key`` identifies a row of the shipped starter mapping so a reload updates it in place;
    ``curated`` is set when staff edit a row in the admin, and a reload leaves curated rows alone
    unless forced.
    """

    task = models.ForeignKey(StudyTask, on_delete=models.CASCADE, related_name="resources")
    element_code = models.CharField(
        max_length=32, blank=True, help_text="Empty: the resource covers the whole task."
    )
    publication = models.CharField(max_length=40, help_text="e.g. FAA-H-8083-25C")
    publication_title = models.CharField(max_length=200)
    chapter = models.CharField(max_length=200, blank=True, help_text="Chapter or section.")
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(default=30)
    position = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    curated = models.BooleanField(
        default=False, help_text="Edited by staff; the starter reload does not overwrite it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["task", "element_code", "position", "id"]
        indexes = [
            models.Index(fields=["element_code"], name="study_resource_element"),
            models.Index(fields=["task", "position"], name="study_resource_task_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.publication} {self.chapter}: {self.title}".strip()

    def clean(self) -> None:
        """An element-level resource must name an element of its own task."""
        if not self.element_code:
            return
        prefix, _, rest = self.element_code.partition(".")
        parts = [prefix, *rest.split(".")]
        task = getattr(self, "task", None) if self.task_id else None
        if len(parts) != 4 or task is None or parts[:3] != [task.prefix, task.area, task.task]:
            expected = f"{task.key}.K1" if task is not None else "PA.I.C.K1"
            raise ValidationError({"element_code": f"Give an element of this task, like {expected}."})

    def snapshot(self) -> dict[str, object]:
        """The resource as copied onto a plan item, so later edits do not rewrite old plans."""
        return {
            "publication": self.publication,
            "publication_title": self.publication_title,
            "chapter": self.chapter,
            "title": self.title,
            "url": self.url,
            "estimated_minutes": self.estimated_minutes,
        }


class StudyPlan(models.Model):
    """A prioritized, scheduled list of what to study, built from one or more reports."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_plans")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reports = models.ManyToManyField(Report, related_name="study_plans")
    hours_per_week = models.PositiveSmallIntegerField(default=5)
    target_date = models.DateField(null=True, blank=True)
    start_date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    total_minutes = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    codes_fingerprint = models.CharField(
        max_length=64, blank=True, help_text="Hash of the report codes the plan was generated from."
    )
    generated_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="study_plan_owner_created")]

    def __str__(self) -> str:
        return f"Study plan {self.pk} ({self.owner})"


class StudyPlanSection(models.Model):
    """The missed elements of one ACS task (or the codes to review with an instructor)."""

    # The unique (plan, position) index serves lookups by plan; no separate plan index to maintain.
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="sections", db_index=False)
    position = models.PositiveSmallIntegerField()
    prefix = models.CharField(max_length=4, blank=True)
    area = models.CharField(max_length=8, blank=True)
    area_title = models.CharField(max_length=200, blank=True)
    task = models.CharField(max_length=2, blank=True)
    title = models.CharField(max_length=300)
    priority = models.PositiveIntegerField(default=0)
    report_count = models.PositiveSmallIntegerField(default=0)
    estimated_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="unique_section_position"),
        ]

    def __str__(self) -> str:
        return self.title


class StudyPlanItem(models.Model):
    """One missed code to study; ``week_start`` places it in the plan's weekly schedule."""

    # The unique (plan, code) index serves lookups by plan; no separate plan index to maintain.
    plan = models.ForeignKey(StudyPlan, on_delete=models.CASCADE, related_name="items", db_index=False)
    section = models.ForeignKey(StudyPlanSection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=32)
    element = models.ForeignKey(
        AcsElement, on_delete=models.SET_NULL, null=True, blank=True, related_name="study_items"
    )
    element_type = models.CharField(max_length=1, blank=True)
    description = models.TextField(blank=True)
    resources = models.JSONField(default=list, blank=True)
    estimated_minutes = models.PositiveIntegerField(default=0)
    week_start = models.DateField()
    done = models.BooleanField(default=False)
    minutes_spent = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    national_share = models.FloatField(
        null=True,
        blank=True,
        help_text="Share of the exam's applicants who missed the code nationally when the plan was "
        "generated (it weighed in the priority); null when too few reports to say.",
    )

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_plan_item_code"),
        ]

    def __str__(self) -> str:
        return self.code
