"""Admin for curating study resources per ACS task and for inspecting and regenerating plans.

Saving a resource in the admin marks it ``curated``, which protects it from the starter reload
(``load_study_resources`` without ``--force``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from studyplans.models import StudyPlan, StudyPlanItem, StudyPlanSection, StudyResource, StudyTask
from studyplans.plans.services import study_plan_regenerate
from studyplans.resources.fields import RESOURCE_FIELDS

URL_FIELD: dict[type[models.Field[Any, Any]], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class StudyResourceInline(admin.TabularInline):
    model = StudyResource
    formfield_overrides = URL_FIELD
    extra = 1
    fields = [*RESOURCE_FIELDS, "curated"]
    readonly_fields = ["curated"]


@admin.register(StudyTask)
class StudyTaskAdmin(admin.ModelAdmin):
    """ACS tasks with their resources inline: the place to fix which chapter teaches a task."""

    list_display = ["key", "task_title", "area_title", "resource_count"]
    list_filter = ["prefix"]
    search_fields = ["prefix", "area", "task", "task_title", "area_title"]
    ordering = ["prefix", "area", "task"]
    inlines = [StudyResourceInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StudyTask]:
        return super().get_queryset(request).annotate(resource_total=Count("resources"))

    @admin.display(description="Resources", ordering="resource_total")
    def resource_count(self, obj: StudyTask) -> int:
        return int(getattr(obj, "resource_total", 0))

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form.instance is not None:
                inline_form.instance.curated = True
        super().save_formset(request, form, formset, change)


@admin.register(StudyResource)
class StudyResourceAdmin(admin.ModelAdmin):
    list_display = ["task", "element_code", "publication", "chapter", "title", "estimated_minutes", "curated"]
    list_filter = ["publication", "curated", "task__prefix"]
    search_fields = [
        "title",
        "chapter",
        "publication",
        "publication_title",
        "element_code",
        "task__task_title",
        "task__prefix",
    ]
    list_select_related = ["task"]
    autocomplete_fields = ["task"]
    formfield_overrides = URL_FIELD
    readonly_fields = ["key", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: StudyResource, form: ModelForm, change: bool) -> None:
        obj.curated = True
        super().save_model(request, obj, form, change)


class StudyPlanItemInline(admin.TabularInline):
    model = StudyPlanItem
    extra = 0
    fields = ["position", "code", "element_type", "estimated_minutes", "week_start", "done", "minutes_spent"]
    readonly_fields = ["position", "code", "element_type", "estimated_minutes", "week_start"]
    can_delete = False
    show_change_link = True


class StudyPlanSectionInline(admin.TabularInline):
    model = StudyPlanSection
    extra = 0
    fields = ["position", "title", "priority", "report_count", "estimated_minutes"]
    readonly_fields = ["position", "title", "priority", "report_count", "estimated_minutes"]
    can_delete = False
    show_change_link = True


@admin.register(StudyPlanSection)
class StudyPlanSectionAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "position", "priority", "estimated_minutes"]
    search_fields = ["title", "plan__owner__email"]
    list_select_related = ["plan", "plan__owner"]
    inlines = [StudyPlanItemInline]
    readonly_fields = ["plan"]


@admin.register(StudyPlan)
class StudyPlanAdmin(admin.ModelAdmin):
    list_display = ["id", "owner", "status", "hours_per_week", "target_date", "total_minutes", "created_at"]
    list_filter = ["status"]
    search_fields = ["owner__email", "owner__username", "owner__clerk_id"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "created_by", "reports"]
    readonly_fields = ["codes_fingerprint", "generated_at", "created_at", "updated_at", "warnings"]
    inlines = [StudyPlanSectionInline]
    actions = ["regenerate"]

    @admin.action(description="Regenerate the selected plans from current codes and resources")
    def regenerate(self, request: HttpRequest, queryset: QuerySet[StudyPlan]) -> None:
        count = 0
        for plan in queryset:
            study_plan_regenerate(plan=plan)
            count += 1
        self.message_user(request, f"Regenerated {count} plan(s).", messages.SUCCESS)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return super().get_inline_instances(request, obj) if obj is not None else []
