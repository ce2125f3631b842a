"""``scamlines worker``: fetch and analyse pages of a distributed run; write nothing to SQLite.

A worker joins the run named in Redis (:data:`crawler.redisrun.CURRENT`), reads its crawl
settings from there (the same network guard, robots.txt, caps and politeness as a local crawl)
and runs the ``scamlines`` spider on scrapy-redis: the frontier and the duplicate filter are
the run's, shared by every worker. Each page is judged here by the detector and its record
(evidence and report, pickled like scrapy-redis's requests) goes to the run's ``records``
stream; the recorder (:mod:`crawler.recorder`) applies the number history and writes it.
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import redis
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, DropItem
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.config import CrawlConfig
from crawler.pageworker import analyse_page
from crawler.redisrun import (
    CURRENT,
    LEASE_SECONDS,
    POP,
    RedisRunError,
    RunKeys,
    connect,
    lease_keys,
    read_config,
    release,
)
from crawler.spiders.scamlines import ScamlinesSpider

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.items import PageItem

__all__ = ["LeasedQueue", "LeasedScheduler", "RecordPipeline", "RedisSpider", "run_worker"]

logger = logging.getLogger(__name__)


def _leases(request: Request) -> list[int]:
    return list(request.meta.get("scamlines_leases", ()))


def _stop(crawler: Crawler, reason: str) -> None:
    if crawler.engine is not None and crawler.engine.running:
        deferred_from_coro(crawler.engine.close_spider_async(reason=reason))


class LeasedQueue(PriorityQueue):  # type: ignore[misc]
    """scrapy-redis's priority queue, popping into a lease (:mod:`crawler.redisrun`).

    A popped request's lease ids (a redirect adds one per hop) travel in
    ``meta["scamlines_leases"]`` to the page record, and the recorder releases them once the
    page is committed; a worker killed before that leaves them to expire and be re-queued.
    """

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.keys = RunKeys(spider.settings.getint("SCAMLINES_RUN_ID"))
        self.lease_seconds = spider.settings.getfloat("SCAMLINES_LEASE_SECONDS", LEASE_SECONDS)
        self._pop = server.register_script(POP)

    def pop(self, timeout: int = 0) -> Request | None:
        found = self._pop(keys=lease_keys(self.keys), args=[time.time() + self.lease_seconds])
        if not found:
            return None
        lease, data = found
        request: Request = self._decode_request(data)
        request.meta["scamlines_leases"] = [*_leases(request), int(lease)]
        return request


class LeasedScheduler(Scheduler):  # type: ignore[misc]
    """scrapy-redis's scheduler; Redis going away stops the crawl (``redis_gone``), and a
    request the shared duplicate filter drops gives its leases back (its page is, or will
    be, recorded by whoever fetched that URL first)."""

    def open(self, spider: Any) -> None:
        super().open(spider)
        self.crawler = spider.crawler
        self.keys = RunKeys(spider.settings.getint("SCAMLINES_RUN_ID"))

    def enqueue_request(self, request: Request) -> bool:
        try:
            claim = request.meta.pop("scamlines_seed_claim", False)
            added = bool(super().enqueue_request(request))
            if claim:
                self.server.decr(self.keys.seeds_pending)
            if not added and _leases(request):
                release(self.server, self.keys, _leases(request))
        except redis.RedisError as err:
            self._gone(err)
            return False
        return added

    def next_request(self) -> Request | None:
        try:
            return super().next_request()  # type: ignore[no-any-return]
        except redis.RedisError as err:
            self._gone(err)
            return None

    def has_pending_requests(self) -> bool:
        try:
            return bool(super().has_pending_requests())
        except redis.RedisError as err:
            self._gone(err)
            return False

    def _gone(self, err: Exception) -> None:
        self.crawler.stats.set_value("scamlines/redis_error", str(err))
        _stop(self.crawler, "redis_gone")


class RedisSpider(ScamlinesSpider):
    """The ``scamlines`` spider on a shared frontier.

    ``start()`` (Scrapy 2.13+'s async start, which scrapy-redis 0.9 lacks) takes the run's
    seeds that no worker has scheduled yet. Each page's links are yielded before its item, so
    they are in the shared queue before the recorder can see the page as done. An idle worker
    stays open until the run is done (scrapy-redis spiders never close by themselves).
    """

    keys: RunKeys
    redis: Any

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.keys = RunKeys(crawler.settings.getint("SCAMLINES_RUN_ID"))
        spider.redis = connect(crawler.settings["REDIS_URL"])
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        while (url := self.redis.lpop(self.keys.seeds)) is not None:
            request = self._request(url.decode(), priority=self._first(), seed=True)
            # Counted down once in the shared queue: until then the run is not done.
            request.meta["scamlines_seed_claim"] = True
            yield request

    async def parse(self, response: Response) -> AsyncIterator[PageItem | Request]:
        output = [o async for o in super().parse(response)]
        for request in (o for o in output if isinstance(o, Request)):
            yield request
        for other in (o for o in output if not isinstance(o, Request)):
            yield other

    def on_error(self, failure: Failure) -> None:
        super().on_error(failure)
        request = getattr(failure, "request", None)
        if request is not None:
            self._release(_leases(request))

    def _release(self, leases: list[int]) -> None:
        try:
            release(self.redis, self.keys, leases)
        except redis.RedisError as err:
            logger.warning("Could not release leases %s: %s", leases, err)

    def _idle(self) -> None:
        try:
            done = self.redis.exists(self.keys.done)
        except redis.RedisError:
            return  # Redis is gone: let the spider close
        if not done:
            raise DontCloseSpider


class RecordPipeline:
    """Judge each page with the detector and send its record to the recorder.

    The page budget (``SCAMLINES_MAX_PAGES``) is the run's: one counter in Redis. A page past
    it is dropped (its leases released) and the run marked done.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.keys = RunKeys(settings.getint("SCAMLINES_RUN_ID"))
        self.max_pages = settings.getint("SCAMLINES_MAX_PAGES")
        self.allowlist = (
            CrawlConfig.from_settings(settings).allowlist.load()
            if settings.getbool("SCAMLINES_DETECTOR_ENABLED", True)
            else None
        )
        self.redis = connect(settings["REDIS_URL"])

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        leases = list(item.leases)
        try:
            count = int(self.redis.incr(self.keys.pages))
            if self.max_pages and count > self.max_pages:
                release(self.redis, self.keys, leases)
                self.redis.set(self.keys.done, "max_pages")
                _stop(self.crawler, "max_pages")
                raise DropItem("over the run's page limit", log_level="INFO")
            text = None if item.encoding is not None else item.text
            (fetch, report), outcome = analyse_page(
                self.allowlist, count, item.fetch, text, item.encoding
            )
            record = pickle.dumps((fetch, report, leases), protocol=pickle.HIGHEST_PROTOCOL)
            self.redis.xadd(self.keys.records, {"page": record})
        except redis.RedisError as err:
            self.crawler.stats.set_value("scamlines/redis_error", str(err))
            _stop(self.crawler, "redis_gone")
            raise DropItem(f"not sent: {err}") from None
        self.crawler.stats.inc_value("scamlines/pages")
        item.verdict = outcome.verdict
        if self.max_pages and count >= self.max_pages:
            self.redis.set(self.keys.done, "max_pages")
        return item


# --- running a worker -----------------------------------------------------------------------


def worker_settings(url: str, run_id: int, config: dict[str, Any]) -> Any:
    """A worker's Scrapy settings: the run's crawl settings, on scrapy-redis."""
    from scrapy.settings import Settings

    keys = RunKeys(run_id)
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(config, priority="cmdline")
    settings.setdict(
        {
            "REDIS_URL": url,
            "SCHEDULER": "crawler.redisworker.LeasedScheduler",
            "SCHEDULER_QUEUE_CLASS": "crawler.redisworker.LeasedQueue",
            "SCHEDULER_QUEUE_KEY": keys.requests,
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
            "SCHEDULER_PERSIST": True,  # the frontier outlives any one worker
            "JOBDIR": None,
            "LOG_FILE": None,
            "LOG_LEVEL": "WARNING",
            "SCAMLINES_REPLAY": False,
            "SCAMLINES_PROGRESS_INTERVAL": 0,
            "ITEM_PIPELINES": {"crawler.redisworker.RecordPipeline": 300},
            "CLOSESPIDER_TIMEOUT": 0,  # the recorder owns the run's time limit
        },
        priority="cmdline",
    )
    return settings


def join_run(client: Any, wait: float) -> int:
    """The current run's id, waiting up to ``wait`` seconds for a recorder to start one."""
    deadline = time.monotonic() + wait
    while (current := client.get(CURRENT)) is None:
        if time.monotonic() >= deadline:
            raise RedisRunError("no distributed run in Redis (start `scamlines crawl --redis`)")
        time.sleep(0.5)
    return int(current)


def run_worker(url: str, *, processes: int = 1, wait: float = 30.0) -> int:
    """Crawl for the current run until it is done; the exit status (0, or 1: Redis went away).

    ``processes`` > 1 starts that many worker processes (one per core: the detector is CPU).
    """
    if processes > 1:
        command = [sys.executable, "-m", "crawler", "worker", "--redis", url]
        children = [subprocess.Popen(command) for _ in range(processes)]
        return max(child.wait() for child in children)
    from scrapy.crawler import AsyncCrawlerProcess

    client = connect(url)
    run_id = join_run(client, wait)
    settings = worker_settings(url, run_id, read_config(client, RunKeys(run_id)))
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(RedisSpider)
    process.crawl(crawler)
    process.start()
    return 1 if crawler.stats.get_value("scamlines/redis_error") else 0
