"""Real servers on 127.0.0.1 that play the other side: a helpdesk or chat webhook receiver,
and an SMTP server. They record what they receive."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeHttpReceiver:
    """Answers every POST with ``status`` (change it to simulate an outage) and records it."""

    status: int = 200
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                if receiver.status < 300:
                    receiver.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                 json.loads(raw or b"null"))
                    )  # fmt: skip
                self.send_response(receiver.status)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"id": 1}')

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakeSmtp:
    """A local SMTP server (aiosmtpd) that keeps the messages it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Message] = []
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                outer.messages.append(message_from_bytes(envelope.content))
                return "250 OK"

        with socket.socket() as probe:  # a free port (aiosmtpd needs a fixed one to start)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def close(self) -> None:
        self._controller.stop()
