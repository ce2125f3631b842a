"""Item pipelines: page limit, then detector → store.

See documentation in docs/topics/item-pipeline.rst (Scrapy).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro

from crawler.config import CrawlConfig
from crawler.fetchhealth import NOTHING_FETCHED, nothing_fetched
from crawler.pageworker import WorkerConfig, start_pages
from crawler.store import StoreError, open_store

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from crawler.items import PageItem
    from crawler.pageworker import InlinePages, Outcome, WorkerPages

__all__ = ["PageLimitPipeline", "PagePipeline", "run_status"]

logger = logging.getLogger(__name__)


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
            raise DropItem(f"over the page limit ({self.max_pages})", log_level="INFO")
        self.count += 1
        self.crawler.stats.set_value("scamlines/pages", self.count)
        if self.max_pages and self.count >= self.max_pages:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="max_pages"))
        return item


class PagePipeline:
    """Analyse each page with ``detector.analyze`` and record it, its evidence and the
    report in the store.

    Both happen in one worker process (``SCAMLINES_PAGE_WORKER``, default on; see
    :mod:`crawler.pageworker`) so the crawl process only crawls; an item is done when its
    page is committed. ``SCAMLINES_DETECTOR_ENABLED = False`` stores pages unjudged. Pages
    that are not text, or that the detector declines, are stored with a ``note`` saying why.

    When ``SCAMLINES_RUN_ID`` is unset (a plain ``scrapy crawl``) this pipeline records its
    own run; either way it records how the run ended (status, finish reason, stats) when the
    spider closes. A store failure closes the spider with the reason ``store_error``.

    Stats: ``scamlines/pages_recorded``, ``scamlines/analysed``,
    ``scamlines/verdict/<verdict>``, ``scamlines/not_analysed``, ``scamlines/detector_errors``,
    ``scamlines/store_error``.
    """

    def __init__(self, crawler: Crawler, config: CrawlConfig) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.run_id = config.run_id
        self.pages: WorkerPages | InlinePages | None = None
        crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, CrawlConfig.from_settings(crawler.settings))

    async def open_spider(self) -> None:
        if self.run_id is None:
            self.run_id = self._start_own_run()
        self.stats.set_value("scamlines/run_id", self.run_id)
        config = self.config
        worker_config = WorkerConfig(
            db=config.db,
            run_id=self.run_id,
            db_timeout=config.db_timeout,
            allowlist=config.allowlist,
            detector=config.detector_enabled,
            batch_size=config.store_batch,
            body_maxsize=config.body_store_maxsize,
        )
        self.pages = start_pages(worker_config, in_worker=config.page_worker)
        await self.pages.start()

    async def process_item(self, item: PageItem) -> PageItem:
        if item.replayed:
            return item
        assert self.pages is not None
        try:
            if item.encoding is not None:  # the worker decodes the body: one copy crosses
                outcome = await self.pages.submit(item.fetch, None, item.encoding)
            else:
                outcome = await self.pages.submit(item.fetch, item.text)
        except StoreError as err:
            self._store_failed(err)
            raise DropItem(f"not recorded: {err}") from None
        self._count(outcome)
        item.verdict = outcome.verdict
        if outcome.note != item.fetch.note:
            item.fetch = dataclasses.replace(item.fetch, note=outcome.note)
        return item

    async def close_spider(self) -> None:
        if self.pages is None:
            return
        try:
            await self.pages.close()
        except StoreError as err:
            self._store_failed(err)

    def _count(self, outcome: Outcome) -> None:
        self.stats.inc_value("scamlines/pages_recorded")
        if outcome.verdict is not None:
            self.stats.inc_value("scamlines/analysed")
            self.stats.inc_value(f"scamlines/verdict/{outcome.verdict}")
        elif self.config.detector_enabled:
            self.stats.inc_value("scamlines/not_analysed")
        if outcome.detector_error:
            self.stats.inc_value("scamlines/detector_errors")

    def _store_failed(self, err: StoreError) -> None:
        if not self.stats.get_value("scamlines/store_error"):
            logger.error("The store failed: %s", err)
            self.stats.set_value("scamlines/store_error", str(err))
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_error"))

    def _start_own_run(self) -> int:
        from crawler.runner import settings_snapshot

        spider: Any = self.crawler.spider
        with open_store(self.config.db, timeout=self.config.db_timeout) as store:
            return store.start_run(
                "crawl",
                list(getattr(spider, "seed_urls", ())),
                settings_snapshot(self.crawler.settings),
                self.config.allowlist.load(),
            )

    def _spider_closed(self, reason: str) -> None:
        if self.run_id is None:
            return
        stats = self.stats.get_stats()
        status = run_status(reason, stats)
        if status == "finished" and nothing_fetched(stats):
            # Not a quiet night: the next scan must compare with the last run that saw pages.
            status, reason = "failed", NOTHING_FETCHED
            self.stats.set_value("finish_reason", reason)
        with open_store(self.config.db, timeout=self.config.db_timeout) as store:
            store.finish_run(self.run_id, status, stats, reason)


def run_status(reason: str, stats: dict[str, Any]) -> str:
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
