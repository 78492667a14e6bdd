"""Refuse oversized uploads from the ``Content-Length`` header, before the body is read.

Django only enforces its upload limits while it parses the body, by which time the bytes have
been received and buffered. A document upload is small by contract (one file of
``MAX_UPLOAD_FILE_BYTES``, or a batch of ``MAX_BATCH_BYTES``), so anything announcing more is
answered 413 at once and its body is never touched.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from cfipros.api.problems import PROBLEM_CONTENT_TYPE, problem_body

# Room for the multipart boundaries and part headers around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024

BATCH_PATH_PREFIX = "/api/v1/batches"
EXTRACTION_PATH = "/api/v1/extractions"


def body_cap(path: str) -> int | None:
    """The largest body accepted for ``path``: one file for an extraction, a batch for batches.

    Other paths keep Django's own limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``); they take no files.
    """
    if path.startswith(BATCH_PATH_PREFIX):
        return int(settings.MAX_BATCH_BYTES) + MULTIPART_OVERHEAD_BYTES
    if path.startswith(EXTRACTION_PATH):
        return int(settings.MAX_UPLOAD_FILE_BYTES) + MULTIPART_OVERHEAD_BYTES
    return None


class UploadSizeLimitMiddleware:
    """First in the chain: a body announced larger than the route's cap never gets read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cap = body_cap(request.path_info)
        if cap is not None:
            try:
                announced = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                announced = 0
            if announced > cap:
                body = problem_body(
                    413,
                    f"The upload is larger than the {cap // (1024 * 1024)} MB this endpoint accepts.",
                    code="payload_too_large",
                    instance=request.path,
                )
                response = JsonResponse(body, status=413, content_type=PROBLEM_CONTENT_TYPE)
                response["Content-Length"] = str(len(response.content))
                response["Connection"] = "close"
                return response
        return self.get_response(request)
