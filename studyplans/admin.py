"""Admin for curating study resources per ACS task and for inspecting and regenerating plans.

Saving a resource in the admin marks it ``curated``, which protects it from the starter reload
(``load_study_resources`` without ``--force``). Resources are also imported and exported here
as the CSV of ``import_study_resources`` / ``export_study_resources`` (django-import-export):
an import is first run as a dry run whose preview shows every row as new, update, skipped or in
error, and writes nothing until staff confirm it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from import_export import fields, resources
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV

from studyplans.models import StudyPlan, StudyPlanItem, StudyPlanSection, StudyResource, StudyTask
from studyplans.plans.services import study_plan_regenerate
from studyplans.resources.fields import EXPORT_FIELDS, RESOURCE_FIELDS
from studyplans.resources.services import ResourceRow, study_resources_parse

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


def _task_column(name: str) -> fields.Field:
    """A column read from the resource's task on export; on import the row's task is resolved whole."""
    return fields.Field(column_name=name, readonly=True)


class StudyResourceFile(resources.ModelResource):
    """One row per resource, in the columns of the command-line CSV (``EXPORT_FIELDS``).

    Rows are checked by the command line's own parser (``study_resources_parse``) and matched
    to a stored resource as it does: by ``key``, else ``id``, else task, element, publication
    and chapter. The task must exist (``load_study_resources`` creates every catalogue task). A
    row that changes anything is marked curated, as every change made in the admin is; an
    unchanged row is skipped and says so.
    """

    prefix = _task_column("prefix")
    area = _task_column("area")
    task = _task_column("task")
    area_title = _task_column("area_title")
    task_title = _task_column("task_title")
    curated = fields.Field(column_name="curated", readonly=True)

    class Meta:
        model = StudyResource
        fields = EXPORT_FIELDS
        export_order = EXPORT_FIELDS
        import_id_fields = ["id"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._row: ResourceRow | None = None
        self._tasks: dict[tuple[str, str, str], StudyTask] = {}

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        """Every row checked before any is read, as the command line does; one query for the tasks."""
        study_resources_parse(dataset.dict)
        self._tasks = {(t.prefix, t.area, t.task): t for t in StudyTask.objects.all()}

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        (self._row,) = study_resources_parse([row])
        if self._row.task not in self._tasks:
            raise ValueError(f"No study task {'.'.join(self._row.task)}; load_study_resources creates them.")

    def get_instance(self, instance_loader: Any, row: Any) -> StudyResource | None:
        parsed = self._parsed()
        stored = StudyResource.objects.select_related("task")
        if parsed.key and (found := stored.filter(key=parsed.key).first()):
            return found
        if parsed.id and (found := stored.filter(pk=parsed.id).first()):
            return found
        task = self._tasks[parsed.task]
        natural = {name: parsed.values[name] for name in ("element_code", "publication", "chapter")}
        return stored.filter(task=task, **natural).first()

    def import_instance(self, instance: StudyResource, row: Any, **kwargs: Any) -> None:
        parsed = self._parsed()
        instance.task = self._tasks[parsed.task]
        instance.key = parsed.key or instance.key
        for name, value in parsed.values.items():
            setattr(instance, name, value)

    def skip_row(
        self, instance: StudyResource, original: Any, row: Any, import_validation_errors: Any = None
    ) -> bool:
        if import_validation_errors or original is None or original.pk is None:
            return False
        compared = ["task_id", "key", *RESOURCE_FIELDS]
        return all(getattr(instance, name) == getattr(original, name) for name in compared)

    def before_save_instance(self, instance: StudyResource, row: Any, **kwargs: Any) -> None:
        instance.curated = True

    def _parsed(self) -> ResourceRow:
        assert self._row is not None, "before_import_row runs first"
        return self._row

    def dehydrate_prefix(self, resource: StudyResource) -> str:
        return resource.task.prefix

    def dehydrate_area(self, resource: StudyResource) -> str:
        return resource.task.area

    def dehydrate_task(self, resource: StudyResource) -> str:
        return resource.task.task

    def dehydrate_area_title(self, resource: StudyResource) -> str:
        return resource.task.area_title

    def dehydrate_task_title(self, resource: StudyResource) -> str:
        return resource.task.task_title

    def dehydrate_curated(self, resource: StudyResource) -> str:
        return "true" if resource.curated else "false"


@admin.register(StudyResource)
class StudyResourceAdmin(ImportExportMixin, admin.ModelAdmin):
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

    resource_classes = [StudyResourceFile]
    import_formats = [CSV]
    export_formats = [CSV]

    def save_model(self, request: HttpRequest, obj: StudyResource, form: ModelForm, change: bool) -> None:
        obj.curated = True
        super().save_model(request, obj, form, change)

    def has_import_permission(self, request: HttpRequest) -> bool:
        """Importing adds and changes resources, so it takes both permissions."""
        return request.user.has_perms(["studyplans.add_studyresource", "studyplans.change_studyresource"])

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("studyplans.view_studyresource")


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
