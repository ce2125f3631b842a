"""The ``scamlines`` spider: from seeds, through in-scope links, to pages for the detector.

``scamlines crawl SEED...`` runs it; so does ``scrapy crawl scamlines -a seeds=URL,URL``
(``-a seeds_file=PATH``, ``-a follow_offsite=1``) from the repository root.
"""

from __future__ import annotations

import logging
import struct
import zlib
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import HtmlResponse, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.config import CrawlConfig
from crawler.items import PageItem
from crawler.links import LinkRanker, brand_terms, in_scope, registrable_domain
from crawler.seeds import SeedSet, parse_seeds
from crawler.store import FetchRecord, utc_now

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

__all__ = ["ScamlinesSpider", "failure_kind", "fetch_record"]

logger = logging.getLogger(__name__)

#: Content types handed to the detector as text.
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class ScamlinesSpider(Spider):
    """Crawl seed URLs, files or folders; follow in-scope links, contact pages first.

    Arguments (``-a``): ``seeds`` (comma- or space-separated), ``seeds_file``,
    ``follow_offsite``. Seeds can also come from ``SCAMLINES_SEEDS``. Sitemaps (``*.xml``,
    ``*.xml.gz``, a ``robots.txt`` with ``Sitemap:`` lines) given as seeds are expanded into
    the pages they list, each treated as a seed (depth 0).
    """

    name = "scamlines"

    def __init__(
        self,
        seeds: str | list[str] | tuple[str, ...] = (),
        seeds_file: str | None = None,
        follow_offsite: str | bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._seed_args = seeds.replace(",", " ").split() if isinstance(seeds, str) else seeds
        self._seeds_file = seeds_file
        self._follow_offsite_arg = follow_offsite
        self.seed_set = SeedSet(())
        self.link_extractor = LinkExtractor(unique=True)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(CrawlConfig.from_settings(crawler.settings))
        return spider

    def configure(self, config: CrawlConfig) -> None:
        """Resolve seeds, scope and link ranking from the settings and arguments."""
        self.config = config
        self.seed_set = parse_seeds([*config.seeds, *self._seed_args], self._seeds_file)
        arg = self._follow_offsite_arg
        self.follow_offsite = config.follow_offsite or str(arg).lower() in ("1", "true", "yes")
        self.ranker = LinkRanker(brand_terms(_load_allowlist(config.allowlist)))

    @property
    def seed_urls(self) -> tuple[str, ...]:
        return self.seed_set.urls

    @property
    def file_roots(self) -> tuple[Path, ...]:
        return (*self.config.file_roots, *self.seed_set.file_roots)

    async def start(self) -> AsyncIterator[Request]:
        for url in self.seed_set.urls:
            # Not dont_filter: a seed linked from another seed is fetched once. A fresh crawl
            # starts with an empty job directory; a resumed one has already fetched them.
            yield self._request(url, priority=0, seed=True)

    # --- callbacks ----------------------------------------------------------------------------

    def parse(self, response: Response) -> Iterator[PageItem | Request]:
        if response.meta.get("scamlines_seed") and _is_sitemap_source(response):
            yield from self._sitemap_requests(response)
            return
        yield PageItem(
            fetch=fetch_record(response),
            text=_text_of(response),
            replayed=bool(response.meta.get("scamlines_replayed")),
        )
        if not self.config.follow_links or self._page_budget_spent():
            return
        if isinstance(response, HtmlResponse):
            yield from self._links(response)

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        kind = failure_kind(failure.value) if failure.value is not None else None
        if kind is not None:
            self.crawler.stats.inc_value(f"scamlines/fetch_failed/{kind}")
        logger.info("Not fetched: %s (%s)", request.url if request else "?", failure.value)

    # --- helpers ------------------------------------------------------------------------------

    def _request(
        self, url: str, *, priority: int, dont_filter: bool = False, seed: bool = False
    ) -> Request:
        meta: dict[str, Any] = {"scamlines_priority": priority}
        if seed:
            meta.update(scamlines_seed=True, depth_reset=True)
        return Request(
            url,
            callback=self.parse,
            errback=self.on_error,
            priority=priority,
            dont_filter=dont_filter,
            meta=meta,
        )

    def _links(self, response: HtmlResponse) -> Iterator[Request]:
        for link in self.link_extractor.extract_links(response):
            if not in_scope(
                link.url,
                response.url,
                follow_offsite=self.follow_offsite,
                file_roots=self.file_roots,
            ):
                self.crawler.stats.inc_value("scamlines/links_out_of_scope")
                continue
            yield self._request(link.url, priority=self.ranker.priority(link.url, link.text))

    def _sitemap_requests(self, response: Response) -> Iterator[Request]:
        self.crawler.stats.inc_value("scamlines/sitemaps")
        for url in _sitemap_urls(response, self.crawler.settings.getint("DOWNLOAD_MAXSIZE")):
            if self.follow_offsite or in_scope(url, response.url):
                yield self._request(url, priority=0, seed=True)

    def _page_budget_spent(self) -> bool:
        limit = self.config.max_pages
        return bool(limit) and self.crawler.stats.get_value("scamlines/pages", 0) >= limit


def fetch_record(response: Response) -> FetchRecord:
    """The store's view of a response: URL as requested, redirect chain, headers, body."""
    meta = response.meta
    hops = list(meta.get("redirect_urls", ()))
    reasons = list(meta.get("redirect_reasons", ()))
    chain = [{"url": url, "status": status} for url, status in zip(hops, reasons, strict=False)]
    chain.append({"url": response.url, "status": response.status})
    host = urlsplit(response.url).hostname
    content_type = _content_type(response)
    return FetchRecord(
        url=hops[0] if hops else response.url,
        final_url=response.url,
        status=response.status,
        body=response.body,
        fetched_at=utc_now(),
        headers=_headers(response),
        content_type=content_type,
        redirect_chain=chain,
        depth=int(meta.get("depth", 0)),
        priority=int(meta.get("scamlines_priority", 0)),
        cached="cached" in response.flags,
        note=None if _text_of(response) is not None else _binary_note(content_type),
        host=host,
        domain=registrable_domain(host) if host else None,
    )


def failure_kind(error: BaseException) -> str | None:
    """How the summary names a failed fetch; None for refusals counted elsewhere."""
    message = str(error)
    if "network guard" in message or "robots.txt" in message:
        return None  # scamlines/refused_* and robotstxt/forbidden count these
    if "max size" in message or "DOWNLOAD_MAXSIZE" in message:
        return "too_large"
    if type(error).__name__ == "DownloadCancelledError":
        # Scrapy's HTTP handler cancels a download only when the body passes DOWNLOAD_MAXSIZE
        # mid-stream (timeouts raise DownloadTimeoutError), and says so with no message.
        return "too_large"
    return type(error).__name__


def _headers(response: Response) -> dict[str, list[str]]:
    return {
        key.decode("latin-1"): [value.decode("latin-1") for value in values]
        for key, values in response.headers.items()
    }


def _content_type(response: Response) -> str | None:
    raw = response.headers.get(b"Content-Type")
    return raw.decode("latin-1").strip() if raw else None


def _text_of(response: Response) -> str | None:
    if not isinstance(response, TextResponse):
        return None
    content_type = (_content_type(response) or "").split(";", 1)[0].strip().lower()
    if isinstance(response, HtmlResponse) or content_type in _TEXT_TYPES:
        return response.text
    return None


def _binary_note(content_type: str | None) -> str:
    return f"not analysed: {content_type or 'unknown content type'} is not a web page"


def _is_sitemap_source(response: Response) -> bool:
    path = urlsplit(response.url).path.lower()
    if path.endswith("/robots.txt"):
        return True
    head = response.body[:2] == b"\x1f\x8b" or b"<urlset" in response.body[:2048]
    return head or b"<sitemapindex" in response.body[:2048]


def _sitemap_urls(response: Response, maxsize: int) -> list[str]:
    if urlsplit(response.url).path.lower().endswith("/robots.txt"):
        text = response.text if isinstance(response, TextResponse) else response.body.decode()
        return list(sitemap_urls_from_robots(text, base_url=response.url))
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=maxsize)
        except (OSError, EOFError, ValueError, struct.error, zlib.error):  # bad or oversized
            logger.warning("Unreadable gzipped sitemap %s", response.url)
            return []
    sitemap = Sitemap(body)
    return [entry["loc"] for entry in sitemap if entry.get("loc")]


def _load_allowlist(path: str | None) -> Any:
    import allowlist

    return allowlist.load(path)
