"""File-type detection from magic bytes, and the size limits checked before any decoding."""

from __future__ import annotations

from typing import Literal

from .types import ExtractionError

Kind = Literal["pdf", "png", "jpeg", "webp"]

MAX_BYTES = 15 * 1024 * 1024


def sniff(data: bytes) -> Kind:
    if not data or not data.strip():
        raise ExtractionError("empty_file", "The file is empty.")
    if len(data) > MAX_BYTES:
        raise ExtractionError("file_too_large", f"The file is {len(data)} bytes; the limit is {MAX_BYTES}.")
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    raise ExtractionError("unsupported_type", "Unsupported file type: upload a PDF, PNG, JPEG or WebP.")
