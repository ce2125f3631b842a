"""Progress lines on stderr for the long commands that are not a Scrapy crawl.

``crawl`` and ``scan`` write :func:`crawler.progress.progress_line` every few seconds from
inside the crawl; ``rescan`` and ``discover`` loop in plain Python and call a :class:`Ticker`
after each item, which writes ``[0:05] rescan: 1200 of 5000 pages`` at most once per
``interval`` seconds (and once at the end when anything was written), so a log gets periodic
plain lines and a terminal a line it can watch. ``--quiet`` means no ticker.

The interval is 5 s unless the environment sets ``SCAMLINES_PROGRESS_INTERVAL`` (seconds, as
the crawl's setting of that name; 0 writes none).
"""

from __future__ import annotations

import math
import os
import sys
import time
from typing import TextIO

__all__ = ["DEFAULT_INTERVAL", "Ticker", "interval_from_env"]

#: Seconds between progress lines when the environment does not say.
DEFAULT_INTERVAL = 5.0


def interval_from_env() -> float:
    """``SCAMLINES_PROGRESS_INTERVAL`` in seconds (:data:`DEFAULT_INTERVAL` when unset or not a
    number); 0 or less is "never" (``math.inf``), as for the crawl setting."""
    value = os.environ.get("SCAMLINES_PROGRESS_INTERVAL", "").strip()
    try:
        seconds = float(value) if value else DEFAULT_INTERVAL
    except ValueError:
        return DEFAULT_INTERVAL
    return seconds if seconds > 0 else math.inf


class Ticker:
    """Call with ``(done, total)`` after each item; writes at most every ``interval`` s
    (default: :func:`interval_from_env`)."""

    def __init__(self, what: str, unit: str, interval: float | None = None,
                 stream: TextIO | None = None) -> None:
        self.what = what
        self.unit = unit
        self.interval = interval_from_env() if interval is None else interval
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
