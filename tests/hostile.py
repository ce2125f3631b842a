"""Helpers for the hostile-input suite (``tests/test_hostile_*.py``): run the CLI in a
subprocess and insist on no traceback, and a raw loopback server that answers each path with
scripted bytes (broken chunking, slow drips, bad redirects) that ``http.server`` cannot send.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable
from typing import Self

from crawlhelp import CrawlResult, run_scamlines

#: What a fake-support page needs to be flagged: a brand and an unverified toll-free number.
SCAM_TEXT = "Netflix customer support helpline: call Netflix support at 1-888-555-0199 now"
SCAM_E164 = "+18885550199"

Reply = bytes | Callable[[socket.socket], None]


def cli(*args: str, timeout: float = 90) -> CrawlResult:
    """``scamlines ARGS`` in a subprocess; fails the test on any traceback."""
    result = run_scamlines(*args, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout
    return result


def response(status: int, body: bytes, *, content_type: str = "text/html",
             headers: dict[str, str] | None = None) -> bytes:
    """A complete HTTP/1.0 response, as bytes."""
    lines = [f"HTTP/1.0 {status} X", f"Content-Type: {content_type}",
             f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def page(extra: str = "") -> bytes:
    """A scam page (plus ``extra`` markup), as bytes."""
    return f"<html><body><h1>Netflix help</h1>{extra}<p>{SCAM_TEXT}</p></body></html>".encode()


def drip(data: bytes, every: float) -> Callable[[socket.socket], None]:
    """A reply that sends ``data`` one byte every ``every`` seconds."""
    def send(sock: socket.socket) -> None:
        for byte in data:
            sock.sendall(bytes([byte]))
            time.sleep(every)
    return send


class RawServer:
    """Answer ``routes[path]`` (bytes or a function of the socket) on 127.0.0.1; 404 else."""

    def __init__(self, routes: dict[str, Reply]) -> None:
        self.routes = routes
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server._answer(self.request)

        self.tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.tcp.daemon_threads = True
        self._thread = threading.Thread(target=self.tcp.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self.tcp.server_address[1])

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def allow(self) -> list[str]:
        """The options that let a guarded fetch reach this loopback server."""
        return ["--allow-host", f"127.0.0.1:{self.port}"]

    def _answer(self, sock: socket.socket) -> None:
        head = b""
        sock.settimeout(5)
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                head += chunk
            path = head.split(b" ", 2)[1].decode("latin-1")
            reply = self.routes.get(path, response(404, b"<p>not here</p>"))
            if callable(reply):
                reply(sock)
            else:
                sock.sendall(reply)
        except OSError:
            pass  # the client hung up: that is what several tests want

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.tcp.shutdown()
        self.tcp.server_close()
