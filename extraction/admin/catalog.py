"""Admin of the ACS catalogue: documents and elements, corrected through the catalogue's service."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from extraction.catalog.services import EDITABLE_FIELDS, acs_element_update
from extraction.models import AcsDocument, AcsElement

# ---------------------------------------------------------------------------------------------
# ACS catalogue. Loaded by `manage.py load_acs_catalog`; the admin corrects text, it does not
# re-key elements (code, edition and the parts derived from the code stay read-only).
# ---------------------------------------------------------------------------------------------


@admin.register(AcsDocument)
class AcsDocumentAdmin(admin.ModelAdmin):
    list_display = ["prefix", "title", "edition", "element_count"]
    list_filter = ["edition"]
    search_fields = ["prefix", "title"]
    ordering = ["prefix", "edition"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AcsDocument]:
        return super().get_queryset(request).annotate(element_count=Count("elements"))

    @admin.display(description="elements", ordering="element_count")
    def element_count(self, obj: AcsDocument) -> int:
        return int(getattr(obj, "element_count", 0))

    def get_readonly_fields(self, request: HttpRequest, obj: AcsDocument | None = None) -> list[str]:
        return ["prefix", "edition"] if obj is not None else []


@admin.register(AcsElement)
class AcsElementAdmin(admin.ModelAdmin):
    list_display = ["code", "element_type", "short_description", "document", "edition"]
    list_filter = ["prefix", "element_type", "area", "edition"]
    search_fields = ["code", "description"]
    list_select_related = ["document"]
    list_per_page = 100
    show_full_result_count = False
    ordering = ["prefix", "code"]
    readonly_fields = [
        "document",
        "code",
        "edition",
        "prefix",
        "area",
        "task",
        "element_type",
        "number",
        "sub_letter",
    ]
    fields = [
        *readonly_fields,
        "area_title",
        "task_title",
        "description",
        "topic",
        "exam_codes",
    ]

    @admin.display(description="description")
    def short_description(self, obj: AcsElement) -> str:
        return obj.description if len(obj.description) <= 90 else obj.description[:89] + "…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: AcsElement, form: forms.ModelForm, change: bool) -> None:
        """Through the service, so the catalogue's version (its ETags, its cache) moves on."""
        data = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data}
        acs_element_update(element=obj, data=data)
