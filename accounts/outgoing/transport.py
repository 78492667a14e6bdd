"""One HTTP POST of a webhook, to the address the SSRF guard checked.

The standard library's ``http.client`` is used because it does exactly what is wanted and no
more: it follows no redirect, reads no proxy from the environment, and lets the connection go to
the pinned address while TLS still checks the certificate against the URL's host name (SNI and
hostname verification use the name, the socket uses the checked address).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from accounts.outgoing.addresses import Target

USER_AGENT = "CFIPros-Webhooks/1"
# The receiver's answer matters only by its status; at most this much of it is read.
MAX_ANSWER_BYTES = 64 * 1024


@dataclass(frozen=True)
class Answer:
    """What an attempt got: the status (None when no answer came), the time it took, an error."""

    status: int | None
    latency_ms: int
    error: str = ""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.pinned_address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.pinned_address = target.address

    def connect(self) -> None:
        raw = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


class _Deadline:
    """Shuts the connection's socket down when the whole exchange overruns ``seconds``: a socket
    timeout bounds each read, but a receiver that sends its answer a byte at a time would pass
    every one of them."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float) -> None:
        self.connection = connection
        self.passed = False
        self.timer = threading.Timer(seconds, self._expire)
        self.timer.daemon = True

    def _expire(self) -> None:
        self.passed = True
        sock = self.connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)


def post(target: Target, headers: dict[str, str], body: str, *, timeout: float) -> Answer:
    """POST ``body`` as JSON; the whole exchange, connecting included, gets ``timeout`` seconds."""
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(target, timeout)
    else:
        connection = _PinnedHTTPConnection(target, timeout)
    data = body.encode()
    sent = {
        **headers,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Content-Length": str(len(data)),
    }
    too_late = f"No answer within {timeout:g} s."
    deadline = _Deadline(connection, timeout)
    started = time.monotonic()
    deadline.timer.start()
    try:
        connection.request("POST", target.path, body=data, headers=sent)
        response = connection.getresponse()
        response.read(MAX_ANSWER_BYTES)
        if deadline.passed:
            return Answer(None, _elapsed_ms(started), too_late)
        return Answer(response.status, _elapsed_ms(started))
    except TimeoutError:
        return Answer(None, _elapsed_ms(started), too_late)
    except ssl.SSLError as exc:
        return Answer(None, _elapsed_ms(started), f"TLS failed: {exc.reason or type(exc).__name__}."[:300])
    except (OSError, http.client.HTTPException) as exc:
        if deadline.passed:
            return Answer(None, _elapsed_ms(started), too_late)
        return Answer(None, _elapsed_ms(started), f"Connection failed: {type(exc).__name__}."[:300])
    finally:
        deadline.timer.cancel()
        connection.close()


def _elapsed_ms(started: float) -> int:
    return max(0, round((time.monotonic() - started) * 1000))
