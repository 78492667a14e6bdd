"""Vision model fallback for documents OCR reads with low confidence (off unless configured).

When ``OPENAI_API_KEY`` is set, an OCR result whose confidence stays below
``EXTRACTION_FALLBACK_THRESHOLD`` is read a second time by a vision model through any
OpenAI-compatible chat-completions server, and the engine merges the two readings
(:func:`extraction.engine.merge_vision`): codes outside the catalogue never pass, agreement
raises confidence, and the vision reading replaces only OCR values that were uncertain.

Text-layer PDFs are never sent: their text is exact, so a model cannot read them better.
Cost is bounded by a client timeout, one retry and a daily call cap counted in the cache;
any failure leaves the OCR result as it was. See ``docs/extraction-fallback.md``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache

from extraction.engine import Catalog, ExtractionResult, merge_vision, read_document

if TYPE_CHECKING:
    from openai import OpenAI

logger = logging.getLogger(__name__)

MAX_RETRIES = 1
CALLS_KEY = "extraction:vision-fallback:calls:{day}"
CALLS_TTL_SECONDS = 2 * 24 * 3600


def is_enabled() -> bool:
    return bool(settings.configured and getattr(settings, "OPENAI_API_KEY", ""))


def wants_fallback(result: ExtractionResult) -> bool:
    """Only OCR readings below the threshold: the text layer of a PDF is already exact."""
    return (
        is_enabled()
        and result.path == "ocr"
        and result.confidence < float(settings.EXTRACTION_FALLBACK_THRESHOLD)
    )


def calls_key(day: dt.date | None = None) -> str:
    return CALLS_KEY.format(day=(day or dt.datetime.now(dt.UTC).date()).isoformat())


def reserve_call() -> bool:
    """Count one call against today's cap (UTC) with an atomic increment; False when spent.

    A cache that cannot count means no call: the cap must hold even when Redis is away.
    """
    cap = int(settings.OPENAI_DAILY_CALL_CAP)
    if cap <= 0:
        return False
    key = calls_key()
    try:
        cache.add(key, 0, CALLS_TTL_SECONDS)
        count = cache.incr(key)
    except Exception as exc:
        logger.warning("vision fallback skipped: call counter unavailable (%s)", type(exc).__name__)
        return False
    return count <= cap


def make_client() -> OpenAI:
    from openai import OpenAI

    return OpenAI(
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL or None,
        timeout=float(settings.OPENAI_TIMEOUT_SECONDS),
        max_retries=MAX_RETRIES,
    )


def apply_vision_fallback(data: bytes, result: ExtractionResult, catalog: Catalog) -> ExtractionResult:
    """The OCR result, or its merge with a vision reading when the fallback is on and wanted."""
    if not wants_fallback(result):
        return result
    if not reserve_call():
        logger.info("vision fallback skipped: daily call cap reached")
        return result
    started = time.perf_counter()
    try:
        answer = read_document(make_client(), data, str(settings.OPENAI_MODEL))
        merged = merge_vision(
            result, answer, catalog, threshold=float(settings.EXTRACTION_FALLBACK_THRESHOLD)
        )
    except Exception as exc:
        # Type only: messages of API errors can quote the request, and the request is personal.
        # A fallback must never make a result worse than OCR alone, so nothing escapes.
        logger.warning("vision fallback failed (%s); keeping the OCR result", type(exc).__name__)
        return result
    merged.elapsed_ms = round(result.elapsed_ms + (time.perf_counter() - started) * 1000, 2)
    logger.info(
        "vision fallback: confidence %.3f -> %.3f, path %s", result.confidence, merged.confidence, merged.path
    )
    return merged
