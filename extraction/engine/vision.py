"""Reading a report with a vision model: page images in, a transcription out (unverified).

Used only as a fallback for documents OCR reads with low confidence. This module builds the
chat-completions request (page images as data URLs and a strict JSON-schema response format),
calls a client handed in by the caller, and checks that the answer has the promised shape.
It trusts nothing the model says about the content: the caller verifies every code against
the catalogue and cleans every field exactly as it does OCR output. No Django import here.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import images, sources
from .sniff import sniff

if TYPE_CHECKING:
    from openai import OpenAI
    from PIL.Image import Image

MAX_PAGES = 3  # an AKTR has one or two pages; more would only add cost
MAX_SIDE = 1600  # long side sent: small print stays legible, the request stays small
MAX_CODES = 120  # more than any report prints; a longer list is a runaway answer
MAX_TEXT = 200  # characters of one field value
MAX_COMPLETION_TOKENS = 4000

TEXT_FIELDS = (
    "applicant_name",
    "ftn",
    "applicant_id",
    "exam_id",
    "exam_title",
    "exam_date",
    "exam_site",
    "grade",
    "expiration_date",
)

INSTRUCTIONS = (
    "You transcribe an FAA Airman Knowledge Test Report from page images. Copy each value as "
    "printed; use null for a value that is not printed or not legible, never a guess. Dates as "
    "YYYY-MM-DD. exam_title is the title with its test code in parentheses, e.g. "
    "'Private Pilot Airplane (PAR)'. score is the percentage (null when only PASS/FAIL is printed); "
    "grade is PASS or FAIL; take is the attempt number. codes lists every deficient knowledge code "
    "printed in the report's code block, each exactly as printed: ACS codes such as PA.I.C.K2a or "
    "learning statement codes such as PLT058. Nothing from the explanatory paragraph or the "
    "instructor's statement is a code. Leave out a code you cannot read with certainty. "
    "is_report is false when the images do not show a knowledge test report."
)

_NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
_NULLABLE_INT: dict[str, Any] = {"type": ["integer", "null"]}

RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "is_report": {"type": "boolean"},
        **{name: _NULLABLE_STRING for name in TEXT_FIELDS if name != "grade"},
        "grade": {"type": ["string", "null"], "enum": ["PASS", "FAIL", None]},
        "score": _NULLABLE_INT,
        "take": _NULLABLE_INT,
        "codes": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["is_report", *TEXT_FIELDS, "score", "take", "codes"],
    "additionalProperties": False,
}

RESPONSE_FORMAT: dict[str, Any] = {
    "type": "json_schema",
    "json_schema": {"name": "aktr_transcription", "strict": True, "schema": RESPONSE_SCHEMA},
}


class VisionError(Exception):
    """The model gave no usable transcription (refusal, truncation, wrong shape, not a report)."""


@dataclass(frozen=True, slots=True)
class VisionAnswer:
    """What the model transcribed, shape-checked but not yet verified or cleaned."""

    text: dict[str, str | None]
    score: int | None
    take: int | None
    codes: tuple[str, ...]


def page_images(data: bytes, *, max_pages: int = MAX_PAGES, max_side: int = MAX_SIDE) -> list[str]:
    """Data URLs of the document's pages, downscaled: PNG for rendered PDF pages, JPEG for photos.

    Rendered pages are clean black on white, where PNG is both smaller and sharper; photos are
    continuous-tone, where PNG would be several times larger than a good JPEG.
    """
    kind = sniff(data)
    if kind != "pdf":
        return [_data_url(images.decode_image(data, kind), max_side, "JPEG")]
    urls = []
    with sources.open_pdf(data, allow_encrypted=True) as pdf:
        for index in range(min(len(pdf), max_pages)):  # type: ignore[arg-type]
            page = pdf[index]  # type: ignore[index]
            try:
                urls.append(_data_url(sources.render_page(page), max_side, "PNG"))
            finally:
                page.close()
    return urls


def _data_url(image: Image, max_side: int, fmt: str) -> str:
    image = image.convert("L" if image.mode in ("1", "L", "LA", "I", "I;16") else "RGB")
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side))
    buffer = io.BytesIO()
    if fmt == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "JPEG", quality=85)
    mime = "image/png" if fmt == "PNG" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def build_request(images: Sequence[str], model: str) -> dict[str, Any]:
    """Keyword arguments of ``chat.completions.create`` for one document."""
    if not images:
        raise VisionError("no page images")
    content: list[dict[str, Any]] = [{"type": "text", "text": "Transcribe this report."}]
    content += [{"type": "image_url", "image_url": {"url": url, "detail": "high"}} for url in images]
    return {
        "model": model,
        "messages": [
            {"role": "system", "content": INSTRUCTIONS},
            {"role": "user", "content": content},
        ],
        "response_format": RESPONSE_FORMAT,
        "max_completion_tokens": MAX_COMPLETION_TOKENS,
    }


def parse_completion(completion: Any) -> VisionAnswer:
    """The transcription in a chat completion; :class:`VisionError` unless it has the schema's shape."""
    try:
        choice = completion.choices[0]
        message = choice.message
    except (AttributeError, IndexError, TypeError):
        raise VisionError("no choice in the completion") from None
    if getattr(choice, "finish_reason", None) not in (None, "stop"):
        raise VisionError(f"completion ended with {choice.finish_reason}")
    if getattr(message, "refusal", None):
        raise VisionError("the model refused")
    content = getattr(message, "content", None)
    if not isinstance(content, str):
        raise VisionError("no text content")
    try:
        payload = json.loads(content)
    except ValueError:
        raise VisionError("content is not JSON") from None
    return parse_payload(payload)


def parse_payload(payload: object) -> VisionAnswer:
    """Check types and sizes field by field (strict mode is a promise of the server, not a fact)."""
    if not isinstance(payload, dict):
        raise VisionError("answer is not an object")
    if payload.get("is_report") is not True:
        raise VisionError("the model saw no report")
    text: dict[str, str | None] = {}
    for name in TEXT_FIELDS:
        value = payload.get(name)
        if value is not None and not isinstance(value, str):
            raise VisionError(f"{name} is not a string")
        stripped = value.strip()[:MAX_TEXT] if isinstance(value, str) else ""
        text[name] = stripped or None
    numbers: dict[str, int | None] = {}
    for name in ("score", "take"):
        value = payload.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise VisionError(f"{name} is not an integer")
        numbers[name] = value
    codes = payload.get("codes")
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise VisionError("codes is not a list of strings")
    if len(codes) > MAX_CODES:
        raise VisionError("too many codes")
    cleaned = tuple(dict.fromkeys(c.strip()[:32] for c in codes if c.strip()))
    return VisionAnswer(text, numbers["score"], numbers["take"], cleaned)


def read_document(client: OpenAI, data: bytes, model: str) -> VisionAnswer:
    """Send the document's pages to the model and return its shape-checked transcription.

    Client errors (timeouts, HTTP errors) propagate unchanged; the caller decides what a
    failure means.
    """
    request = build_request(page_images(data), model)
    completion = client.chat.completions.create(**request)
    return parse_completion(completion)


__all__ = [
    "RESPONSE_FORMAT",
    "RESPONSE_SCHEMA",
    "VisionAnswer",
    "VisionError",
    "build_request",
    "page_images",
    "parse_completion",
    "parse_payload",
    "read_document",
]
