"""Optional error reporting to Sentry, switched on by ``SENTRY_DSN`` and redacted before sending.

Nothing here is needed to run: without a DSN the SDK is never imported. With one, every event
passes through :func:`before_send`, which applies the log redaction (share tokens, bearer tokens,
exam ids) to every string in the event, the same rules the logs follow, and drops cookies and
the ``Authorization`` header outright.
"""

from __future__ import annotations

from typing import Any

from cfipros.log_redaction import REDACTED, redact

DROPPED_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-csrftoken"})
# The parts of an event that carry text from requests, messages and local variables; ids,
# timestamps and SDK metadata are left as they are.
SCRUBBED_PARTS = ("message", "logentry", "exception", "threads", "breadcrumbs", "request", "extra", "user")


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            key: REDACTED if str(key).lower() in DROPPED_HEADERS else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def before_send(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """The event with its text redacted and credentials removed; never drops an event."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
    for part in SCRUBBED_PARTS:
        if part in event:
            event[part] = _scrub(event[part])
    if isinstance(event.get("transaction"), str):
        event["transaction"] = redact(event["transaction"])
    return event


def init_sentry(dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    """Start the SDK with the Django and Celery integrations and no personal data."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=before_send,  # type: ignore[arg-type]
        before_send_transaction=before_send,  # type: ignore[arg-type]
    )
