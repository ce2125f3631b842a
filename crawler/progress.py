"""Progress lines on stderr while a crawl runs (``scamlines crawl`` without ``--quiet``).

Like Scrapy's ``LogStats``, but for people: pages, what the detector flagged, the rate,
requests refused by the guard, and how many are still queued. Enabled by
``SCAMLINES_PROGRESS_INTERVAL`` (seconds; 0 disables it).
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.config import CrawlConfig

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

__all__ = ["ProgressReporter", "progress_line"]


def progress_line(stats: dict[str, Any], elapsed: float, queued: int | None = None) -> str:
    """One progress line from crawl stats, e.g.
    ``[0:42] 120 pages (2.9/s), 7 flagged, 3 suspicious, 2 refused, 35 queued``."""
    pages = int(stats.get("scamlines/pages", 0))
    rate = pages / elapsed if elapsed > 0 else 0.0
    minutes, seconds = divmod(int(elapsed), 60)
    parts = [
        f"[{minutes}:{seconds:02d}] {pages} pages ({rate:.1f}/s)",
        f"{stats.get('scamlines/verdict/flagged', 0)} flagged",
        f"{stats.get('scamlines/verdict/suspicious', 0)} suspicious",
    ]
    if stats.get("scamlines/refused"):
        parts.append(f"{stats['scamlines/refused']} refused")
    if queued is not None:
        parts.append(f"{queued} queued")
    return ", ".join(parts)


class ProgressReporter:
    """Write :func:`progress_line` to ``stream`` every ``interval`` seconds."""

    def __init__(self, crawler: Crawler, interval: float, stream: TextIO | None = None) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._task: Any = None
        crawler.signals.connect(self._opened, signal=signals.spider_opened)
        crawler.signals.connect(self._closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = CrawlConfig.from_settings(crawler.settings).progress_interval
        if interval <= 0:
            raise NotConfigured
        return cls(crawler, interval)

    def _opened(self) -> None:
        from twisted.internet import task

        self.started = time.monotonic()
        self._task = task.LoopingCall(self.report)
        self._task.start(self.interval, now=False)

    def report(self) -> None:
        """Write one progress line now."""
        stats = self.crawler.stats.get_stats()
        line = progress_line(stats, time.monotonic() - self.started, self._queued())
        self.stream.write(line + "\n")
        self.stream.flush()

    def _queued(self) -> int | None:
        # Waiting in the scheduler plus handed to the downloader (in flight or in a slot).
        try:
            engine = self.crawler.engine
            return len(engine.scheduler) + len(engine.downloader.active)  # type: ignore[arg-type]
        except (AttributeError, TypeError, RuntimeError):
            return None

    def _closed(self) -> None:
        if self._task is not None and self._task.running:
            self._task.stop()
