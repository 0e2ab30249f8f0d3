"""What the fake servers share: a threaded HTTP server, request records, injected faults."""

from __future__ import annotations

import email.parser
import email.policy
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    """One request as it arrived."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any = None
    form: list[tuple[str, str]] = field(default_factory=list)
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # field → (filename, content type, bytes)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-able, or bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    method: str
    path: str  # a prefix
    reply: Reply | None  # None: handle the request as usual, then cut the connection without answering
    times: int


class FakeServer:
    """Subclasses implement ``route(request) -> Reply``."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.delay = 0.0  # seconds to wait before answering (so a killed client can leave a request behind)
        # chaos(request) -> None, or (when, reply): "before" answers ``reply`` without handling the request;
        # "after" handles it, then answers ``reply`` instead (None: cuts the connection, a lost answer)
        self.chaos: Any = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # headers and body go out as two writes: without this, Nagle and delayed ACKs add 40 ms a request
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _any(self) -> None:
                fake._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail_next(self, method: str, path: str, reply: Reply, times: int = 1) -> None:
        """Answer the next ``times`` requests to ``method path*`` with ``reply``."""
        with self.lock:
            self.faults.append(Fault(method, path, reply, times))

    def lose_next(self, method: str, path: str, times: int = 1) -> None:
        """Handle the next ``times`` requests to ``method path*`` as usual, then cut the connection: a lost answer."""
        with self.lock:
            self.faults.append(Fault(method, path, None, times))

    def _fault(self, request: Request) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.times > 0 and fault.method == request.method and request.path.startswith(fault.path):
                    fault.times -= 1
                    return fault
        return None

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        request = _parse(handler)
        with self.lock:
            self.requests.append(request)
        fault = self._fault(request)
        if fault is None and self.chaos is not None and (mischief := self.chaos(request)) is not None:
            when, chaotic = mischief
            fault = Fault(request.method, request.path, chaotic, 0)
            if when == "before":
                assert chaotic is not None
            else:
                self.route(request)  # the post is made; what comes back is ``chaotic``
                if chaotic is None:
                    handler.close_connection = True
                    handler.connection.shutdown(socket.SHUT_RDWR)
                    return
        reply = fault.reply if fault and fault.reply else self.route(request)
        if self.delay:
            time.sleep(self.delay)
        if fault and fault.reply is None:
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)  # the post is made, the answer never comes
            return
        body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode() if reply.body is not None else b""
        handler.send_response(reply.status)
        headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def route(self, request: Request) -> Reply:  # pragma: no cover - abstract
        raise NotImplementedError

    def hits(self, method: str, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.method == method and r.path == path]


def _parse(handler: BaseHTTPRequestHandler) -> Request:
    parts = urlsplit(handler.path)
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length) if length else b""
    headers = dict(handler.headers.items())
    path = parts.path.rstrip("/") or "/"  # Rails (Mastodon) routes ignore a trailing slash
    request = Request(handler.command, path, dict(parse_qsl(parts.query)), headers, body)
    kind = handler.headers.get("Content-Type", "")
    if kind.startswith("application/json") and body:
        request.json = json.loads(body)
    elif kind.startswith("application/x-www-form-urlencoded"):
        request.form = parse_qsl(body.decode(), keep_blank_values=True)
    elif kind.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + kind.encode() + b"\r\n\r\n" + body
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename is not None:
                request.files[name] = (filename, part.get_content_type(), payload)
            else:
                request.form.append((name, payload.decode()))
    return request


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client killed mid-request (the crash test does it on purpose) is not an error here."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
