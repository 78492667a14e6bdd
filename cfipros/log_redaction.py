"""A logging filter that takes secrets and identifiers out of every log record.

Code does not log personal data in the first place (no names, FTNs, exam ids, tokens or document
text); this filter is the second line, for what frameworks log on their own: request paths that
hold share tokens, ``Authorization`` values, long digit runs such as exam ids.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(/results/)[^/\s?\"']+"), r"\1" + REDACTED),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), r"\1" + REDACTED),
    (re.compile(r"(?i)(share_token[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9_-]+"), r"\1" + REDACTED),
    # Unpadded URL-safe base64 of 32 bytes: the shape of a share token anywhere in a message.
    (re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"), REDACTED),
    # Exam ids are long digit strings; the digits of a decimal fraction (a task's run time) are not.
    (re.compile(r"(?<![\d.])\d{12,}(?!\d)"), REDACTED),
)

_exception_formatter = logging.Formatter()


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites the message (and any traceback text) of each record; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = _exception_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
