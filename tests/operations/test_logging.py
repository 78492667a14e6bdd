"""Log lines: JSON with the request id in production, task ids in workers, redaction everywhere."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from cfipros.logs import logging_config
from cfipros.request_id import RequestIdMiddleware, bind_request_id

SHARE_TOKEN = "Q" * 43


@pytest.fixture
def capture() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger with the production console handler (its filters and formatter), into a buffer.

    Built from ``logging_config("json")`` by hand: a second ``dictConfig`` would close the
    handlers the rest of the suite logs through.
    """
    config = logging_config("json", "INFO")
    console = config["handlers"]["console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    for name in console["filters"]:
        handler.addFilter(import_string(config["filters"][name]["()"])())
    handler.setFormatter(import_string(config["formatters"][console["formatter"]]["()"])())
    logger = logging.getLogger("tests.operations.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_line_written_while_answering_a_request_carries_its_id(capture) -> None:
    logger, stream = capture

    def view(request: HttpRequest) -> HttpResponse:
        logger.info("answering %s", request.path)
        return HttpResponse("ok")

    request = HttpRequest()
    request.path = request.path_info = "/api/v1/reports"
    request.META["HTTP_X_REQUEST_ID"] = "req-abc-123"
    response = RequestIdMiddleware(view)(request)

    [line] = _lines(stream)
    assert line["request_id"] == "req-abc-123" == response["X-Request-ID"]
    assert line["message"] == "answering /api/v1/reports"
    assert line["level"] == "INFO"
    assert line["logger"] == "tests.operations.json"
    assert "task_id" not in line


def test_each_event_is_one_line_even_with_a_traceback_and_secrets_are_redacted(capture) -> None:
    logger, stream = capture
    unbind = bind_request_id("req-trace")
    try:
        raise ValueError(f"bad token {SHARE_TOKEN}\nsecond line")
    except ValueError:
        logger.exception("failed on /api/v1/results/%s", SHARE_TOKEN)
    finally:
        unbind()

    text = stream.getvalue()
    assert text.count("\n") == 1
    [line] = _lines(stream)
    assert line["request_id"] == "req-trace"
    assert SHARE_TOKEN not in text
    assert "[redacted]" in line["message"]
    assert "ValueError" in line["exception"]


def test_worker_lines_carry_the_task_id_and_name(capture) -> None:
    from cfipros.celery import app

    logger, stream = capture

    @app.task(name="tests.operations.log_something", bind=True)
    def log_something(self) -> None:
        logger.info("inside the task")

    log_something.apply(task_id="task-0001")
    [line] = _lines(stream)
    assert line["task_id"] == "task-0001"
    assert line["task_name"] == "tests.operations.log_something"


def test_a_task_queued_during_a_request_logs_under_its_request_id(capture) -> None:
    from cfipros.celery import app

    logger, stream = capture

    @app.task(name="tests.operations.log_request", bind=True)
    def log_request(self) -> None:
        logger.info("worker side")

    log_request.apply(task_id="task-0002", headers={"request_id": "req-queued-1"})
    [line] = _lines(stream)
    assert line["request_id"] == "req-queued-1"
    assert line["task_id"] == "task-0002"


def test_celery_is_configured_to_leave_logging_to_django(settings) -> None:
    from celery.signals import setup_logging

    from cfipros.celery import app, configure_worker_logging

    assert app.conf.worker_hijack_root_logger is False
    assert any(receiver() is configure_worker_logging for _, receiver in setup_logging.receivers)


def test_every_handler_stamps_context_before_redacting() -> None:
    for fmt in ("json", "plain"):
        console = logging_config(fmt)["handlers"]["console"]
        assert console["filters"] == ["context", "redact"]
        assert console["formatter"] == fmt


def test_plain_lines_for_a_terminal_name_the_request() -> None:
    formatter = logging_config("plain")["formatters"]["plain"]["()"]
    assert formatter == "cfipros.logs.PlainFormatter"
    from cfipros.logs import PlainFormatter, RequestContextFilter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    unbind = bind_request_id("req-plain")
    try:
        RequestContextFilter().filter(record)
    finally:
        unbind()
    assert "[req-plain] hello" in PlainFormatter().format(record)


def test_a_run_time_is_not_taken_for_an_exam_id() -> None:
    from cfipros.log_redaction import redact

    assert redact("Task x succeeded in 0.004123456789012s") == "Task x succeeded in 0.004123456789012s"
    assert redact("exam 466317578555813058 done") == "exam [redacted] done"
