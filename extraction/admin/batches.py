"""Admin of batches, read-only: operators follow a class's uploads, they never change them.

A batch and its files are written only by the intake and the workers (``extraction.batches``);
here they are looked at: progress per batch, each file's status, attempts and error. File names
are left out, like the applicant's fields in report review: they often name the student, and the
position, size and error are what an operator needs to follow a file.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from extraction.models import Batch, BatchFile

_DONE = (BatchFile.Status.SUCCEEDED, BatchFile.Status.FAILED)
# What an operator follows a file by, in a batch's page and in the file's own.
_FILE_COLUMNS = ("position", "size", "status", "attempts", "error_code", "error_message", "report")


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by staff with the view permission; no add, change or delete for anyone."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def progress_bar(done: int, failed: int, total: int) -> str:
    """``12 / 30 done, 2 failed`` beside a bar; a batch of no files is complete."""
    label = f"{done} / {total} done" + (f", {failed} failed" if failed else "")
    return format_html(
        '<progress value="{}" max="{}" aria-label="{}"></progress> {}', done, max(total, 1), label, label
    )


class BatchFileInline(admin.TabularInline):
    model = BatchFile
    fields = readonly_fields = (*_FILE_COLUMNS, "updated_at")
    ordering = ["position"]
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[BatchFile]:
        return super().get_queryset(request).select_related("report")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Batch)
class BatchAdmin(_ReadOnlyAdmin):
    list_display = ["short_id", "owner", "status", "progress", "created_at", "completed_at"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=id", "owner__email", "owner__username"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-created_at"]
    fields = readonly_fields = (
        "id",
        "owner",
        "status",
        "progress",
        "total_files",
        "created_at",
        "updated_at",
        "completed_at",
    )
    inlines = [BatchFileInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Batch]:
        """Each batch with its counts in the same query, so the list costs the same for any page."""
        return (
            super()
            .get_queryset(request)
            .annotate(
                done_files=Count("files", filter=Q(files__status__in=_DONE)),
                failed_files=Count("files", filter=Q(files__status=BatchFile.Status.FAILED)),
            )
        )

    @admin.display(description="id")
    def short_id(self, obj: Batch) -> str:
        return str(obj.pk)[:8]

    @admin.display(description="progress", ordering="done_files")
    def progress(self, obj: Batch) -> str:
        return progress_bar(
            int(getattr(obj, "done_files", 0)), int(getattr(obj, "failed_files", 0)), obj.total_files
        )


@admin.register(BatchFile)
class BatchFileAdmin(_ReadOnlyAdmin):
    list_display = [
        "__str__",
        "batch_status",
        "status",
        "size",
        "attempts",
        "error_code",
        "report",
        "updated_at",
    ]
    list_filter = ["status", "error_code"]
    search_fields = ["=batch__id", "error_code"]
    list_select_related = ["batch", "report"]
    list_per_page = 100
    show_full_result_count = False
    ordering = ["-created_at", "position"]
    fields = readonly_fields = ("id", "batch", *_FILE_COLUMNS, "created_at", "updated_at")

    @admin.display(description="batch status", ordering="batch__status")
    def batch_status(self, obj: BatchFile) -> str:
        return obj.batch.get_status_display()
