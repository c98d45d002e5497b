"""Two local mail servers for tests: one that accepts a connection and never says a
word (a hung mail server), and a small SMTP sink that counts what it receives.
Plain sockets and threads, no dependency."""
from __future__ import annotations

import collections
import email
import socket
import socketserver
import threading
import time
from typing import Any


class HungServer:
    """Accepts connections and never answers; closes them after ``close_after`` seconds
    (so a client without a timeout is not stuck for ever in a test that fails)."""

    def __init__(self, close_after: float = 30.0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.close_after = close_after
        self.accepted = 0
        self._held: list[tuple[float, socket.socket]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.accepted += 1
                self._held.append((time.monotonic(), conn))
            except (TimeoutError, OSError):
                pass
            now = time.monotonic()
            for opened, conn in [h for h in self._held if now - h[0] > self.close_after]:
                conn.close()
                self._held.remove((opened, conn))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        for _, conn in self._held:
            conn.close()
        self.sock.close()


class _SMTPHandler(socketserver.StreamRequestHandler):
    def _say(self, line: str):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        self._say("220 sink ready")
        recipients: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 sink")
            elif verb == "MAIL":
                recipients = []
                self._say("250 ok")
            elif verb == "RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self._say("250 ok")
            elif verb == "DATA":
                self._say("354 go on")
                data = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.server.sink.received(recipients, b"".join(data))  # type: ignore[attr-defined]
                self._say("250 queued")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:  # RSET, NOOP …
                self._say("250 ok")


class _ThreadingTCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    sink: Any


class SMTPSink:
    """Counts messages by their outbox id (the ``X-Linli-Outbox`` header)."""

    def __init__(self):
        self.server = _ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.by_outbox_id: collections.Counter = collections.Counter()
        self.messages: list[tuple[list[str], email.message.Message]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def received(self, recipients, data: bytes):
        message = email.message_from_bytes(data)
        with self._lock:
            self.messages.append((recipients, message))
            self.by_outbox_id[message.get("X-Linli-Outbox", "")] += 1

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
