"""The ACS catalogue and the normalized results of extractions.

No model stores an uploaded document: a report keeps only what the engine read from it.
"""

from __future__ import annotations

from django.db import models

CURRENT_EDITION = "current"


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
