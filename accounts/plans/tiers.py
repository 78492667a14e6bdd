"""The public tiers as shipped: what the seeding migration wrote, written again if a row is missing.

Operators change limits in the table; this is only the starting point, and what a database whose
plans were emptied (a flushed test database, a botched manual edit) falls back to rather than
refusing every request.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Plan

_FIELDS = (
    "name",
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
)

_ROWS: dict[str, tuple[Any, ...]] = {
    "anonymous": ("Anonymous", 0, 3, 0, 0, 0, 0, False, False, False, False),
    "free": ("Free", 10, 10, 5, 0, 0, 0, False, False, True, False),
    "student_pro": ("Student Pro", 20, 100, None, 0, 0, 0, False, False, True, True),
    "cfi": ("CFI", 30, 100, None, 30, None, 0, True, True, True, True),
    "school": ("School", 40, 100, None, 30, 300, 10, True, True, True, True),
}

SHIPPED_TIERS: dict[str, dict[str, Any]] = {
    code: dict(zip(_FIELDS, row, strict=True)) for code, row in _ROWS.items()
}


def plans_restore_missing() -> None:
    """Create the shipped tiers that have no row; rows that exist keep the operators' values."""
    for code, values in SHIPPED_TIERS.items():
        Plan.objects.get_or_create(code=code, defaults=values)
