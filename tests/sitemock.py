"""A local web server for crawl tests: virtual hosts from ``tests/site/``, plus failure modes.

Like scrapy-playwright's ``StaticMockServer``: stdlib ``ThreadingHTTPServer`` on a loopback
address and port 0, run in a thread. Crawls reach its virtual hosts through
``scamlines crawl --resolve HOST=127.0.0.1 --resolve-only``, so no DNS query and no packet
ever leaves the machine.

Static files live in ``tests/site/<host>/``; ``{{PORT}}``, ``{{SECRET_PORT}}`` (and any other
``substitutions``) are replaced in text files as they are served. Dynamic paths, on every
host:

``/calendar/YYYY-MM``   an endless calendar: each month links to the next and the previous
``/gen/N``              a tree of generated support pages (``gen_pages`` of them, 2 links each)
``/redirect/PATH``      301 to ``/PATH`` on the same host
``/redirect-to?url=U``  302 to the absolute URL ``U``
``/loop/a``, ``/loop/b`` 302 to each other
``/status/CODE``        an HTML page with that status
``/huge``               ``huge_size`` bytes of HTML, with a Content-Length
``/huge-stream``        the same without a Content-Length (chunks until the client gives up)
``/bomb``               gzip-encoded HTML that inflates to ``bomb_size`` bytes
``/download/…``         binary bytes, ``application/octet-stream``

``delay`` seconds are slept before each response to ``/gen/`` (a slow-ish site); pages from
``/gen/<slow_from>`` on take ``slow_delay`` seconds instead, or until ``hurry`` is set (a site
that hangs, then recovers).
Every request is recorded in ``hits`` as ``(host, path)``; ``most_at_once[host]`` is the most
requests to ``host`` that were ever being answered at the same time.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from loopback import LoopbackServer, QuietHandler

SITE_ROOT = Path(__file__).parent / "site"

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
}


class SiteServer(LoopbackServer):
    """Serve ``root`` on ``address``; use as a context manager."""

    def __init__(
        self,
        root: Path = SITE_ROOT,
        address: str = "127.0.0.1",
        *,
        substitutions: dict[str, Any] | None = None,
        delay: float = 0.0,
        gen_pages: int = 30,
        slow_from: int | None = None,
        slow_delay: float = 30.0,
        huge_size: int = 3 * 1024 * 1024,
        bomb_size: int = 64 * 1024 * 1024,
    ) -> None:
        self.root = root
        self.substitutions = dict(substitutions or {})
        self.delay = delay
        self.gen_pages = gen_pages
        self.slow_from = slow_from
        self.slow_delay = slow_delay
        self.hurry = threading.Event()
        self.huge_size = huge_size
        self.bomb_size = bomb_size
        self.hits: list[tuple[str, str]] = []
        self.at_once: dict[str, int] = {}
        self.most_at_once: dict[str, int] = {}
        self._bomb: bytes | None = None
        self._lock = threading.Lock()
        super().__init__(_handler_for(self), address)

    def url(self, host: str, path: str = "/") -> str:
        """``http://host:port/path`` for one of the virtual hosts."""
        return f"http://{host}:{self.port}{path}"

    def hosts(self) -> list[str]:
        """The virtual hosts: the folders under ``root``."""
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    def paths_hit(self, host: str | None = None) -> list[str]:
        with self._lock:
            return [path for h, path in self.hits if host is None or h == host]

    def record(self, host: str, path: str) -> None:
        with self._lock:
            self.hits.append((host, path))

    @contextlib.contextmanager
    def answering(self, host: str) -> Iterator[None]:
        with self._lock:
            self.at_once[host] = now = self.at_once.get(host, 0) + 1
            self.most_at_once[host] = max(now, self.most_at_once.get(host, 0))
        try:
            yield
        finally:
            with self._lock:
                self.at_once[host] -= 1

    def bomb(self) -> bytes:
        if self._bomb is None:
            self._bomb = gzip.compress(b"<html><body>" + b"0" * self.bomb_size, 9)
        return self._bomb


def _handler_for(server: SiteServer) -> type[QuietHandler]:
    class Handler(_SiteHandler):
        site = server

    return Handler


