"""Downloader middlewares: the network safety guard and the resume replay.

See documentation in docs/topics/downloader-middleware.rst (Scrapy).
"""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING, Any, cast

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from crawler.config import CrawlConfig
from crawler.links import file_path, under_roots
from crawler.netguard import AllowedHost, classify_address, classify_hostname
from crawler.store import open_store

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.internet.defer import Deferred

    from crawler.store import Store

__all__ = ["NetworkGuardMiddleware", "ReplayMiddleware", "spider_file_roots"]

logger = logging.getLogger(__name__)

#: How many refused URLs the stats keep as examples for the summary.
REFUSED_EXAMPLES = 10

_DEFAULT_PORTS = {"http": 80, "https": 443}


class NetworkGuardMiddleware:
    """Refuse requests that could reach the analyst's own network.

    Every request (seeds, followed links, robots.txt, each redirect hop, which Scrapy sends
    back through ``process_request``) is checked before it can become a connection:

    * the scheme must be ``http`` or ``https``; ``file:`` only under the seed folders
      (``SCAMLINES_FILE_ROOTS``);
    * the host is resolved (through the crawl's caching resolver, which the connection then
      reuses) and the address must be public: not private, loopback, link-local, multicast,
      reserved, unspecified or a cloud metadata endpoint (:mod:`crawler.netguard`);
    * unless the host (or host:port) is listed in ``SCAMLINES_ALLOW_HOSTS``.

    Refusals raise ``IgnoreRequest``, are logged at WARNING and counted in the stats
    ``scamlines/refused`` and ``scamlines/refused_<reason>`` (reasons:
    :data:`crawler.netguard.REASONS` plus ``scheme``); ``scamlines/refused_examples`` keeps
    the first few as ``"URL (reason)"``.
    """

    def __init__(
        self, crawler: Crawler, allow_hosts: tuple[AllowedHost, ...], file_roots: tuple[Path, ...]
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.allow_hosts = allow_hosts
        self.file_roots = file_roots

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = CrawlConfig.from_settings(crawler.settings)
        return cls(crawler, config.allow_hosts, config.file_roots)

    async def process_request(self, request: Request) -> None:
        parts = urlparse_cached(request)
        scheme = parts.scheme.lower()
        if scheme == "file":
            self._check_file(request)
            return
        if scheme not in _DEFAULT_PORTS:
            self._refuse(request, "scheme", f"scheme {scheme}: is not http(s)")
        host = (parts.hostname or "").lower()
        if not host:
            self._refuse(request, "reserved", "URL has no host")
        try:
            port = parts.port or _DEFAULT_PORTS[scheme]
        except ValueError:
            self._refuse(request, "reserved", "bad port")
        if any(rule.matches(host, port) for rule in self.allow_hosts):
            self.stats.inc_value("scamlines/allowed_by_rule")
            return
        reason = classify_hostname(host)
        if reason is not None:
            self._refuse(request, reason, f"host {host} is a {reason} name")
        address = await self._resolve(host)
        reason = classify_address(address)
        if reason is not None:
            where = f"host {host} resolves to {address}" if address != host else address
            self._refuse(request, reason, f"{where} ({reason})")

    def _check_file(self, request: Request) -> None:
        path = file_path(request.url)
        roots = self.file_roots + spider_file_roots(self.crawler)
        if path is None or not under_roots(path, roots):
            self._refuse(request, "scheme", "file: URL outside the seed folders")

    async def _resolve(self, host: str) -> str:
        try:
            return str(ipaddress.ip_address(host.strip("[]")))
        except ValueError:
            pass
        from twisted.internet import reactor

        # The same resolver (and DNS cache) the connection will use a moment later.
        resolving: Deferred[object] = cast("Any", reactor).resolve(host)
        return str(await maybe_deferred_to_future(resolving))

    def _refuse(self, request: Request, reason: str, why: str) -> None:
        self.stats.inc_value("scamlines/refused")
        self.stats.inc_value(f"scamlines/refused_{reason}")
        examples = list(self.stats.get_value("scamlines/refused_examples", []))
        if len(examples) < REFUSED_EXAMPLES:
            self.stats.set_value(
                "scamlines/refused_examples", [*examples, f"{request.url} ({why})"]
            )
        logger.warning("Refused %s: %s", request.url, why, extra={"spider": self.crawler.spider})
        raise IgnoreRequest(f"refused by the network guard: {why}")


def spider_file_roots(crawler: Crawler) -> tuple[Path, ...]:
    """The seed folders of the crawl's spider (none before it exists)."""
    try:
        spider = crawler.spider
    except (AttributeError, RuntimeError):  # Scrapy 2.18+: not set before the crawl starts
        return ()
    return tuple(getattr(spider, "file_roots", ()))


class ReplayMiddleware:
    """Serve pages a resumed run already recorded from the store instead of the network.

    Enabled by ``SCAMLINES_REPLAY`` (``scamlines crawl --resume``). A crawl killed with
    SIGKILL leaves Scrapy's job directory inconsistent (the queue's index is only written on
    a clean close), so resuming rebuilds the frontier from what the store holds: each
    recorded page is replayed (no request goes out, nothing is recorded twice), its links are
    followed again, and whatever was in flight or queued is fetched. Counted in
    ``scamlines/replayed``.
    """

    def __init__(self, crawler: Crawler, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.config = config
        self._store: Store | None = None
        self._index: dict[str, dict[str, Any]] | None = None
        crawler.signals.connect(self._close, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = CrawlConfig.from_settings(crawler.settings)
        if not config.replay:
            raise NotConfigured
        return cls(crawler, config)

    def process_request(self, request: Request) -> Response | None:
        entry = self._recorded().get(request.url)
        if entry is None:
            return None
        store = self._open()
        body = (store.body(entry["body_sha256"]) if entry["body_sha256"] else None) or b""
        headers = Headers({"Content-Type": entry["content_type"]} if entry["content_type"] else {})
        url = entry["final_url"] or request.url
        cls = responsetypes.from_args(headers=headers, url=url, body=body)
        # Replayed as-is: neither retried (a recorded 500) nor redirected again.
        request.meta.update(scamlines_replayed=True, dont_retry=True, dont_redirect=True)
        self.crawler.stats.inc_value("scamlines/replayed")
        return cls(
            url=url,
            status=entry["status"] or 200,
            headers=headers,
            body=body,
            request=request,
            flags=["replayed"],
        )

    def _open(self) -> Store:
        if self._store is None:
            self._store = open_store(self.config.db, timeout=self.config.db_timeout)
        return self._store

    def _recorded(self) -> dict[str, dict[str, Any]]:
        if self._index is None:
            assert self.config.run_id is not None
            self._index = self._open().recorded_in_run(self.config.run_id)
            logger.info(
                "Resuming run %s: %d pages already recorded", self.config.run_id, len(self._index)
            )
        return self._index

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
