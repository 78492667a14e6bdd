"""Wording shared by the export formats: a resource on one line, a duration in hours and minutes."""

from __future__ import annotations

from typing import Any


def resource_line(resource: dict[str, Any]) -> str:
    chapter = f" {resource.get('chapter')}" if resource.get("chapter") else ""
    minutes = resource.get("estimated_minutes", 0)
    return f"{resource.get('publication', '')}{chapter}: {resource.get('title', '')} ({minutes} min)"


def hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"
