"""Progress lines on stderr for the long commands that are not a Scrapy crawl.

``crawl`` and ``scan`` write :func:`crawler.progress.progress_line` every few seconds from
inside the crawl; ``rescan`` and ``discover`` loop in plain Python and call a :class:`Ticker`
after each item, which writes ``[0:05] rescan: 1200 of 5000 pages`` at most once per
``interval`` seconds (and once at the end when anything was written), so a log gets periodic
plain lines and a terminal a line it can watch. ``--quiet`` means no ticker.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Ticker"]


class Ticker:
    """Call with ``(done, total)`` after each item; writes at most every ``interval`` s."""

    def __init__(self, what: str, unit: str, interval: float = 5.0,
                 stream: TextIO | None = None) -> None:
        self.what = what
        self.unit = unit
        self.interval = interval
        self.stream = stream or sys.stderr
        self.started = self.last = time.monotonic()
        self.written = False

    def __call__(self, done: int, total: int | None = None, detail: str = "") -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if now - self.last < self.interval and not (finished and self.written):
            return
        self.last = now
        minutes, seconds = divmod(int(now - self.started), 60)
        of = f" of {total}" if total is not None else ""
        extra = f", {detail}" if detail else ""
        self.stream.write(f"[{minutes}:{seconds:02d}] {self.what}: {done}{of} {self.unit}{extra}\n")
        self.stream.flush()
        self.written = True
