"""A real HTTP receiver on 127.0.0.1 for the webhook tests: it records what it gets and answers
with the statuses the test scripts (200 once the script runs out; :data:`SLOW` and :data:`DRIP`
answer late)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# An answer that comes too late for a short timeout (then 200).
SLOW = 0
# An answer sent a header line every 0.1 s for 2 s: each read is quick, the whole is slow.
DRIP = 1


@dataclass
class Received:
    at: float
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float) -> list[Received]:
        """The first ``count`` requests, waiting at most ``timeout`` seconds for them."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


def serve(receiver_answers: list[int]) -> tuple[ThreadingHTTPServer, Receiver]:
    receiver = Receiver(url="", answers=receiver_answers)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with receiver.arrived:
                receiver.received.append(
                    Received(time.time(), self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                receiver.arrived.notify_all()
            if status == SLOW:
                time.sleep(1.0)
                status = 200
            if status == DRIP:
                self._drip()
                return
            try:
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the sender stopped waiting (a timeout test)

        def _drip(self) -> None:
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for n in range(20):
                    time.sleep(0.1)
                    self.wfile.write(f"X-Drip-{n}: .\r\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"Content-Length: 0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/cfipros"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, receiver
