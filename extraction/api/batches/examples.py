"""Example answers of the batch endpoints, as the contract shows them."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample

BATCH_ACCEPTED = [
    OpenApiExample(
        "two files queued",
        value={
            "id": "3f2a9c4e-7b1d-4e8a-9c0f-5d6e7f8a9b0c",
            "status": "pending",
            "total_files": 2,
            "files": [
                {
                    "position": 0,
                    "name": "kowalski.pdf",
                    "status": "pending",
                    "report_id": None,
                    "error": None,
                },
                {"position": 1, "name": "nguyen.jpg", "status": "pending", "report_id": None, "error": None},
            ],
        },
        response_only=True,
        status_codes=["202"],
    )
]