class _SiteHandler(QuietHandler):
    site: SiteServer

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        parts = urlsplit(self.path)
        self.site.record(host, self.path)
        # The crawler hangs up on the size-limit routes: that is their point.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError), self.site.answering(host):
            self._route(host, parts.path, parse_qs(parts.query))

    def _route(self, host: str, path: str, query: dict[str, list[str]]) -> None:
        site = self.site
        if path.startswith("/calendar/"):
            self._html(200, _calendar(path.removeprefix("/calendar/")))
        elif path.startswith("/gen/"):
            number = int(path.removeprefix("/gen/") or 0)
            if site.slow_from is not None and number >= site.slow_from:
                site.hurry.wait(site.slow_delay)
            else:
                time.sleep(site.delay)
            self._html(200, _generated(number, site.gen_pages))
        elif path.startswith("/redirect/"):
            self._redirect(301, "/" + path.removeprefix("/redirect/"))
        elif path == "/redirect-to":
            self._redirect(302, self._fill(query.get("url", ["/"])[0]))
        elif path in ("/loop/a", "/loop/b"):
            self._redirect(302, "/loop/b" if path == "/loop/a" else "/loop/a")
        elif path.startswith("/status/"):
            code = int(path.removeprefix("/status/"))
            self._html(code, f"<html><head><title>{code}</title></head><body>{code}</body></html>")
        elif path == "/huge":
            self._huge(with_length=True)
        elif path == "/huge-stream":
            self._huge(with_length=False)
        elif path == "/bomb":
            self._send(200, site.bomb(), "text/html", {"Content-Encoding": "gzip"})
        elif path.startswith("/download/"):
            self._send(200, bytes(range(256)) * 64, "application/octet-stream")
        else:
            self._static(host, path)

    # --- responses -------------------------------------------------------------------------------

    def _static(self, host: str, path: str) -> None:
        if path.endswith("/"):
            path += "index.html"
        base = (self.site.root / host).resolve()
        target = (base / path.lstrip("/")).resolve()
        if not target.is_relative_to(base) or not target.is_file():
            self._html(404, "<html><body>not found</body></html>")
            return
        content_type = _TYPES.get(target.suffix, "application/octet-stream")
        body = target.read_bytes()
        if content_type.startswith(("text/", "application/xml")):
            body = self._fill(body.decode("utf-8")).encode("utf-8")
        self._send(200, body, content_type)

    def _fill(self, text: str) -> str:
        values = {"PORT": self.site.port, **self.site.substitutions}
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", str(value))
        return text

    def _html(self, status: int, html: str) -> None:
        self._send(status, self._fill(html).encode("utf-8"), "text/html; charset=utf-8")

    def _redirect(self, status: int, location: str) -> None:
        self._send(status, b"", "text/html", {"Location": location})

    def _huge(self, *, with_length: bool) -> None:
        chunk = b"<p>" + b"support " * 8190 + b"</p>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if with_length:
            self.send_header("Content-Length", str(self.site.huge_size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        sent = 0
        while sent < self.site.huge_size:
            piece = chunk[: self.site.huge_size - sent]
            self.wfile.write(piece)
            sent += len(piece)


def _calendar(month: str) -> str:
    year, _, mon = month.partition("-")
    index = int(year) * 12 + int(mon or 1) - 1
    prev_m, next_m = index - 1, index + 1
    label = f"{index // 12:04d}-{index % 12 + 1:02d}"
    return (
        f"<html><head><title>Events {label}</title></head><body><h1>Events in {label}</h1>"
        f'<a href="/calendar/{prev_m // 12:04d}-{prev_m % 12 + 1:02d}">previous month</a> '
        f'<a href="/calendar/{next_m // 12:04d}-{next_m % 12 + 1:02d}">next month</a>'
        "</body></html>"
    )


def _generated(number: int, total: int) -> str:
    children = [n for n in (2 * number + 1, 2 * number + 2) if n < total]
    links = " ".join(f'<a href="/gen/{n}">support topic {n}</a>' for n in children)
    return (
        f"<html><head><title>Printer help topic {number}</title></head><body>"
        f"<h1>Printer setup help, topic {number}</h1>"
        "<p>Having trouble with your HP printer? Our HP printer support experts are "
        "available 24/7. Call the HP support toll free number +1 (877) 555-0199 now.</p>"
        f"<p>{links}</p></body></html>"
    )
