"""The vision model fallback against a local server that speaks the chat-completions API.

Nothing here reaches the network: ``OPENAI_BASE_URL`` points at a server on 127.0.0.1 that
records each request and answers with a JSON-schema transcription chosen by the test.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings
from PIL import Image

from extraction.adapter import extract as adapter
from extraction.adapter import fallback
from extraction.engine import Catalog, ExtractionResult, Unresolved, vision_merge
from extraction.engine.vision import VisionError, parse_payload
from tests.engine.bad_files import text_pdf
from tests.factories import ExtractionResultFactory, code_detail

NAME = "DOE, JANE Q"
LOCMEM = "django.core.cache.backends.locmem.LocMemCache"

ROWS = [
    {"code": code, "prefix": code[:2], "element_type": code.split(".")[3][0], "description": f"about {code}"}
    for code in (
        "PA.I.A.K1",
        "PA.I.C.K2a",
        "PA.II.A.K1",
        "PA.III.A.K1",
        "PA.III.B.R1",
        "PA.IX.A.S1",
        "CA.I.A.K1",
    )
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    rows = [{**r, "exam_codes": ["PAR"] if r["prefix"] == "PA" else ["CAX"]} for r in ROWS]
    return Catalog.from_rows(rows)


# --------------------------------------------------------------------------- the local server


def answer(**overrides: Any) -> dict[str, Any]:
    """A transcription of the report the OCR result below misread."""
    body: dict[str, Any] = {
        "is_report": True,
        "applicant_name": NAME,
        "ftn": "A1B2C3D4",
        "applicant_id": None,
        "exam_id": "123456789012345",
        "exam_title": "Private Pilot Airplane (PAR)",
        "exam_date": "2026-04-03",
        "exam_site": "ABC12345",
        "score": 85,
        "grade": "PASS",
        "take": 1,
        "expiration_date": "2028-04-30",
        "codes": ["PA.I.C.K2a", "PA.III.A.K1"],
    }
    body.update(overrides)
    return body


@dataclass
class FakeModelServer:
    base_url: str
    content: str = ""
    stalled: bool = False  # hold every answer until the test ends: the client must time out
    release: threading.Event = field(default_factory=threading.Event)
    status: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def answer_with(self, body: dict[str, Any]) -> None:
        self.content = json.dumps(body)


def _handler(state: FakeModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.requests.append(json.loads(self.rfile.read(length)))
            state.headers.append({k.lower(): v for k, v in self.headers.items()})
            if state.stalled:
                state.release.wait(timeout=60)
            if self.path != "/v1/chat/completions":
                self._send(404, {"error": {"message": "no such route", "type": "invalid_request_error"}})
            elif state.status != 200:
                self._send(state.status, {"error": {"message": "server trouble", "type": "server_error"}})
            else:
                self._send(200, _completion(state.requests[-1]["model"], state.content))

        def _send(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-local",
        "object": "chat.completion",
        "created": 1_790_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 900, "completion_tokens": 120, "total_tokens": 1020},
    }


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    state = FakeModelServer(base_url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    httpd.block_on_close = False
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    state.answer_with(answer())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def enabled(server: FakeModelServer) -> Iterator[FakeModelServer]:
    """The fallback switched on against the local server, with a private cache for the counter."""
    with override_settings(
        OPENAI_API_KEY="sk-local-test",
        OPENAI_BASE_URL=server.base_url,
        OPENAI_MODEL="vision-test-model",
        OPENAI_TIMEOUT_SECONDS=5.0,
        OPENAI_DAILY_CALL_CAP=10,
        EXTRACTION_FALLBACK_THRESHOLD=0.8,
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vision"}
        },
    ):
        cache.clear()
        yield server


# --------------------------------------------------------------------------- documents and OCR results


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 3200), "white").save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def ocr_result(**overrides: Any) -> ExtractionResult:
    """A photo OCR misread: III read as II in one code, the name smudged, one token unresolved."""
    result = ExtractionResultFactory(
        applicant_name="D0E, JANE",
        ftn="A1B2C3D4",
        exam_id="123456789012345",
        exam_code="PAR",
        exam_title="Private Pilot Airplane (PAR)",
        exam_date="2026-04-03",
        exam_site="ABC12345",
        score=85,
        grade="PASS",
        take=1,
        expiration_date="2028-04-30",
        code_kind="acs",
        codes=["PA.I.C.K2a", "PA.II.A.K1"],
        codes_detail=[
            code_detail("PA.I.C.K2a", 0.88, description="about PA.I.C.K2a"),
            code_detail("PA.II.A.K1", 0.55, "PA.IlA.K1", description="about PA.II.A.K1"),
        ],
        unresolved=[
            Unresolved("PA.I.?.K1", "ambiguous between catalogue codes", ["PA.I.A.K1", "PA.I.C.K2a"])
        ],
        field_confidence={
            "applicant_name": 0.5,
            "ftn": 0.9,
            "exam_id": 0.9,
            "exam_title": 0.9,
            "exam_code": 0.9,
            "exam_date": 0.9,
            "exam_site": 0.9,
            "score": 0.9,
            "grade": 0.9,
            "take": 0.9,
            "expiration_date": 0.9,
            "codes": 0.4,
        },
        confidence=0.4,
        source_format="image",
        path="ocr",
        elapsed_ms=640.0,
    )
    for key, value in overrides.items():
        setattr(result, key, value)
    return result


# --------------------------------------------------------------------------- tests


def test_off_without_key(server: FakeModelServer, catalog: Catalog) -> None:
    with override_settings(OPENAI_API_KEY="", OPENAI_BASE_URL=server.base_url):
        low = ocr_result()
        assert fallback.apply_vision_fallback(photo(), low, catalog) is low
    assert server.requests == []


def test_below_threshold_goes_to_the_model_and_the_verified_answer_wins(
    enabled: FakeModelServer, catalog: Catalog
) -> None:
    result = fallback.apply_vision_fallback(photo(), ocr_result(), catalog)

    assert len(enabled.requests) == 1
    request = enabled.requests[0]
    assert enabled.headers[0]["authorization"] == "Bearer sk-local-test"
    assert request["model"] == "vision-test-model"
    fmt = request["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    schema = fmt["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(schema["properties"])
    assert {"codes", "applicant_name", "exam_date", "score", "grade"} <= set(schema["properties"])
    images = [
        part["image_url"]["url"]
        for message in request["messages"]
        if isinstance(message["content"], list)
        for part in message["content"]
        if part["type"] == "image_url"
    ]
    assert len(images) == 1 and images[0].startswith("data:image/jpeg;base64,")
    sent = Image.open(io.BytesIO(base64.b64decode(images[0].split(",", 1)[1])))
    assert max(sent.size) <= 1600  # the 2400x3200 photo was downscaled

    assert result.codes == ["PA.I.C.K2a", "PA.III.A.K1"]  # II misread replaced, ambiguity settled
    assert result.unresolved == []
    assert result.applicant_name == NAME
    assert result.path == "vision"
    assert result.confidence >= 0.8
    assert result.field_confidence["exam_date"] >= 0.9  # both readings agree
    assert result.elapsed_ms >= 640.0


def test_a_hallucinated_code_is_rejected(enabled: FakeModelServer, catalog: Catalog) -> None:
    enabled.answer_with(answer(codes=["PA.I.C.K2a", "PA.III.A.K1", "PA.XII.Q.K7", "CA.I.A.K1"]))
    result = fallback.apply_vision_fallback(photo(), ocr_result(), catalog)

    assert result.codes == ["PA.I.C.K2a", "PA.III.A.K1"]
    assert all(code in catalog for code in result.codes)
    rejected = {u.raw: u.reason for u in result.unresolved}
    assert set(rejected) == {"PA.XII.Q.K7", "CA.I.A.K1"}  # invented, and another exam's code
    assert result.confidence < 0.8  # something is left for a person to check


def test_a_confident_ocr_value_the_model_contradicts_is_kept_and_flagged(
    enabled: FakeModelServer, catalog: Catalog
) -> None:
    enabled.answer_with(answer(exam_id="999999999999999", codes=["PA.I.C.K2a"]))
    ocr = ocr_result(
        codes=["PA.I.C.K2a", "PA.IX.A.S1"],
        codes_detail=[
            code_detail("PA.I.C.K2a", 0.88, description="about PA.I.C.K2a"),
            code_detail("PA.IX.A.S1", 0.9, description="about PA.IX.A.S1"),
        ],
        unresolved=[],
    )
    result = fallback.apply_vision_fallback(photo(), ocr, catalog)

    assert result.exam_id == "123456789012345"
    assert result.field_confidence["exam_id"] <= 0.6
    assert result.codes == ["PA.I.C.K2a", "PA.IX.A.S1"]  # a confident OCR code the model missed stays
    assert result.path == "ocr+vision"
    assert result.review and result.review_reasons == ["low_confidence"]


def test_one_printed_code_read_two_ways_is_one_code(enabled: FakeModelServer, catalog: Catalog) -> None:
    enabled.answer_with(answer(codes=["PA.I.C.K2a", "PA.III.A.K1", "PA.IX.A.S1"]))
    ocr = ocr_result(
        codes=["PA.I.C.K2a", "PA.II.A.K1"],
        codes_detail=[
            code_detail("PA.I.C.K2a", 0.9, description="about PA.I.C.K2a"),
            code_detail("PA.II.A.K1", 0.9, description="about PA.II.A.K1"),
        ],
        unresolved=[],
    )
    result = fallback.apply_vision_fallback(photo(), ocr, catalog)

    # The confident OCR reading stays but is flagged; the code OCR missed is added.
    assert result.codes == ["PA.I.C.K2a", "PA.II.A.K1", "PA.IX.A.S1"]
    flagged = {d.code: d.confidence for d in result.codes_detail}
    assert flagged["PA.II.A.K1"] <= 0.6 and flagged["PA.IX.A.S1"] == vision_merge.VISION_CONF
    assert result.confidence <= 0.6
    assert result.path == "ocr+vision"
    assert result.review and "low_confidence" in result.review_reasons


def test_the_merge_keeps_the_ocr_doubts_and_adds_its_own(enabled: FakeModelServer, catalog: Catalog) -> None:
    agreed = fallback.apply_vision_fallback(photo(), ocr_result(), catalog)
    assert agreed.unresolved == [] and not agreed.review and agreed.review_reasons == []

    doubted = ocr_result(review=True, review_reasons=["low_ocr_confidence"])
    kept = fallback.apply_vision_fallback(photo(), doubted, catalog)
    assert kept.review and kept.review_reasons == ["low_ocr_confidence"]

    enabled.answer_with(answer(codes=["PA.I.C.K2a", "PA.III.A.K1", "PA.XII.Q.K7"]))
    invented = fallback.apply_vision_fallback(photo(), ocr_result(), catalog)
    assert [u.raw for u in invented.unresolved] == ["PA.XII.Q.K7"]
    assert invented.review and invented.review_reasons == ["code_unresolved"]


def test_a_confident_missing_score_is_not_replaced(enabled: FakeModelServer, catalog: Catalog) -> None:
    confidence = {**ocr_result().field_confidence, "score": 0.9}
    result = fallback.apply_vision_fallback(
        photo(), ocr_result(score=None, field_confidence=confidence), catalog
    )

    assert result.score is None
    assert result.field_confidence["score"] <= 0.6


def test_pdf_pages_are_sent_as_png(enabled: FakeModelServer, catalog: Catalog) -> None:
    data = text_pdf(["AIRMAN KNOWLEDGE TEST REPORT", "NAME: DOE, JANE Q"], pages=2)
    fallback.apply_vision_fallback(data, ocr_result(source_format="pdf_scan", pages=2), catalog)

    parts = enabled.requests[0]["messages"][1]["content"]
    urls = [p["image_url"]["url"] for p in parts if p["type"] == "image_url"]
    assert len(urls) == 2 and all(u.startswith("data:image/png;base64,") for u in urls)


def test_confident_or_text_results_are_not_sent(enabled: FakeModelServer, catalog: Catalog) -> None:
    fine = ocr_result(confidence=0.9)
    text = ocr_result(path="text", source_format="pdf_text")
    assert fallback.apply_vision_fallback(photo(), fine, catalog) is fine
    assert fallback.apply_vision_fallback(photo(), text, catalog) is text
    assert enabled.requests == []


@pytest.mark.timeout(30)  # the model never answers: the call must give up on its own
def test_timeout_keeps_the_ocr_result(
    enabled: FakeModelServer, catalog: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    enabled.stalled = True
    low = ocr_result()
    with (
        override_settings(OPENAI_TIMEOUT_SECONDS=0.2),
        caplog.at_level(logging.INFO, "extraction.adapter.fallback"),
    ):
        result = fallback.apply_vision_fallback(photo(), low, catalog)

    assert result is low and result.path == "ocr"
    assert 1 <= len(enabled.requests) <= 1 + fallback.MAX_RETRIES
    assert "APITimeoutError" in caplog.text
    assert "DOE" not in caplog.text and "D0E" not in caplog.text


@pytest.mark.parametrize(
    ("content", "status"),
    [
        ("not json at all", 200),
        (json.dumps(answer(is_report=False)), 200),
        (json.dumps({**answer(), "codes": "PA.I.C.K2a"}), 200),
        (json.dumps(answer()), 500),
    ],
)
def test_unusable_answers_keep_the_ocr_result(
    enabled: FakeModelServer, catalog: Catalog, content: str, status: int
) -> None:
    enabled.content, enabled.status = content, status
    low = ocr_result()
    with override_settings(OPENAI_TIMEOUT_SECONDS=2.0):
        assert fallback.apply_vision_fallback(photo(), low, catalog) is low


def test_cap_reached_means_no_call(enabled: FakeModelServer, catalog: Catalog) -> None:
    with override_settings(OPENAI_DAILY_CALL_CAP=1):
        first = fallback.apply_vision_fallback(photo(), ocr_result(), catalog)
        low = ocr_result()
        second = fallback.apply_vision_fallback(photo(), low, catalog)

    assert first.path == "vision"
    assert second is low
    assert len(enabled.requests) == 1
    assert cache.get(fallback.calls_key()) == 2


def test_cap_of_zero_disables_calls(enabled: FakeModelServer, catalog: Catalog) -> None:
    with override_settings(OPENAI_DAILY_CALL_CAP=0):
        low = ocr_result()
        assert fallback.apply_vision_fallback(photo(), low, catalog) is low
    assert enabled.requests == []


def test_run_extraction_applies_the_fallback(
    enabled: FakeModelServer, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(adapter, "get_catalog", lambda: catalog)
    monkeypatch.setattr(adapter, "extract_document", lambda data, cat, options=None: ocr_result())

    result = adapter.run_extraction(photo())

    assert result.path == "vision"
    assert result.codes == ["PA.I.C.K2a", "PA.III.A.K1"]
    assert len(enabled.requests) == 1


def test_plt_answers_are_taken_for_a_legacy_report_ocr_could_not_read(
    enabled: FakeModelServer, catalog: Catalog
) -> None:
    enabled.answer_with(answer(ftn=None, applicant_id="12345678", codes=["PLT058", "PLT 104", "PA.I.A.K1"]))
    ocr = ocr_result(ftn=None, applicant_id=None, code_kind="plt", codes=[], codes_detail=[], unresolved=[])
    result = fallback.apply_vision_fallback(photo(), ocr, catalog)

    assert result.code_kind == "plt"
    assert result.codes == ["PLT058", "PLT104"]
    assert [u.raw for u in result.unresolved] == ["PA.I.A.K1"]
    assert result.applicant_id == "12345678"


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {**answer(), "score": "85"},
        {**answer(), "take": True},
        {**answer(), "applicant_name": 7},
        {**answer(), "codes": ["PA.I.A.K1"] * 200},
    ],
)
def test_payload_shape_is_checked(payload: object) -> None:
    with pytest.raises(VisionError):
        parse_payload(payload)
