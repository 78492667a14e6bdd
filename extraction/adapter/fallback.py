"""Vision model fallback for documents OCR reads with low confidence (off unless configured).

When ``OPENAI_API_KEY`` is set, an OCR result whose confidence stays below
``EXTRACTION_FALLBACK_THRESHOLD`` is read a second time by a vision model through any
OpenAI-compatible chat-completions server, and the engine merges the two readings
(:func:`extraction.engine.merge_vision`): codes outside the catalogue never pass, agreement
raises confidence, and the vision reading replaces only OCR values that were uncertain.

Text-layer PDFs are never sent: their text is exact, so a model cannot read them better.
Cost is bounded by a client timeout, one retry, a daily call cap and a daily cap per user, counted
in the cache; any failure leaves the OCR result as it was.

Sending a document to the model is sending it to a third party, so: an anonymous upload is never
sent unless ``VISION_FALLBACK_ANONYMOUS`` allows it (its uploader consented to nothing); the base
URL must be https unless it is this machine; and the caller's :class:`VisionUse` records the host
that received the document, which the report keeps. See ``docs/extraction-fallback.md``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

from extraction.engine import Catalog, ExtractionResult, merge_vision, read_document

if TYPE_CHECKING:
    from openai import OpenAI

logger = logging.getLogger(__name__)

MAX_RETRIES = 1
CALLS_KEY = "extraction:vision-fallback:calls:{day}"
USER_CALLS_KEY = "extraction:vision-fallback:calls:{day}:user:{user}"
CALLS_TTL_SECONDS = 2 * 24 * 3600
DEFAULT_HOST = "api.openai.com"  # where the client sends without OPENAI_BASE_URL
LOOPBACK_NAMES = ("localhost",)


@dataclass(slots=True)
class VisionUse:
    """Who asks for a reading (``user_id``, None for an anonymous upload) and, afterwards, the
    host that received the document (``recipient``, "" while none did)."""

    user_id: int | None
    recipient: str = ""


def base_url_allowed(url: str) -> bool:
    """https, or plain http to this machine only (a model served locally); "" is the provider's
    own https default. Anything else would send documents readable on the wire."""
    if not url:
        return True
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def is_enabled() -> bool:
    if not settings.configured or not str(getattr(settings, "OPENAI_API_KEY", "") or ""):
        return False
    if not base_url_allowed(str(settings.OPENAI_BASE_URL or "")):
        logger.warning("vision fallback off: OPENAI_BASE_URL must be https unless it is this machine")
        return False
    return True


def recipient_host() -> str:
    """The host a document goes to: the one of ``OPENAI_BASE_URL``, else the provider's."""
    return urlsplit(str(settings.OPENAI_BASE_URL or "")).hostname or DEFAULT_HOST


def wants_fallback(result: ExtractionResult, use: VisionUse | None = None) -> bool:
    """Only OCR readings below the threshold (the text layer of a PDF is already exact), and of
    an anonymous upload only when ``VISION_FALLBACK_ANONYMOUS`` allows it. ``use`` None is the
    operator's own run (a command, an evaluation), under the global cap alone."""
    if use is not None and use.user_id is None and not settings.VISION_FALLBACK_ANONYMOUS:
        return False
    return (
        result.path == "ocr"
        and result.confidence < float(settings.EXTRACTION_FALLBACK_THRESHOLD)
        and is_enabled()
    )


def calls_key(day: dt.date | None = None) -> str:
    return CALLS_KEY.format(day=(day or dt.datetime.now(dt.UTC).date()).isoformat())


def user_calls_key(user_id: int | None, day: dt.date | None = None) -> str:
    """The per-user counter; anonymous uploads (when allowed) share one, ``anonymous``."""
    day_text = (day or dt.datetime.now(dt.UTC).date()).isoformat()
    return USER_CALLS_KEY.format(day=day_text, user="anonymous" if user_id is None else user_id)


def _count(key: str, cap: int) -> bool:
    """One more call under ``key`` (atomic increment), True while within ``cap``.

    A cache that cannot count means no call: the cap must hold even when Redis is away.
    """
    if cap <= 0:
        return False
    try:
        cache.add(key, 0, CALLS_TTL_SECONDS)
        count = cache.incr(key)
    except Exception as exc:
        logger.warning("vision fallback skipped: call counter unavailable (%s)", type(exc).__name__)
        return False
    return count <= cap


def reserve_call(use: VisionUse | None = None) -> bool:
    """Count one call against the caller's daily cap and today's global cap (UTC); False when
    either is spent. The caller's comes first, so one user cannot use up everyone's."""
    if use is not None and not _count(user_calls_key(use.user_id), int(settings.OPENAI_USER_DAILY_CALL_CAP)):
        return False
    return _count(calls_key(), int(settings.OPENAI_DAILY_CALL_CAP))


def make_client() -> OpenAI:
    from openai import OpenAI

    return OpenAI(
        api_key=settings.OPENAI_API_KEY,
        base_url=settings.OPENAI_BASE_URL or None,
        timeout=float(settings.OPENAI_TIMEOUT_SECONDS),
        max_retries=MAX_RETRIES,
    )


def apply_vision_fallback(
    data: bytes, result: ExtractionResult, catalog: Catalog, use: VisionUse | None = None
) -> ExtractionResult:
    """The OCR result, or its merge with a vision reading when the fallback is on and wanted.

    Once the document is on its way, ``use.recipient`` names the host, whatever the answer.
    """
    if not wants_fallback(result, use):
        return result
    if not reserve_call(use):
        logger.info("vision fallback skipped: daily call cap reached")
        return result
    started = time.perf_counter()
    try:
        client = make_client()
        if use is not None:
            use.recipient = recipient_host()
        answer = read_document(client, data, str(settings.OPENAI_MODEL))
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
