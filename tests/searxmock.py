"""A loopback server that speaks SearXNG's JSON API, with its failure modes.

``GET /search?q=QUERY&format=json&pageno=N`` answers ``{"query", "number_of_results",
"results": [{"url", "title", "content", "engine"}, ...]}`` with :attr:`per_page` results per
page, from the :class:`Answer` configured for QUERY (unknown queries: no results). An
answer can fail instead: ``status`` (an HTTP error), ``"timeout"`` (no answer for
``stall`` seconds), ``"malformed"`` (truncated JSON), ``"html"`` (an HTML page), ``"429"``
(rate limited, with ``retry_after``); ``times`` limits the failure to the first N requests
for that query, ``page`` to one result page. Every request is recorded in ``hits``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from loopback import LoopbackServer, QuietHandler


@dataclass
class Answer:
    """What the server answers for one query."""

    urls: list[str] = field(default_factory=list)
    fail: str | None = None  #: "500" (any status), "timeout", "malformed", "html", "429"
    times: int | None = None  #: fail only the first N requests (None: always)
    page: int | None = None  #: fail only this result page
    retry_after: str | None = None  #: Retry-After header of a 429


class SearxServer(LoopbackServer):
    """A fake SearXNG instance on 127.0.0.1; use as a context manager."""

    def __init__(
        self, answers: dict[str, Answer] | None = None, *, per_page: int = 10, stall: float = 5
    ) -> None:
        self.answers = dict(answers or {})
        self.per_page = per_page
        self.stall = stall
        self.hits: list[tuple[str, int]] = []
        self._lock = threading.Lock()
        super().__init__(type("Handler", (_Handler,), {"searx": self}))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def allow(self) -> str:
        """The ``--allow-host`` value that lets scamlines reach this server."""
        return f"127.0.0.1:{self.port}"

    def queries_asked(self) -> list[str]:
        with self._lock:
            return [q for q, _ in self.hits]

    def record(self, query: str, page: int) -> int:
        """Record a hit; returns how many times this query was asked before."""
        with self._lock:
            before = sum(1 for q, _ in self.hits if q == query)
            self.hits.append((query, page))
            return before


class _Handler(QuietHandler):
    searx: SearxServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = parse_qs(parts.query)
        if parts.path != "/search" or params.get("format") != ["json"]:
            self._send(404, b"<html>not found</html>", "text/html")
            return
        query = params.get("q", [""])[0]
        page = int(params.get("pageno", ["1"])[0])
        before = self.searx.record(query, page)
        answer = self.searx.answers.get(query, Answer())
        failing = answer.fail and (answer.times is None or before < answer.times)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            if failing and answer.page in (None, page):
                self._fail(answer)
            else:
                self._results(query, answer.urls, page)

    def _results(self, query: str, urls: list[str], page: int) -> None:
        size = self.searx.per_page
        chosen = urls[(page - 1) * size : page * size]
        body = {
            "query": query,
            "number_of_results": len(urls),
            "results": [
                {"url": url, "title": f"Result {n} for {query}", "content": f"snippet {n}",
                 "engine": "mock"}
                for n, url in enumerate(chosen, start=(page - 1) * size + 1)
            ],
            "unresponsive_engines": [],
        }  # fmt: skip
        self._send(200, json.dumps(body).encode(), "application/json")

    def _fail(self, answer: Answer) -> None:
        kind = answer.fail or "500"
        if kind == "timeout":
            time.sleep(self.searx.stall)
            self._send(200, b'{"results": []}', "application/json")
        elif kind == "malformed":
            self._send(200, b'{"results": [{"url": "http://a.example/", "title": ', "application/json")
        elif kind == "html":
            self._send(200, b"<!DOCTYPE html><html><body>SearXNG</body></html>", "text/html")
        elif kind == "429":
            headers = {"Retry-After": answer.retry_after} if answer.retry_after else {}
            self._send(429, b"Too Many Requests", "text/plain", headers)
        else:
            self._send(int(kind), b'{"error": "engine failure"}', "application/json")
