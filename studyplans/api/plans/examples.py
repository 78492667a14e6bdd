"""Example request and answer of study plan generation, as the contract shows them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample

_ITEM: dict[str, Any] = {
    "id": 1,
    "code": "PA.I.A.K1",
    "description": "Certification requirements, recent flight experience, and recordkeeping.",
    "element_type": "K",
    "resources": [
        {
            "publication": "14 CFR Part 61",
            "publication_title": "Certification: Pilots, Flight Instructors, and Ground Instructors",
            "chapter": "Subparts A-G",
            "title": "Certificates, ratings, recent experience, privileges and limitations",
            "url": "https://www.ecfr.gov/current/title-14/part-61",
            "estimated_minutes": 40,
        }
    ],
    "estimated_minutes": 40,
    "week_start": "2026-03-16",
    "done": False,
    "minutes_spent": 0,
    "done_at": None,
    "national_share": 0.1832,
}

PLAN_REQUEST = [
    OpenApiExample(
        "one report, four hours a week",
        value={
            "report_ids": ["6a49c5d1-e59b-433f-9077-bf101dadd7e8"],
            "hours_per_week": 4,
            "target_date": "2026-06-01",
        },
        request_only=True,
    )
]

PLAN_CREATED = [
    OpenApiExample(
        "a one-item plan",
        value={
            "id": 1,
            "owner": 1,
            "status": "active",
            "report_ids": ["6a49c5d1-e59b-433f-9077-bf101dadd7e8"],
            "hours_per_week": 4,
            "target_date": "2026-06-01",
            "start_date": "2026-03-16",
            "total_minutes": 40,
            "progress": {
                "done_items": 0,
                "total_items": 1,
                "percent": 0.0,
                "done_minutes": 0,
                "minutes_spent": 0,
                "areas": [
                    {
                        "prefix": "PA",
                        "area": "I",
                        "area_title": "Preflight Preparation",
                        "done_items": 0,
                        "total_items": 1,
                        "percent": 0.0,
                    }
                ],
            },
            "warnings": [],
            "generated_at": "2026-03-16T09:00:00Z",
            "created_at": "2026-03-16T09:00:00Z",
            "updated_at": "2026-03-16T09:00:00Z",
            "sections": [
                {
                    "title": "PA.I.A Pilot Qualifications",
                    "prefix": "PA",
                    "area": "I",
                    "area_title": "Preflight Preparation",
                    "task": "A",
                    "priority": 112,
                    "report_count": 1,
                    "estimated_minutes": 40,
                    "items": [_ITEM],
                }
            ],
            "schedule": [
                {
                    "week_start": "2026-03-16",
                    "estimated_minutes": 40,
                    "items": [{"id": 1, "code": "PA.I.A.K1", "estimated_minutes": 40, "done": False}],
                }
            ],
        },
        response_only=True,
        status_codes=["201"],
    )
]
