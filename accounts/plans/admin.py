"""The plans in the admin: staff edit tiers and their limits here; a change applies at once."""

from __future__ import annotations

from django.contrib import admin

from accounts.models import Plan, QuotaUsage


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "rank",
        "extractions_per_day",
        "saved_reports_per_month",
        "files_per_batch",
        "batched_documents_per_month",
        "seats",
        "feature_batch",
        "feature_cohorts",
        "feature_exports",
        "feature_analytics",
    ]
    list_editable = ["extractions_per_day", "saved_reports_per_month", "files_per_batch"]
    search_fields = ["name", "code"]


@admin.register(QuotaUsage)
class QuotaUsageAdmin(admin.ModelAdmin):
    """The record of quota counters, read-only: the counters move only with requests."""

    list_display = ["subject", "counter", "period_start", "used", "updated_at"]
    list_filter = ["counter", "period_start"]
    search_fields = ["subject"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
