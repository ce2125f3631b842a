"""A crawl's answer to Ctrl-C and SIGTERM: stop within a second, keep what was fetched.

Scrapy's own shutdown handlers close the spider only once every download in flight has
ended (a slow page: its whole timeout) and print nothing. :func:`start` runs a crawl with
them off and :mod:`crawler.interrupts` answering instead (``scamlines crawl``, ``scan`` and
``worker``): the first signal prints what is kept and, on the event loop, :func:`stop_now`

1. pauses the engine: no request is sent any more;
2. abandons every request still being downloaded (:meth:`StoppableDownloader.abandon`):
   waiting in a download slot, for DNS, robots.txt or a politeness slot, or transferring (its
   connection is closed), and refuses any later one. Each reaches the spider's errback marked
   :data:`ABANDONED`, which counts it in ``scamlines/abandoned``, never as a failed fetch. A
   page being rendered is dropped when its render ends (its browser's requests refused, it
   ends within moments). The run does not lose them: without a ``JOBDIR`` (the default)
   ``--resume`` rebuilds the frontier from the pages the store holds and fetches them again;
   with one, they go back in the scheduler's queue (:func:`requeue`), which closing writes
   to disk;
3. closes the spider with the reason ``shutdown``: pages already downloaded are analysed and
   stored, and the run is recorded ``interrupted``.

A second signal ends the process at once (:mod:`crawler.interrupts`); ``--resume`` then
treats the run as killed.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader import Downloader
from scrapy.extensions.closespider import CloseSpider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.defer import CancelledError, fail

from crawler import interrupts

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy import Request
    from scrapy.core.downloader import Slot
    from scrapy.crawler import AsyncCrawlerProcess, Crawler
    from scrapy.http import Response
    from twisted.internet.defer import Deferred

__all__ = [
    "ABANDONED",
    "StoppableDownloader",
    "TimeLimit",
    "in_flight",
    "is_stopping",
    "requeue",
    "start",
    "stop_now",
]

#: Request meta key set on requests abandoned in flight by a stop.
ABANDONED = "scamlines_abandoned"


class StoppableDownloader(Downloader):
    """Scrapy's downloader (``DOWNLOADER``) that can give up every download at once.

    It keeps each fetch's Deferred (cancelling it ends the wait in the download slot, for DNS
    or for robots.txt) and the task of each transfer (cancelling it closes the connection).
    After :meth:`abandon` it starts no download: each new one fails, marked abandoned.

    A page being rendered in the browser (scrapy-playwright, which does not survive a
    cancelled download) is let end by itself: the requests it makes are refused from then
    on, so it ends within moments, and the spider drops the page (:func:`is_stopping`).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.stopped = False
        self._fetches: dict[Request, Deferred[Any]] = {}
        self._transfers: dict[Request, asyncio.Task[Any]] = {}

    def fetch(self, request: Request) -> Deferred[Response | Request]:  # type: ignore[override]
        if self.stopped:
            request.meta[ABANDONED] = True
            return fail(CancelledError("the crawl is stopping"))
        fetching = super().fetch(request)
        if not fetching.called:
            self._fetches[request] = fetching
            fetching.addBoth(self._fetched, request)
        return fetching

    def _fetched(self, result: Any, request: Request) -> Any:
        self._fetches.pop(request, None)
        return result

    async def _download(self, slot: Slot, request: Request) -> Response:
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to cancel later
            self._transfers[request] = asyncio.current_task()  # type: ignore[assignment]
        try:
            return await super()._download(slot, request)
        finally:
            self._transfers.pop(request, None)

    def abandon(self) -> list[Request]:
        """Give up every request still being downloaded but the renders under way; the
        requests, marked :data:`ABANDONED` (their errbacks get a ``CancelledError``)."""
        self.stopped = True
        requests = [request for request in self._fetches
                    if not (_rendering(request) and request in self._transfers)]  # fmt: skip
        given_up = set(requests)
        for request in requests:
            request.meta[ABANDONED] = True
        for slot in self.slots.values():  # never to be started
            waiting = [entry for entry in slot.queue if entry[0] not in given_up]
            slot.queue.clear()
            slot.queue.extend(waiting)
        for request in requests:
            if (fetching := self._fetches.get(request)) is not None:
                fetching.cancel()
            if (transfer := self._transfers.get(request)) is not None:
                transfer.cancel()
        return requests


def _rendering(request: Request) -> bool:
    return bool(request.meta.get("playwright"))


def is_stopping(crawler: Crawler) -> bool:
    """Whether :func:`stop_now` has stopped the crawl's downloads."""
    engine = getattr(crawler, "engine", None)
    downloader = getattr(engine, "downloader", None)
    return isinstance(downloader, StoppableDownloader) and downloader.stopped


def in_flight(crawler: Crawler) -> int:
    """Requests the crawl is downloading now (0 before its engine exists)."""
    engine = getattr(crawler, "engine", None)
    return len(engine.downloader.active) if engine is not None else 0


def stop_now(crawler: Crawler, reason: str = "shutdown") -> None:
    """Stop the crawl at once (see the module docstring); call on the event loop. ``reason``:
    the spider's close reason (``shutdown`` for a signal, ``closespider_timeout`` for the
    run-time limit)."""
    engine = getattr(crawler, "engine", None)
    if engine is None or not engine.running:
        return
    engine.pause()
    downloader = engine.downloader
    abandoned = downloader.abandon() if isinstance(downloader, StoppableDownloader) else []
    for request in abandoned:
        requeue(crawler, request)
    if reason == "shutdown":
        deferred_from_coro(crawler.stop_async())
    else:
        deferred_from_coro(engine.close_spider_async(reason=reason))


class TimeLimit(CloseSpider):
    """Scrapy's CloseSpider, except that the run-time limit (``CLOSESPIDER_TIMEOUT``,
    ``--timeout``) stops the crawl as a signal does: downloads in flight are abandoned (and
    fetched again by ``--resume``) instead of being waited for, up to ``DOWNLOAD_TIMEOUT``
    past the limit."""

    def _close_spider(self, reason: str) -> None:
        if reason == "closespider_timeout":
            stop_now(self.crawler, reason)
        else:
            super()._close_spider(reason)


def requeue(crawler: Crawler, request: Request) -> None:
    """Put a page request given up by a stop back in the crawl's ``JOBDIR`` queue, which the
    close writes to disk. Without a ``JOBDIR`` there is nothing to do: ``--resume`` rebuilds
    the frontier from the store, and finds the page missing."""
    if not crawler.settings.get("JOBDIR") or "scamlines_priority" not in request.meta:
        return  # no queue on disk, or not the spider's (a robots.txt, a browser's request)
    meta = {key: value for key, value in request.meta.items() if key != ABANDONED}
    # Already seen by the duplicate filter: back in the queue as it is.
    crawler.engine.crawl(request.replace(dont_filter=True, meta=meta))


def start(process: AsyncCrawlerProcess, crawler: Crawler, kept: Callable[[], str]) -> None:
    """``process.start()`` (it returns when the crawl has ended), with the first Ctrl-C or
    SIGTERM saying ``kept()`` and calling :func:`stop_now`."""
    from twisted.internet import reactor

    def on_stop() -> None:
        reactor.callFromThread(stop_now, crawler)  # type: ignore[attr-defined]

    with interrupts.stoppable(kept, on_stop):
        process.start(install_signal_handlers=False)
