"""Upload helpers shared by the report tests."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.response import Response
from rest_framework.test import APIClient


def upload(client: APIClient, data: bytes, name: str = "report.pdf", **extra: str) -> Response:
    file = SimpleUploadedFile(name, data, content_type="application/pdf")
    response: Response = client.post("/api/v1/extractions", {"file": file}, format="multipart", **extra)
    return response
