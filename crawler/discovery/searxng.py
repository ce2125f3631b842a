"""A SearXNG instance as a search provider, through its JSON API.

``GET {base}/search?q=QUERY&format=json&pageno=N`` answers
``{"results": [{"url", "title", "content"}, ...]}``; pages are fetched until ``max_results``
distinct URLs are in hand, a page brings nothing new, or :data:`MAX_PAGES` is reached.
The instance must allow the JSON format (``search: formats: [html, json]`` in its
``settings.yml``); public instances mostly do not, so run your own.

Requests go through :func:`crawler.fetch.fetch`: the network guard refuses private, loopback
and metadata addresses unless ``--allow-host`` names the host (a SearXNG on
``localhost:8888`` needs ``--allow-host localhost:8888``), redirects are checked hop by
hop and each request has a timeout.

Rate limits: an HTTP 429 is retried after its ``Retry-After`` (seconds or an HTTP date;
:data:`DEFAULT_RETRY_AFTER` when absent) if that is at most ``max_wait`` seconds, up to
``retries`` times; then the query is given up (:class:`RateLimited`), not the run.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from crawler.discovery.providers import ProviderError, RateLimited, Result
from crawler.fetch import Fetched, FetchError, check_destination, fetch
from crawler.netguard import AllowedHost

__all__ = ["DEFAULT_RETRY_AFTER", "MAX_PAGES", "SearxngProvider"]

#: Result pages asked for one query at most (SearXNG pages hold about 10 results).
MAX_PAGES = 10
#: Seconds waited after a 429 that does not say how long to wait.
DEFAULT_RETRY_AFTER = 5.0


class SearxngProvider:
    """Search through the SearXNG instance at ``base_url``."""

    name = "searxng"
    uses_queries = True

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        max_wait: float = 30.0,
        retries: int = 2,
        delay: float = 1.0,
        allow: tuple[AllowedHost, ...] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.strip().rstrip("/")
        self.timeout = timeout
        self.max_wait = max_wait
        self.retries = retries
        self.delay = delay
        self.allow = allow
        self.sleep = sleep
        self._last_request: float | None = None

    def check(self) -> None:
        """Raise ProviderError when the URL is unusable or refused by the network guard."""
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProviderError(f"--searxng-url {self.base_url!r}: not an http(s) URL")
        try:
            check_destination(self.base_url, self.allow)
        except FetchError as err:
            raise ProviderError(f"SearXNG {err}") from None

    def search(self, query: str, max_results: int) -> list[Result]:
        """Up to ``max_results`` results for ``query`` (0: all of :data:`MAX_PAGES` pages)."""
        limit = max_results or MAX_PAGES * 1000
        results: list[Result] = []
        seen: set[str] = set()
        for pageno in range(1, MAX_PAGES + 1):
            try:
                entries = self._page(query, pageno)
            except ProviderError as err:
                raise type(err)(str(err), partial=results) from None
            fresh = [e for e in entries if e["url"] not in seen]
            for entry in fresh:
                seen.add(entry["url"])
                results.append(Result(entry["url"], entry["title"], entry["content"],
                                      rank=len(results) + 1))  # fmt: skip
            if not fresh or len(results) >= limit:
                break
        return results[:limit]

    # --- one page -------------------------------------------------------------------------

    def _page(self, query: str, pageno: int) -> list[dict[str, str]]:
        url = f"{self.base_url}/search?" + urlencode(
            {"q": query, "format": "json", "pageno": pageno}
        )
        for attempt in range(self.retries + 1):
            response = self._get(url)
            if response.status != 429:
                return _entries(response)
            wait = _retry_after(response.headers)
            if wait > self.max_wait:
                raise RateLimited(
                    f"rate limited (HTTP 429): the instance asks to wait {wait:.0f} s, "
                    f"more than the {self.max_wait:.0f} s allowed (--max-wait)"
                )
            if attempt < self.retries:
                self.sleep(wait)
        raise RateLimited(f"rate limited (HTTP 429) {self.retries + 1} times in a row")

    def _get(self, url: str) -> Fetched:
        self._pause()
        try:
            return fetch(url, timeout=self.timeout, allow=self.allow)
        except FetchError as err:
            raise ProviderError(_fetch_problem(str(err), self.timeout)) from None
        finally:
            self._last_request = time.monotonic()

    def _pause(self) -> None:
        # One request per ``delay`` seconds: SearXNG instances (and the engines behind
        # them) throttle clients that query in bursts.
        if self._last_request is not None and self.delay > 0:
            remaining = self._last_request + self.delay - time.monotonic()
            if remaining > 0:
                self.sleep(remaining)


def _entries(response: Fetched) -> list[dict[str, str]]:
    """The usable results of one answer; raises ProviderError for an unusable answer."""
    if response.status == 403:
        raise ProviderError(
            "HTTP 403 Forbidden: does the instance allow JSON? (settings.yml: "
            "search: formats: [html, json])"
        )
    if response.status >= 400:
        raise ProviderError(f"HTTP {response.status} from the SearXNG instance")
    data = _json(response)
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise ProviderError("malformed answer: no \"results\" list in the JSON")
    return [entry for item in results if (entry := _entry(item)) is not None]


def _json(response: Fetched) -> Any:
    content_type = (response.content_type or "").split(";", 1)[0].strip().lower()
    try:
        return json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        if "json" not in content_type:
            shown = content_type or "no content type"
            raise ProviderError(
                f"answered {shown}, not JSON: is this the instance's base URL, and does it "
                "allow format=json?"
            ) from None
        raise ProviderError("malformed JSON in the answer") from None


def _entry(item: Any) -> dict[str, str] | None:
    if not isinstance(item, dict) or not isinstance(item.get("url"), str):
        return None
    return {
        "url": item["url"].strip(),
        "title": _text(item.get("title")),
        "content": _text(item.get("content")),
    }


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _retry_after(headers: dict[str, str]) -> float:
    """Seconds a 429 asks to wait: ``Retry-After`` as seconds or an HTTP date."""
    raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), "").strip()
    if not raw:
        return DEFAULT_RETRY_AFTER
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _fetch_problem(message: str, timeout: float) -> str:
    if "timed out" in message.lower():
        return f"no answer within {timeout:g} s (--provider-timeout): {message}"
    return message
