"""Running ``detector.analyze`` for a crawl, off the reactor thread.

The detector is pure CPU (HTML parsing, phone-number matching, fuzzy brand matching). Run
inline it would stall downloads and link extraction, so by default it runs in worker
processes (``SCAMLINES_DETECTOR_PROCESSES``, default 1: the crawl and the detector then use
two cores). Each worker loads the allowlist once. ``0`` runs it inline in the crawl process
(one core, simplest to debug). Nothing here imports Scrapy: workers start fast.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detector.report import PageReport

__all__ = ["Analyzer", "NotAnalysable"]

_worker_allowlist: Any = None


class NotAnalysable(Exception):
    """The detector declined the body (binary, empty); ``str()`` says why, for the page note."""


def _init_worker(allowlist_path: str | None, parent_pid: int) -> None:
    # Ctrl-C goes to the whole process group; the crawl process handles it, not workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_allowlist
    import allowlist

    _worker_allowlist = allowlist.load(allowlist_path)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()


def _exit_with_parent(parent_pid: int) -> None:
    # A crawl killed with SIGKILL cannot shut its pool down; workers would linger forever.
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os._exit(0)


def _analyze_in_worker(
    content: bytes | str, url: str | None, content_type: str | None
) -> PageReport:
    return _analyze(content, url, content_type, _worker_allowlist)


def _analyze(
    content: bytes | str, url: str | None, content_type: str | None, allowlist: Any
) -> PageReport:
    import detector

    try:
        return detector.analyze(content, url=url, allowlist=allowlist, content_type=content_type)
    except detector.UnsupportedContent as err:
        raise NotAnalysable(str(err) or "unsupported content") from None


class Analyzer:
    """Analyse pages with the allowlist at ``allowlist_path`` (None: bundled), inline or in
    ``processes`` worker processes. Use :meth:`analyze` from the crawl's event loop."""

    def __init__(self, allowlist: Any, processes: int) -> None:
        self.allowlist = allowlist
        self.processes = processes
        self._pool: Executor | None = None

    def start(self) -> None:
        """Start the worker processes (they load the allowlist while the crawl starts)."""
        if self.processes and self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                # Never fork a process running a reactor and threads.
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(_allowlist_path(self.allowlist), os.getpid()),
            )

    async def analyze(
        self, content: bytes | str, url: str | None, content_type: str | None
    ) -> PageReport:
        """The detector's report; raises :class:`NotAnalysable` or the detector's error."""
        if self._pool is None:
            return _analyze(content, url, content_type, self.allowlist)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._pool, _analyze_in_worker, content, url, content_type
            )
        except BrokenProcessPool:
            # A worker died (out of memory on a pathological page): restart the pool once
            # per failure and analyse this page inline rather than lose it.
            self.close()
            self.start()
            return _analyze(content, url, content_type, self.allowlist)

    def close(self) -> None:
        """Stop the workers (pending analyses are cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _allowlist_path(allowlist: Any) -> str | None:
    import allowlist as allowlist_package

    path = getattr(allowlist, "path", None)
    if path is None or str(path) == str(allowlist_package.DATA_DIR):
        return None
    return str(path)
