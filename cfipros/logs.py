"""One logging configuration for the web processes, the Celery workers and gunicorn itself.

Every handler redacts (``cfipros.log_redaction``) and stamps each record with the request id of
the HTTP request, or the id and name of the Celery task, that it was written for. Production
writes one JSON object per line for a log collector; a developer's terminal gets plain text.

The JSON formatter is a small one of our own rather than python-json-logger: it writes a fixed
set of fields, so an ``extra=`` attribute that no one reviewed (and the redaction filter never
sees) cannot reach the log store, and it adds no dependency. This module imports nothing from
Django so that ``gunicorn.conf.py`` can use it before Django is set up.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from celery import current_task

from cfipros.request_id import current_request_id

CONTEXT_FIELDS = ("request_id", "task_id", "task_name")
GUNICORN_REQUEST_ID_ATOM = "{x-request-id}o"


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``task_id`` and ``task_name`` (empty when there is none) to a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = (
            getattr(record, "request_id", "") or current_request_id() or _access_request_id(record)
        )
        record.task_id, record.task_name = "", ""
        if current_task:
            record.task_id = str(current_task.request.id or "")
            record.task_name = str(current_task.name or "")
        return True


def _access_request_id(record: logging.LogRecord) -> str:
    """The ``X-Request-ID`` of a gunicorn access-log line, taken from its response headers.

    gunicorn writes that line after the request's context is gone; it passes every header as an
    argument of the record, so the id becomes a field of its own rather than part of the text.
    """
    if record.name != "gunicorn.access" or not isinstance(record.args, dict):
        return ""
    value = str(record.args.get(GUNICORN_REQUEST_ID_ATOM, "") or "")
    return "" if value == "-" else value


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context ids and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, "")
            if value:
                entry[field] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    """Readable lines for a terminal, with the request or task in brackets when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        parts = [str(getattr(record, "request_id", "") or "")]
        task_name, task_id = getattr(record, "task_name", ""), getattr(record, "task_id", "")
        if task_id:
            parts.append(f"{task_name}[{task_id}]")
        context = " ".join(part for part in parts if part)
        record.context = f" [{context}]" if context else ""
        return super().format(record)


def logging_config(fmt: str = "plain", level: str = "INFO") -> dict[str, Any]:
    """The ``dictConfig`` for ``fmt`` ("json" or "plain"): one console handler that redacts."""
    formatter = "json" if fmt == "json" else "plain"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "cfipros.logs.JsonFormatter"},
            "plain": {"()": "cfipros.logs.PlainFormatter"},
        },
        "filters": {
            "redact": {"()": "cfipros.log_redaction.RedactSecretsFilter"},
            "context": {"()": "cfipros.logs.RequestContextFilter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "filters": ["context", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.request": {"level": "ERROR"},
            # gunicorn's own loggers go through the same handler instead of gunicorn's.
            "gunicorn.error": {"level": level, "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }
