"""``scamlines worker``: fetch and analyse pages of a distributed run; write nothing to SQLite.

A worker joins the run named in Redis (:data:`crawler.redisrun.CURRENT`), reads its crawl
settings from there (the same network guard, robots.txt, caps and politeness as a local crawl)
and runs the ``scamlines`` spider on scrapy-redis: the frontier and the duplicate filter are
the run's, shared by every worker. Each page is judged here by the detector and its record
(evidence and report, pickled like scrapy-redis's requests) goes to the run's ``records``
stream; the recorder (:mod:`crawler.recorder`) applies the number history and writes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import socket
import time
from typing import TYPE_CHECKING, Any

import redis
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, DropItem, IgnoreRequest
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.httpobj import urlparse_cached
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.config import CrawlConfig
from crawler.pageworker import analyse_page
from crawler.redisrun import (
    ACQUIRE,
    COUNT_PAGE,
    CURRENT,
    ENQUEUE,
    LEASE_SECONDS,
    POP,
    TAKE_SEED,
    RedisRunError,
    RunKeys,
    connect,
    give_back,
    lease_keys,
    read_config,
    release,
)
from crawler.spiders.scamlines import ScamlinesSpider
from crawler.stopping import ABANDONED

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from crawler.items import PageItem

__all__ = [
    "LeasedQueue",
    "LeasedScheduler",
    "RecordPipeline",
    "RedisSpider",
    "RunWidePoliteness",
    "run_worker",
]

logger = logging.getLogger(__name__)


def _leases(request: Request) -> list[int]:
    return list(request.meta.get("scamlines_leases", ()))


def _stop(crawler: Crawler, reason: str) -> None:
    if crawler.engine is not None and crawler.engine.running:
        deferred_from_coro(crawler.engine.close_spider_async(reason=reason))


#: Fingerprints a worker remembers having sent to the shared duplicate filter (at most).
KNOWN_FINGERPRINTS = 200_000

#: How often an idle worker looks for work in the shared queue (one small Redis script call).
IDLE_POLL_SECONDS = 0.25


def _method_name(spider: Any, func: Any) -> str | None:
    """The name under which ``spider`` has the bound method ``func`` (None: no callback)."""
    if func is None:
        return None
    name = getattr(getattr(func, "__func__", None), "__name__", None)
    if getattr(func, "__self__", None) is spider and name is not None:
        found = getattr(spider, name, None)
        if getattr(found, "__func__", None) is func.__func__:
            return str(name)
    return Request(url="data:,", callback=func).to_dict(spider=spider)["callback"]  # type: ignore[no-any-return]


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

    def _encode_request(self, request: Request) -> bytes:
        # Request.to_dict names the callback and errback with inspect.getmembers over the
        # whole spider, twice per request: over a millisecond a page of ten links. A method
        # bound to the spider is named by its own __name__ (checked), the rest as Scrapy does.
        callback, errback = request.callback, request.errback
        request.callback = request.errback = None
        try:
            data = request.to_dict(spider=self.spider)
        finally:
            request.callback, request.errback = callback, errback
        data["callback"] = _method_name(self.spider, callback)
        data["errback"] = _method_name(self.spider, errback)
        return bytes(self.serializer.dumps(data))

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
        self._enqueue = self.server.register_script(ENQUEUE)
        #: Fingerprints this worker has sent to the shared duplicate filter: most links of a
        #: page were seen before, and each costs a Redis round trip to be told so.
        self._known: set[str] = set()

    def _remember(self, fingerprint: str) -> None:
        if fingerprint:
            if len(self._known) >= KNOWN_FINGERPRINTS:
                self._known.clear()  # bounded memory; Redis stays the judge
            self._known.add(fingerprint)

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis's enqueue (duplicate filter, then queue) as one atomic step, which
        also ends a seed's lease (:data:`crawler.redisrun.ENQUEUE`)."""
        seed = request.meta.pop("scamlines_seed_lease", "")
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        if fingerprint in self._known and not seed and not _leases(request):
            # This worker put it in the shared filter before: Redis would refuse it too.
            self.df.log(request, self.spider)
            return False
        data = self.queue._encode_request(request)
        try:
            added = bool(self._enqueue(
                keys=[self.df.key, self.queue.key, self.keys.seedleases],
                args=[fingerprint, -request.priority, data, seed],
            ))  # fmt: skip
            if not added and _leases(request):
                release(self.server, self.keys, _leases(request))
            self._remember(fingerprint)
        except redis.RedisError as err:
            self._gone(err)
            return False
        if not added:
            self.df.log(request, self.spider)
        elif self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return added

    def next_request(self) -> Request | None:
        # scrapy-redis's, without the ``spider=`` that Scrapy 2.19's stats deprecate.
        try:
            request: Request | None = self.queue.pop(self.idle_before_close)
        except redis.RedisError as err:
            self._gone(err)
            return None
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        try:
            return bool(super().has_pending_requests())
        except redis.RedisError as err:
            self._gone(err)
            return False

    def _gone(self, err: Exception) -> None:
        self.crawler.stats.set_value("scamlines/redis_error", str(err))
        _stop(self.crawler, "redis_gone")


class RunWidePoliteness:
    """Per-domain concurrency and delay for the whole run, not per worker process.

    Before each request to an http(s) host, a slot in Redis (:data:`crawler.redisrun.ACQUIRE`):
    at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests to the host in flight run-wide, each
    started at least ``DOWNLOAD_DELAY`` seconds after the last one (AutoThrottle may slow a
    worker further, never below that). The slot is released with the response or the error;
    a killed worker's holds expire after ``DOWNLOAD_TIMEOUT``. A request waiting for its host,
    and one that got its slot, has its leases renewed: waiting is not a dead worker.
    Placed last before the download (after the guard, replay and robots.txt).
    """

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.keys = RunKeys(settings.getint("SCAMLINES_RUN_ID"))
        self.concurrency = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.delay = max(0.0, settings.getfloat("DOWNLOAD_DELAY"))
        self.hold = settings.getfloat("DOWNLOAD_TIMEOUT", 180) + 30
        self.lease_seconds = settings.getfloat("SCAMLINES_LEASE_SECONDS", LEASE_SECONDS)
        self.redis = connect(settings["REDIS_URL"])
        self._acquire = self.redis.register_script(ACQUIRE)
        self._tokens = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname
        if not host or request.meta.get("scamlines_slot"):
            return
        self._tokens += 1
        token = f"{socket.gethostname()}:{os.getpid()}:{self._tokens}"
        keys = [f"{self.keys.slot}:{host}", f"{self.keys.next}:{host}"]
        try:
            renewed = time.monotonic()
            while (wait := float(self._acquire(
                keys=keys, args=[time.time(), self.concurrency, self.delay, self.hold, token]
            ))) > 0:  # fmt: skip
                if time.monotonic() - renewed > self.lease_seconds / 4:
                    self._renew(request)  # waiting for the host is not a dead worker
                    renewed = time.monotonic()
                await asyncio.sleep(wait)
            self._renew(request)
        except redis.RedisError as err:
            self.crawler.stats.set_value("scamlines/redis_error", str(err))
            _stop(self.crawler, "redis_gone")
            raise IgnoreRequest(f"no politeness slot: {err}") from None
        request.meta["scamlines_slot"] = (keys[0], token)

    def _renew(self, request: Request) -> None:
        """Push back the deadline of the request's leases (only those still held)."""
        if leases := _leases(request):
            deadline = time.time() + self.lease_seconds
            self.redis.zadd(self.keys.leases, dict.fromkeys(leases, deadline), xx=True)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        slot = request.meta.pop("scamlines_slot", None)
        if slot is not None:
            with contextlib.suppress(redis.RedisError):  # it expires anyway
                self.redis.zrem(*slot)


class RedisSpider(ScamlinesSpider):
    """The ``scamlines`` spider on a shared frontier.

    ``start()`` (Scrapy 2.13+'s async start, which scrapy-redis 0.9 lacks) takes the run's
    seeds that no worker has taken yet, each leased until it is queued. Each page's links are yielded before its item, so
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
        crawler.signals.connect(spider._wake_often, signal=signals.engine_started)
        return spider

    def _wake_often(self) -> None:
        """Look at the shared queue every :data:`IDLE_POLL_SECONDS` when idle, not every 5 s.

        An idle spider is asked again only at the engine's heartbeat (5 s in Scrapy 2.19), so
        a second worker that started before the first page's links were queued sat out 5 s
        of a 10 s run. The heartbeat starts after ``engine_started``; the interval is a class
        attribute of Scrapy's engine, set here on this crawler's engine only.
        """
        engine = self.crawler.engine
        if hasattr(engine, "_SLOT_HEARTBEAT_INTERVAL"):
            engine._SLOT_HEARTBEAT_INTERVAL = IDLE_POLL_SECONDS

    async def start(self) -> AsyncIterator[Request]:
        for request in self._seeds():
            yield request

    def _seeds(self) -> Iterator[Request]:
        """The run's seeds no worker has taken, each leased until it is in the shared queue:
        a worker killed before that leaves the seed to go back to the list
        (:func:`crawler.redisrun.requeue_expired`), for an idle worker to take."""
        take = self.redis.register_script(TAKE_SEED)
        lease = self.settings.getfloat("SCAMLINES_LEASE_SECONDS", LEASE_SECONDS)
        keys = [self.keys.seeds, self.keys.seedleases]
        while (url := take(keys=keys, args=[time.time() + lease])) is not None:
            request = self._request(url.decode(), priority=self._first(), seed=True)
            request.meta["scamlines_seed_lease"] = url.decode()
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
        if request is None:
            return
        if request.meta.get(ABANDONED):  # the worker is stopping: another one fetches it
            self._give_back(request)
        else:
            self._release(_leases(request))

    def _give_back(self, request: Request) -> None:
        try:
            give_back(self.redis, self.keys, _leases(request))
            if slot := request.meta.pop("scamlines_slot", None):  # its host's politeness slot
                self.redis.zrem(*slot)
        except redis.RedisError as err:  # the leases expire anyway
            logger.warning("Could not give back leases of %s: %s", request.url, err)

    def _release(self, leases: list[int]) -> None:
        try:
            release(self.redis, self.keys, leases)
        except redis.RedisError as err:
            logger.warning("Could not release leases %s: %s", leases, err)

    def _idle(self) -> None:
        try:
            done = self.redis.exists(self.keys.done)
            if not done:
                for request in self._seeds():  # seeds a dead worker took, back in the list
                    self.crawler.engine.crawl(request)
        except redis.RedisError as err:  # Redis is gone: let the spider close, and say why
            self.crawler.stats.set_value("scamlines/redis_error", str(err))
            return
        if not done:
            raise DontCloseSpider


class RecordPipeline:
    """Judge each page with the detector and send its record to the recorder.

    The page budget (``SCAMLINES_MAX_PAGES``) is the run's: one counter in Redis, of distinct
    URLs (a page fetched again after its lease expired counts once). A page past it is dropped
    (its leases released) and the run marked done.
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
        self._count = self.redis.register_script(COUNT_PAGE)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        leases = list(item.leases)
        try:
            counted, within = self._count(
                keys=[self.keys.counted, self.keys.pages], args=[item.fetch.url, self.max_pages]
            )
            count = int(counted)
            if within == -1:
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
    # Last before the download: after the guard, replay and robots.txt have had their say,
    # and after Scrapy's own middlewares (the highest is 900).
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
    middlewares["crawler.redisworker.RunWidePoliteness"] = 950
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    return settings


def join_run(client: Any, wait: float) -> int:
    """The current run's id, waiting up to ``wait`` seconds for a recorder to start one."""
    deadline = time.monotonic() + wait
    while (current := client.get(CURRENT)) is None:
        if time.monotonic() >= deadline:
            raise RedisRunError("no distributed run in Redis (start `scamlines crawl --redis`)")
        time.sleep(0.5)
    return int(current)


def run_worker(url: str, *, wait: float = 30.0) -> int:
    """Crawl for the current run until it is done; the exit status (0, or 1: Redis went away).
    Several on one machine: :func:`crawler.workerpool.run_processes`."""
    from scrapy.crawler import AsyncCrawlerProcess

    from crawler import stopping

    client = connect(url)
    run_id = join_run(client, wait)
    settings = worker_settings(url, run_id, read_config(client, RunKeys(run_id)))
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(RedisSpider)
    process.crawl(crawler)

    def kept() -> str:  # in the signal handler: counters only
        sent = int(crawler.stats.get_value("scamlines/pages", 0) or 0)
        return (f"{sent} pages sent to the recorder, {stopping.in_flight(crawler)} in flight "
                "go back to the run's queue")

    stopping.start(process, crawler, kept)  # Ctrl-C, SIGTERM: stop at once (crawler.stopping)
    return 1 if crawler.stats.get_value("scamlines/redis_error") else 0
