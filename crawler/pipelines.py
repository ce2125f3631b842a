"""Item pipelines: page limit → detector → store.

See documentation in docs/topics/item-pipeline.rst (Scrapy).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.analysis import Analyzer, NotAnalysable
from crawler.config import CrawlConfig
from crawler.store import StoreError, open_store
from crawler.writer import StoreWriter

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler

    from crawler.items import PageItem

__all__ = ["DetectorPipeline", "PageLimitPipeline", "StorePipeline", "run_status"]

logger = logging.getLogger(__name__)

#: Pages queued for the store writer beyond which the pipeline waits for it.
_WRITER_HIGH_WATER = 500


class PageLimitPipeline:
    """Stop the crawl after ``SCAMLINES_MAX_PAGES`` pages (``--max-pages``; 0: no limit).

    Counts every page, replayed ones included, in ``scamlines/pages``; pages that arrive after
    the limit (requests already in flight when it was reached) are dropped, so the store
    never holds more than the limit. Closes the spider with the reason ``max_pages``.
    """

    def __init__(self, crawler: Crawler, max_pages: int) -> None:
        self.crawler = crawler
        self.max_pages = max_pages
        self.count = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, CrawlConfig.from_settings(crawler.settings).max_pages)

    def process_item(self, item: PageItem) -> PageItem:
        if self.max_pages and self.count >= self.max_pages:
            self.crawler.stats.inc_value("scamlines/over_max_pages")
            raise DropItem(f"over the page limit ({self.max_pages})")
        self.count += 1
        self.crawler.stats.set_value("scamlines/pages", self.count)
        if self.max_pages and self.count >= self.max_pages:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="max_pages"))
        return item


class DetectorPipeline:
    """Analyse each page with ``detector.analyze`` against the crawl's allowlist.

    Disabled by ``SCAMLINES_DETECTOR_ENABLED = False`` (pages are then stored unjudged).
    Runs in ``SCAMLINES_DETECTOR_PROCESSES`` worker processes (0: inline). Bodies the detector
    declines, and responses that are not text, are kept with a ``note`` saying why. Stats:
    ``scamlines/analysed``, ``scamlines/verdict/<verdict>``, ``scamlines/not_analysed``,
    ``scamlines/detector_errors``.
    """

    def __init__(self, crawler: Crawler, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.analyzer: Analyzer | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = CrawlConfig.from_settings(crawler.settings)
        if not config.detector_enabled:
            raise NotConfigured
        return cls(crawler, config)

    def open_spider(self) -> None:
        import allowlist

        loaded = allowlist.load(self.config.allowlist)
        self.analyzer = Analyzer(loaded, self.config.detector_processes)
        self.analyzer.start()

    def close_spider(self) -> None:
        if self.analyzer is not None:
            self.analyzer.close()

    async def process_item(self, item: PageItem) -> PageItem:
        if item.replayed:
            return item
        if item.text is None:
            self.stats.inc_value("scamlines/not_analysed")
            return item
        assert self.analyzer is not None
        fetch = item.fetch
        try:
            item.report = await self.analyzer.analyze(
                item.text, fetch.final_url, fetch.content_type
            )
        except NotAnalysable as err:
            self.stats.inc_value("scamlines/not_analysed")
            item.fetch = _with_note(fetch, f"not analysed: {err}")
            return item
        except Exception as err:  # a detector bug must cost one page, not the crawl
            logger.exception("Detector failed on %s", fetch.final_url)
            self.stats.inc_value("scamlines/detector_errors")
            item.fetch = _with_note(fetch, f"not analysed: detector error ({type(err).__name__})")
            return item
        self.stats.inc_value("scamlines/analysed")
        self.stats.inc_value(f"scamlines/verdict/{item.report.verdict}")
        return item


class StorePipeline:
    """Record each page, its evidence and the detector's report in the store.

    Writes go through a :class:`crawler.writer.StoreWriter` thread in batches. When
    ``SCAMLINES_RUN_ID`` is unset (a plain ``scrapy crawl``) this pipeline records its own
    run; either way it records how the run ended (status, finish reason, stats) when the
    spider closes. A store failure closes the spider with the reason ``store_error``.
    """

    def __init__(self, crawler: Crawler, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.run_id = config.run_id
        self.writer: StoreWriter | None = None
        crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, CrawlConfig.from_settings(crawler.settings))

    def open_spider(self) -> None:
        if self.run_id is None:
            self.run_id = self._start_own_run()
        self.stats.set_value("scamlines/run_id", self.run_id)
        self.writer = StoreWriter(
            self.config.db,
            self.run_id,
            timeout=self.config.db_timeout,
            batch_size=self.config.store_batch,
            body_maxsize=self.config.body_store_maxsize,
        )
        self.writer.start()

    async def process_item(self, item: PageItem) -> PageItem:
        if item.replayed:
            return item
        assert self.writer is not None
        try:
            self.writer.submit(item.fetch, item.report)
        except StoreError:
            self._fail()
            raise DropItem("the store cannot be written") from None
        self.stats.inc_value("scamlines/pages_recorded")
        while self.writer.pending > _WRITER_HIGH_WATER and self.writer.error is None:
            await asyncio.sleep(0.05)  # let the writer catch up instead of growing memory
        return item

    def close_spider(self) -> None:
        if self.writer is None:
            return
        try:
            self.writer.close()
        except StoreError as err:
            self.stats.set_value("scamlines/store_error", str(err))
        self.stats.set_value("scamlines/store_transactions", self.writer.transactions)

    def _fail(self) -> None:
        if not self.stats.get_value("scamlines/store_error"):
            self.stats.set_value("scamlines/store_error", str(self.writer and self.writer.error))
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_error"))

    def _start_own_run(self) -> int:
        from crawler.runner import settings_snapshot

        spider: Spider | None = self.crawler.spider
        with open_store(self.config.db, timeout=self.config.db_timeout) as store:
            return store.start_run(
                "crawl",
                list(getattr(spider, "seed_urls", ())),
                settings_snapshot(self.crawler.settings),
                _allowlist_for_record(self.config.allowlist),
            )

    def _spider_closed(self, reason: str) -> None:
        if self.run_id is None:
            return
        stats = self.stats.get_stats()
        status = run_status(reason, stats)
        with open_store(self.config.db, timeout=self.config.db_timeout) as store:
            store.finish_run(self.run_id, status, stats, reason)


def run_status(reason: str, stats: dict[str, object]) -> str:
    """The ``runs.status`` for a crawl that closed with ``reason``.

    ``finished``: the frontier ran out or the page limit was reached. ``interrupted``: stopped
    from outside (Ctrl-C, SIGTERM, the run-time limit); ``--resume`` continues it.
    ``failed``: the store failed, too many errors, or the crawl could not start.
    """
    if stats.get("scamlines/store_error"):
        return "failed"
    if reason in ("finished", "max_pages", "closespider_pagecount", "closespider_itemcount"):
        return "finished"
    if reason in ("shutdown", "closespider_timeout"):
        return "interrupted"
    return "failed"


def _with_note(fetch: object, note: str) -> object:
    from dataclasses import replace

    return replace(fetch, note=note)  # type: ignore[type-var]


def _allowlist_for_record(path: str | None) -> object:
    import allowlist

    return allowlist.load(path)
