"""Sentry is optional; when on, events are redacted by the same rules as the logs."""

from __future__ import annotations

from cfipros.sentry import before_send

SHARE_TOKEN = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v"
EXAM_ID = "123456789012345"


def test_before_send_redacts_messages_exceptions_requests_and_breadcrumbs() -> None:
    event = {
        "event_id": "0123456789abcdef0123456789abcdef",
        "message": f"lookup of {SHARE_TOKEN}",
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": f"exam {EXAM_ID}",
                    "stacktrace": {"frames": [{"vars": {"token": SHARE_TOKEN}}]},
                }
            ]
        },
        "request": {
            "url": f"https://api.cfipros.com/api/v1/results/{SHARE_TOKEN}",
            "headers": {"Authorization": "Bearer abc.def.ghi", "Cookie": "sessionid=x", "Accept": "*/*"},
            "cookies": {"sessionid": "x"},
        },
        "breadcrumbs": {"values": [{"message": f"GET /api/v1/results/{SHARE_TOKEN}"}]},
        "transaction": f"/api/v1/results/{SHARE_TOKEN}",
    }
    sent = before_send(event, {})
    text = repr(sent)
    assert SHARE_TOKEN not in text
    assert EXAM_ID not in text
    assert "abc.def.ghi" not in text
    assert "sessionid" not in text
    assert sent["request"]["headers"]["Accept"] == "*/*"
    assert sent["event_id"] == "0123456789abcdef0123456789abcdef"


def test_sentry_stays_off_without_a_dsn() -> None:
    import sentry_sdk

    assert sentry_sdk.get_client().is_active() is False
