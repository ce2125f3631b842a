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
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawler.config import CrawlConfig
from crawler.items import PageItem
from crawler.links import in_scope, registrable_domain
from crawler.linkscore import FIRST, LinkScorer, ParentPage, brand_terms, phone_count
from crawler.renderhandler import Renderer
from crawler.requesturl import BadURL, request_url
from crawler.seeds import SeedSet, parse_seeds
from crawler.sizecap import TRUNCATED
from crawler.stopping import ABANDONED, requeue
from crawler.store import FetchRecord, utc_now

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from allowlist.loader import Selection

__all__ = ["ScamlinesSpider", "failure_kind", "fetch_record"]

logger = logging.getLogger(__name__)

#: Content types handed to the detector as text.
_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class ScamlinesSpider(Spider):
    """Crawl seed URLs, files or folders; follow in-scope links, the most promising first.

    Arguments (``-a``): ``seeds`` (comma- or space-separated), ``seeds_file``,
    ``follow_offsite``. Seeds can also come from ``SCAMLINES_SEEDS``. Sitemaps (``*.xml``,
    ``*.xml.gz``, a ``robots.txt`` with ``Sitemap:`` lines) given as seeds are expanded into
    the pages they list, each treated as a seed (depth 0): nested sitemaps first, then pages
    by the same score as links (``SCAMLINES_SITEMAP_MAX_URLS`` best ones per sitemap).

    Links and sitemap entries are scored by :class:`crawler.linkscore.LinkScorer`; the score
    is the request's priority and is recorded as ``pages.priority``. With
    ``SCAMLINES_FOCUSED = False`` every priority is 0 (breadth-first).
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
        # Scrapy skips links to .pdf files by default; fake-support PDFs are what we read.
        self.link_extractor = LinkExtractor(
            unique=True, deny_extensions=[e for e in IGNORED_EXTENSIONS if e != "pdf"]
        )
        self.renderer: Renderer | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.configure(CrawlConfig.from_settings(crawler.settings))
        spider.renderer = Renderer.from_crawler(crawler)
        return spider

    def configure(self, config: CrawlConfig) -> None:
        """Resolve seeds, scope and link ranking from the settings and arguments."""
        self.config = config
        self.seed_set = parse_seeds([*config.seeds, *self._seed_args], self._seeds_file)
        arg = self._follow_offsite_arg
        self.follow_offsite = config.follow_offsite or str(arg).lower() in ("1", "true", "yes")
        self.scorer = LinkScorer(brand_terms(_load_allowlist(config.allowlist)))

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
            # Before any link: they are what the analyst (or the search) asked for.
            yield self._request(url, priority=self._first(), seed=True)

    # --- callbacks ----------------------------------------------------------------------------

    async def parse(self, response: Response) -> AsyncIterator[PageItem | Request]:
        if response.meta.get("scamlines_seed") and _is_sitemap_source(response):
            for request in self._sitemap_requests(response):
                yield request
            return
        record = fetch_record(response)
        # A page with a note (an HTTP error, a non-text body) is recorded, not analysed.
        text = _text_of(response) if record.note is None else None
        item = PageItem(
            fetch=record,
            text=text,
            # The worker decodes the body with this charset: one copy crosses the pipe.
            encoding=response.encoding if text is not None else None,  # type: ignore[attr-defined]
            replayed=bool(response.meta.get("scamlines_replayed")),
            leases=tuple(response.meta.get("scamlines_leases", ())),
        )
        render = self.renderer is not None and self.renderer.wanted(response, item)[0]
        if not render:
            yield item
        follow = self.config.follow_links and not self._page_budget_spent()
        if follow and isinstance(response, HtmlResponse):
            for request in self._links(response):
                yield request
        if render:
            # Links first: a render takes a second or more, and the crawl's focus should not
            # wait for it (crawler.renderhandler: the DOM a browser builds, and screenshots).
            assert self.renderer is not None
            rendered = await self.renderer.render(response, item)
            if rendered is None:  # stopped mid-render (crawler.stopping): --resume redoes it
                self.crawler.stats.inc_value("scamlines/abandoned")
                if response.request is not None:
                    requeue(self.crawler, response.request)
            else:
                yield rendered

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        if request is not None and request.meta.get(ABANDONED):
            # Given up by a Ctrl-C or SIGTERM (crawler.stopping): not a failed fetch.
            self.crawler.stats.inc_value("scamlines/abandoned")
            return
        kind = failure_kind(failure.value) if failure.value is not None else None
        if kind is not None:
            self.crawler.stats.inc_value(f"scamlines/fetch_failed/{kind}")
        logger.info("Not fetched: %s (%s)", request.url if request else "?", failure.value)

    # --- helpers ------------------------------------------------------------------------------

    def _request(
        self,
        url: str,
        *,
        priority: int,
        score: int = 0,
        dont_filter: bool = False,
        seed: bool = False,
    ) -> Request:
        # scamlines_priority: what ordered the request (pages.priority); scamlines_score:
        # what its links inherit, 0 for seeds and sitemaps, which are first by rank alone.
        meta: dict[str, Any] = {"scamlines_priority": priority, "scamlines_score": score}
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
        parent = self._parent_page(response)
        for link in self.link_extractor.extract_links(response):
            if not in_scope(
                link.url,
                response.url,
                follow_offsite=self.follow_offsite,
                file_roots=self.file_roots,
            ):
                self.crawler.stats.inc_value("scamlines/links_out_of_scope")
                continue
            score = self._score(link.url, link.text, parent)
            yield self._request(link.url, priority=score, score=score)

    def _parent_page(self, response: HtmlResponse) -> ParentPage | None:
        if not self.config.focused:
            return None
        score = int(response.meta.get("scamlines_score", 0))
        return ParentPage(score=score, numbers=phone_count(response.text))

    def _first(self) -> int:
        return FIRST if self.config.focused else 0

    def _score(self, url: str, anchor: str = "", parent: ParentPage | None = None) -> int:
        return self.scorer.score(url, anchor, parent) if self.config.focused else 0

    def _sitemap_requests(self, response: Response) -> Iterator[Request]:
        self.crawler.stats.inc_value("scamlines/sitemaps")
        maxsize = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        entries, nested = _sitemap_urls(response, maxsize)
        entries = self._usable(entries, response.url)
        urls = [u for u in entries if self.follow_offsite or in_scope(u, response.url)]
        if nested:
            # Sitemaps listed by an index or robots.txt: expanded before any page is fetched,
            # so that every page they list competes for the budget on its score.
            for url in urls:
                yield self._request(url, priority=self._first(), seed=True)
            return
        for score, url in self._best_entries(urls):
            yield self._request(url, priority=score, score=score, seed=True)

    def _usable(self, entries: list[str], source: str) -> list[str]:
        """The entries that are URLs a request can be made of; each bad one is logged and
        skipped, so one malformed ``<loc>`` or ``Sitemap:`` line loses only itself."""
        usable = []
        for entry in entries:
            if entry[:5].lower() == "file:":  # a local sitemap's own pages
                usable.append(entry)
                continue
            try:
                usable.append(request_url(entry, base=source).url)
            except BadURL as err:
                self.crawler.stats.inc_value("scamlines/sitemap_bad_urls")
                logger.warning("Skipped a sitemap entry in %s: %s", source, err)
        return usable

    def _best_entries(self, urls: list[str]) -> list[tuple[int, str]]:
        """``[(score, url)]``, best first (sitemap order among equals), capped."""
        scored = sorted(((self._score(url), url) for url in urls), key=lambda e: -e[0])
        limit = self.config.sitemap_max_urls
        if limit and len(scored) > limit:
            self.crawler.stats.inc_value("scamlines/sitemap_urls_dropped", len(scored) - limit)
            scored = scored[:limit]
        return scored

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
        note=unanalysed_note(response.status, content_type, _text_of(response) is not None),
        host=host,
        domain=registrable_domain(host) if host else None,
        truncated=bool(meta.get(TRUNCATED)),
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
    if type(error) is ValueError:
        return "bad_url"  # a redirect to a malformed address (bad port, IPv6 literal…)
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


def unanalysed_note(status: int, content_type: str | None, is_text: bool) -> str | None:
    """Why a response is not analysed, or None when it is.

    An HTTP error page (status 400 or more) is never judged: a deleted scam page answering
    404 is gone, not ``clean``, and its soft "not found" text says nothing about the site.
    """
    if status >= 400:
        return f"not analysed: HTTP {status}"
    if not is_text:
        return f"not analysed: {content_type or 'unknown content type'} is not a web page"
    return None


def _is_sitemap_source(response: Response) -> bool:
    path = urlsplit(response.url).path.lower()
    if path.endswith("/robots.txt"):
        return True
    head = response.body[:2] == b"\x1f\x8b" or b"<urlset" in response.body[:2048]
    return head or b"<sitemapindex" in response.body[:2048]


def _sitemap_urls(response: Response, maxsize: int) -> tuple[list[str], bool]:
    """The URLs a sitemap or robots.txt lists, and whether they are sitemaps themselves."""
    if urlsplit(response.url).path.lower().endswith("/robots.txt"):
        return _robots_sitemaps(response.body), True
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=maxsize)
        except (OSError, EOFError, ValueError, struct.error, zlib.error):  # bad or oversized
            logger.warning("Unreadable gzipped sitemap %s", response.url)
            return [], False
    sitemap = Sitemap(body)
    urls = [entry["loc"] for entry in sitemap if entry.get("loc")]
    return urls, sitemap.type == "sitemapindex"


def _robots_sitemaps(body: bytes) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt, as written (relative ones are resolved, and
    bad ones skipped, one by one in :meth:`ScamlinesSpider._usable`). Scrapy's own reader
    resolves them in a generator, so one malformed line ended the list there."""
    text = body.decode("utf-8", "replace")
    return [line.split(":", 1)[1].strip() for line in text.splitlines()
            if line.lstrip().lower().startswith("sitemap:")]


def _load_allowlist(layers: Selection) -> Any:
    return layers.load()
