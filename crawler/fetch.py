"""One analyst-requested fetch for ``scamlines check URL``: guarded, capped, no robots.txt.

Every hop of a redirect chain is parsed (:mod:`crawler.requesturl`), resolved and checked
against :mod:`crawler.netguard` before connecting, so a scam page cannot bounce the analyst's
machine onto ``169.254.169.254`` or the office network. The body is read up to a size cap,
and the whole fetch (connects, headers, bodies of every hop) shares one total deadline: a
server dripping one byte a second cannot hold it past its ``timeout``.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crawler.inflate import ZLIB_ENCODINGS, inflate_prefix
from crawler.netguard import AllowedHost, classify_address, classify_hostname
from crawler.requesturl import BadURL, request_url

USER_AGENT = "scamlines/0.1 (+https://github.com/scamlines/scamlines; fake-support-number research)"
MAX_BYTES = 8 * 1024 * 1024
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


class FetchError(Exception):
    """The page could not be fetched; the message says why, for the analyst."""


@dataclass(slots=True)
class Fetched:
    url: str  #: as requested
    final_url: str
    status: int
    content_type: str | None
    body: bytes
    fetched_at: str
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[tuple[str, int]] = field(default_factory=list)
    truncated: bool = False  #: longer than MAX_BYTES; the beginning was kept
    cut_short: bool = False  #: the server stopped before the end it announced


class _Deadline:
    """A total time limit for one fetch: when it passes, the open socket is shut down, which
    ends any read in progress however slowly the server sends."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.05, self.end - time.monotonic())

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            if self.expired:
                self._shut()

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut()

    def _shut(self) -> None:
        if self._sock is not None:
            # The plain socket's shutdown, also for TLS: it must not wait for the peer.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)


def _connection_class(base: type[http.client.HTTPConnection], deadline: _Deadline) -> Any:
    class Connection(base):  # type: ignore[valid-type, misc]
        def connect(self) -> None:
            given: float | None = getattr(self, "timeout", None)
            self.timeout = min(given or deadline.seconds, deadline.remaining())
            super().connect()
            deadline.attach(self.sock)

    return Connection


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    http_class = _connection_class(http.client.HTTPConnection, deadline)
    https_class = _connection_class(http.client.HTTPSConnection, deadline)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(http_class, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: Any) -> Any:
            return self.do_open(https_class, req, context=self._context)  # type: ignore[attr-defined]

    return urllib.request.build_opener(_NoRedirect, HTTPHandler, HTTPSHandler)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # redirects are followed by fetch(), one checked hop at a time


def check_destination(url: str, allow: tuple[AllowedHost, ...] = ()) -> str:
    """The request form of ``url``; raises FetchError unless it is a usable http(s) URL
    whose host resolves only to public addresses (or is named in ``allow``)."""
    try:
        target = request_url(url)
    except BadURL as error:
        raise FetchError(str(error)) from None
    host, port = target.host, target.port
    if any(entry.matches(host, port) for entry in allow):
        return target.url
    reason = classify_hostname(host)
    if reason is None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as error:
            raise FetchError(f"{url}: cannot resolve {host} ({error})") from None
        reasons = {classify_address(str(info[4][0])) for info in infos} - {None}
        reason = min(r for r in reasons if r) if reasons else None
    if reason:
        raise FetchError(f"{url}: refused, {host} is a {reason.replace('_', '-')} address "
                         f"(name it with --allow-host {host}:{port} to allow it)")
    return target.url


def fetch(url: str, *, timeout: float = 20.0, allow: tuple[AllowedHost, ...] = (),
          user_agent: str = USER_AGENT) -> Fetched:
    """Fetch ``url`` once, following at most MAX_REDIRECTS checked redirects, all within
    ``timeout`` seconds in total; raises FetchError with the reason."""
    deadline = _Deadline(timeout)
    try:
        return _fetch(url, deadline, allow, user_agent)
    except FetchError:
        if deadline.expired:
            raise FetchError(f"{url}: timed out after {timeout:g} s (total limit)") from None
        raise
    finally:
        deadline.cancel()


def _fetch(url: str, deadline: _Deadline, allow: tuple[AllowedHost, ...],
           user_agent: str) -> Fetched:
    opener = _opener(deadline)
    current, redirects = url, []
    for _ in range(MAX_REDIRECTS + 1):
        current = check_destination(current, allow)
        response = _open(opener, current, user_agent, deadline)
        location = response.headers.get("Location") if 300 <= response.status < 400 else None
        if location:
            redirects.append((current, response.status))
            response.close()
            try:
                current = request_url(location, base=current).url
            except BadURL as error:
                raise FetchError(f"{current}: redirect to an unusable address ({error})") from None
            continue
        return _read(url, current, response, redirects, deadline)
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _open(opener: urllib.request.OpenerDirector, url: str, user_agent: str,
          deadline: _Deadline) -> Any:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent,
                                                   "Accept": "text/html,*/*;q=0.5"})
    try:
        return opener.open(request, timeout=deadline.remaining())
    except urllib.error.HTTPError as error:
        return error  # 3xx (not followed by urllib), 4xx and 5xx still have bodies
    except urllib.error.URLError as error:
        raise FetchError(f"{url}: {error.reason}") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        # Also what a hostile server provokes: over 100 headers, a header line too long,
        # a malformed status line.
        raise FetchError(f"{url}: bad response ({type(error).__name__}: {error})") from None


def _read(url: str, final_url: str, response: Any, redirects: list[tuple[str, int]],
          deadline: _Deadline) -> Fetched:
    """The response's body up to MAX_BYTES. A body the server stops sending (or still sends
    at the deadline) is kept as far as it came and marked ``cut_short``: a scammer must not
    hide a page by sending it slowly."""
    body, cut_short = b"", False
    try:
        while len(body) <= MAX_BYTES:
            chunk = response.read(_CHUNK)
            if not chunk:
                break
            body += chunk
    except http.client.IncompleteRead as error:
        body, cut_short = body + error.partial, True  # broken chunking: keep what came
    except (OSError, ValueError, http.client.HTTPException) as error:
        if not body:
            raise FetchError(f"{final_url}: reading the body failed ({error})") from None
        cut_short = True
    finally:
        response.close()
    if deadline.expired:
        if not body:
            raise FetchError(f"{final_url}: no body before the deadline")
        cut_short = True
    announced = response.headers.get("Content-Length", "")
    if announced.isdigit() and len(body) < min(int(announced), MAX_BYTES + 1):
        cut_short = True
    # Sent compressed although we never asked (browsers always accept gzip): read as sent.
    encoding = (response.headers.get("Content-Encoding") or "").strip().lower()
    if encoding in ZLIB_ENCODINGS:
        body = inflate_prefix(body, MAX_BYTES + 1) or body
    return Fetched(
        url=url, final_url=final_url, status=response.status,
        content_type=response.headers.get("Content-Type"), body=body[:MAX_BYTES],
        fetched_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        headers=dict(response.headers.items()), redirects=redirects,
        truncated=len(body) > MAX_BYTES, cut_short=cut_short,
    )
