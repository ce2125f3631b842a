"""A thread that owns the store's write connection and records pages in batches.

SQLite connections belong to the thread that opened them, and compressing, hashing and
committing cost CPU the reactor should not spend. The pipeline hands each analysed page to
:class:`StoreWriter`; the thread writes whatever has queued up in one transaction (at most
``batch_size`` pages), so a fast crawl gets large batches and a slow one gets each page on
disk at once. zlib, hashlib and SQLite release the GIL while they work.
"""

from __future__ import annotations

import logging
import queue
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.store import StoreError, open_store

if TYPE_CHECKING:
    from crawler.store import FetchRecord
    from detector.report import PageReport

__all__ = ["StoreWriter"]

logger = logging.getLogger(__name__)

_STOP = object()


class StoreWriter:
    """Record ``(fetch, report)`` pairs for ``run_id`` in the store at ``path``."""

    def __init__(
        self,
        path: Path,
        run_id: int,
        *,
        timeout: float = 30.0,
        batch_size: int = 100,
        body_maxsize: int | None = None,
    ) -> None:
        self.path = path
        self.run_id = run_id
        self.timeout = timeout
        self.batch_size = batch_size
        self.body_maxsize = body_maxsize
        self.written = 0
        self.transactions = 0
        self.error: StoreError | None = None
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="scamlines-store", daemon=True)

    def start(self) -> None:
        """Start the writer thread."""
        self._thread.start()

    def submit(self, fetch: FetchRecord, report: PageReport | None) -> None:
        """Queue one page; raises the writer's :class:`StoreError` once it has failed."""
        if self.error is not None:
            raise self.error
        self._queue.put((fetch, report))

    @property
    def pending(self) -> int:
        """Pages queued but not yet committed."""
        return self._queue.qsize()

    def close(self) -> None:
        """Write what is queued, then stop; raises the writer's :class:`StoreError`, if any."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        try:
            store = open_store(self.path, timeout=self.timeout)
        except StoreError as err:
            self.error = err
            return
        store.body_maxsize = self.body_maxsize
        try:
            self._drain(store)
        finally:
            store.close()

    def _drain(self, store: object) -> None:
        stopping = False
        while not stopping:
            batch, stopping = self._next_batch()
            if not batch or self.error is not None:
                continue
            try:
                store.record_pages(self.run_id, batch)  # type: ignore[attr-defined]
            except StoreError as err:
                logger.error("Cannot record pages in %s: %s", self.path, err)
                self.error = err
                continue
            self.written += len(batch)
            self.transactions += 1

    def _next_batch(self) -> tuple[list[tuple[FetchRecord, PageReport | None]], bool]:
        first = self._queue.get()
        if first is _STOP:
            return [], True
        batch = [first]
        while len(batch) < self.batch_size:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                return batch, True  # type: ignore[return-value]
            batch.append(item)
        return batch, False  # type: ignore[return-value]
