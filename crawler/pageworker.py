"""Analysing and recording pages away from the crawl: one worker process, or inline.

The crawl process's single reactor thread downloads, parses links and schedules. Running the
detector (pure CPU) there, or even in helper threads of that process, slows it: every GIL
hand-off between the reactor and a busy thread costs the reactor up to a switch interval.
So by default (``SCAMLINES_PAGE_WORKER = True``) one worker process does everything after
the download: it runs ``detector.analyze`` and writes the store (it is the store's only
writer during the crawl). The crawl side talks to it over a pipe watched by the event loop,
with no threads of its own. With the worker off, both run inline in the crawl process
(simplest to debug, one core).

Messages, crawl → worker: ``("page", seq, FetchRecord, text | None, encoding | None)`` (with an
encoding, the worker decodes the body as Scrapy did, so a page crosses the pipe once, not as
bytes and again as text) and ``("stop",)``;
worker → crawl: ``("ready",)``, ``("done", [Outcome, ...])`` after each committed batch,
``("fatal", message)`` and ``("closed",)``. Nothing here imports Scrapy or Twisted.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allowlist.loader import Selection
from crawler.analysis import (
    add_reasons,
    judge_document,
    limit_reasons,
    note_truncated,
    wants_document,
)
from crawler.scans.reputation import apply_reputation
from crawler.store import FetchRecord, Store, StoreError, open_store

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from detector.report import PageReport

__all__ = [
    "InlinePages",
    "Outcome",
    "PageProcessor",
    "WorkerConfig",
    "WorkerDied",
    "WorkerPages",
    "start_pages",
]

logger = logging.getLogger(__name__)

#: How much lower than the crawl the worker process runs (``os.nice`` increment).
WORKER_NICENESS = 10


@dataclass(frozen=True)
class WorkerConfig:
    """What the page processor needs; picklable, sent to the worker process."""

    db: Path
    run_id: int
    db_timeout: float = 30.0
    allowlist: Selection = field(default_factory=Selection)
    detector: bool = True
    batch_size: int = 100
    body_maxsize: int | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one page: its verdict (None: not analysed) and the note, if any."""

    seq: int
    verdict: str | None = None
    note: str | None = None
    detector_error: str | None = None  #: the exception type when the detector failed


class WorkerDied(StoreError):
    """The worker process ended before the crawl did (killed, out of memory)."""


# --- the work itself, in whichever process ------------------------------------------------------


class PageProcessor:
    """Analyse pages and record them in batches: the worker's (or the inline) core."""

    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        self.allowlist: Any = None
        if config.detector:
            self.allowlist = config.allowlist.load()
        self.store: Store = open_store(config.db, timeout=config.db_timeout)
        self.store.body_maxsize = config.body_maxsize

    def analyse(
        self, seq: int, fetch: FetchRecord, text: str | None, encoding: str | None = None
    ) -> tuple[Any, Outcome]:
        """``((fetch, report), outcome)`` for one page; never raises for a bad page."""
        (fetch, report), outcome = analyse_page(
            self.allowlist if self.config.detector else None, seq, fetch, text, encoding
        )
        if report is None:
            return (fetch, None), outcome
        # Numbers flagged on other pages by earlier runs raise the score (crawler.scans.reputation).
        report = apply_reputation(self.store, report, url=fetch.url, before_run=self.config.run_id)
        return (fetch, report), Outcome(seq, report.verdict, fetch.note)

    def record(self, pairs: list[tuple[FetchRecord, PageReport | None]]) -> None:
        """Write analysed pages in one transaction; raises :class:`StoreError`."""
        if pairs:
            self.store.record_pages(self.config.run_id, pairs)

    def close(self) -> None:
        self.store.close()


def analyse_page(
    allowlist: Any, seq: int, fetch: FetchRecord, text: str | None, encoding: str | None = None
) -> tuple[tuple[FetchRecord, PageReport | None], Outcome]:
    """The detector's judgement of one page (``allowlist`` None: not analysed), before any
    history is consulted; never raises for a bad page. Shared with distributed workers."""
    if allowlist is not None and encoding is None and wants_document(fetch, text):
        # A PDF: read in a capped child process (crawler.documents), judged as text.
        fetch, document = judge_document(fetch, allowlist)
        if document is None:
            return (fetch, None), Outcome(seq, None, fetch.note)
        return (fetch, document), Outcome(seq, document.verdict, fetch.note)
    if text is None and encoding is not None:
        text = decoded(fetch.body, encoding)
    if allowlist is None or text is None:
        return (fetch, None), Outcome(seq, None, fetch.note)
    import detector

    try:
        report: PageReport = detector.analyze(
            text, url=fetch.final_url, allowlist=allowlist, content_type=fetch.content_type
        )
    except detector.UnsupportedContent as err:
        fetch = dataclasses.replace(fetch, note=f"not analysed: {err or 'unsupported content'}")
        return (fetch, None), Outcome(seq, None, fetch.note)
    except Exception as err:  # a detector bug must cost one page, not the crawl
        logger.exception("Detector failed on %s", fetch.final_url)
        note = f"not analysed: detector error ({type(err).__name__})"
        fetch = dataclasses.replace(fetch, note=note)
        return (fetch, None), Outcome(seq, None, note, type(err).__name__)
    if fetch.text_source is None:
        fetch = dataclasses.replace(fetch, text_source="served")
    # A render stopped by a limit: analysed as rendered so far, and the reasons say so.
    report = add_reasons(report, limit_reasons(dict(fetch.render_limits)))
    if fetch.truncated or "page_truncated" in report.reason_codes():
        report = note_truncated(report)
    return (fetch, report), Outcome(seq, report.verdict, fetch.note)


# --- the worker process -------------------------------------------------------------------------

_STOP = ("stop",)


def worker_main(conn: Connection, config: WorkerConfig, parent_pid: int) -> None:
    """The worker process: read pages, analyse, record in batches, report outcomes."""
    # Ctrl-C reaches the whole process group, and systemd's SIGTERM the whole service: the
    # crawl decides when the worker stops (after the pages it was sent are stored).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # The crawl's event loop sets the pace; analysis is throughput work that can wait its
    # turn for a core (its queue absorbs the lag), so the fetching never waits on it.
    _lower_priority()
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    try:
        processor = PageProcessor(config)
    except Exception as err:  # noqa: BLE001 - any start-up failure is reported to the crawl
        _tell(conn, ("fatal", f"{type(err).__name__}: {err}"))
        return
    inbox: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
    # Drain the pipe continuously so the crawl's sends never wait on our analysis.
    threading.Thread(target=_read_pipe, args=(conn, inbox), daemon=True).start()
    _tell(conn, ("ready",))
    try:
        _serve(conn, inbox, processor)
    finally:
        processor.close()
    _tell(conn, ("closed",))


def _tell(conn: Connection, message: tuple[Any, ...]) -> bool:
    """Send to the crawl; False when it is gone (a second Ctrl-C exits it at once)."""
    try:
        conn.send(message)
    except (BrokenPipeError, EOFError, OSError):
        # Whatever was recorded is committed; there is nobody left to tell.
        return False
    return True


def _lower_priority() -> None:
    # Not permitted in some containers: then the worker runs at the crawl's priority.
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)


def _serve(
    conn: Connection, inbox: queue.SimpleQueue[tuple[Any, ...]], processor: PageProcessor
) -> None:
    stopping = False
    while not stopping:
        messages = [inbox.get()]
        while len(messages) < processor.config.batch_size:
            try:
                messages.append(inbox.get_nowait())
            except queue.Empty:
                break
        stopping = messages[-1] == _STOP or any(m == _STOP for m in messages)
        pages = [m for m in messages if m[0] == "page"]
        results = [processor.analyse(*page[1:]) for page in pages]
        try:
            processor.record([pair for pair, _ in results])
        except StoreError as err:
            _tell(conn, ("fatal", str(err)))
            return
        if not _tell(conn, ("done", [outcome for _, outcome in results])):
            return


def _read_pipe(conn: Connection, inbox: queue.SimpleQueue[tuple[Any, ...]]) -> None:
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            inbox.put(_STOP)
            return
        inbox.put(message)
        if message == _STOP:
            return


def _exit_with_parent(parent_pid: int) -> None:
    # A crawl killed with SIGKILL cannot stop its worker; an uncommitted batch is rolled back
    # by SQLite and fetched again on --resume.
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(0)


# --- the crawl side -------------------------------------------------------------------------------


class WorkerPages:
    """The crawl's handle on the worker process. Use from the crawl's asyncio event loop."""

    def __init__(self, config: WorkerConfig) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a running reactor
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=worker_main,
            args=(child, config, os.getpid()),
            name="scamlines-pages",
            daemon=True,
        )
        self._process.start()
        child.close()
        self._seq = 0
        self._pending: dict[int, asyncio.Future[Outcome]] = {}
        self._ready: asyncio.Future[None] | None = None
        self._closed: asyncio.Future[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.error: StoreError | None = None

    async def start(self) -> None:
        """Wait until the worker has opened the store; raises its error if it could not."""
        self._loop = asyncio.get_running_loop()
        self._ready = self._loop.create_future()
        self._closed = self._loop.create_future()
        self._loop.add_reader(self._conn.fileno(), self._on_readable)
        await self._ready

    async def submit(
        self, fetch: FetchRecord, text: str | None, encoding: str | None = None
    ) -> Outcome:
        """Hand one page over (its text, or the charset to decode its body with); resolves
        once it is analysed and committed."""
        if self.error is not None:
            raise self.error
        assert self._loop is not None
        self._seq += 1
        future: asyncio.Future[Outcome] = self._loop.create_future()
        self._pending[self._seq] = future
        try:
            self._conn.send(("page", self._seq, fetch, text, encoding))
        except OSError:
            self._fail(WorkerDied("the page worker is gone"))
        return await future

    async def close(self) -> None:
        """Let the worker commit what it has, then stop it."""
        if self._closed is not None and not self._closed.done() and self.error is None:
            with contextlib.suppress(OSError):
                self._conn.send(_STOP)
            with contextlib.suppress(StoreError):
                await self._closed
        if self._loop is not None:
            self._loop.remove_reader(self._conn.fileno())
        await asyncio.get_running_loop().run_in_executor(None, self._process.join, 30)
        self._conn.close()
        if self.error is not None:
            raise self.error

    def _on_readable(self) -> None:
        try:
            while self._conn.poll():
                self._handle(self._conn.recv())
        except (EOFError, OSError):
            self._fail(WorkerDied("the page worker process ended unexpectedly"))

    def _handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "done":
            for outcome in message[1]:
                future = self._pending.pop(outcome.seq, None)
                if future is not None and not future.done():
                    future.set_result(outcome)
        elif kind == "ready":
            _resolve(self._ready)
        elif kind == "closed":
            _resolve(self._closed)
        elif kind == "fatal":
            self._fail(StoreError(message[1]))

    def _fail(self, error: StoreError) -> None:
        if self.error is None:
            self.error = error
        for future in (*self._pending.values(), self._ready, self._closed):
            if future is not None and not future.done():
                future.set_exception(self.error)
        self._pending.clear()
        if self._loop is not None:
            with contextlib.suppress(Exception):
                self._loop.remove_reader(self._conn.fileno())


class InlinePages:
    """The same interface, analysing and recording in the crawl process (one page per commit)."""

    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        self.processor: PageProcessor | None = None
        self.error: StoreError | None = None
        self._seq = 0

    async def start(self) -> None:
        self.processor = PageProcessor(self.config)

    async def submit(
        self, fetch: FetchRecord, text: str | None, encoding: str | None = None
    ) -> Outcome:
        assert self.processor is not None
        if self.error is not None:
            raise self.error
        self._seq += 1
        pair, outcome = self.processor.analyse(self._seq, fetch, text, encoding)
        try:
            self.processor.record([pair])
        except StoreError as err:
            self.error = err
            raise
        return outcome

    async def close(self) -> None:
        if self.processor is not None:
            self.processor.close()


def decoded(body: bytes, encoding: str) -> str:
    """``body`` as text, exactly as Scrapy's ``TextResponse.text`` decodes it."""
    from w3lib.encoding import html_to_unicode

    return html_to_unicode(f"charset={encoding}", body)[1]


def start_pages(config: WorkerConfig, *, in_worker: bool) -> WorkerPages | InlinePages:
    """A page sink: the worker process, or inline."""
    return WorkerPages(config) if in_worker else InlinePages(config)


def _resolve(future: asyncio.Future[None] | None) -> None:
    if future is not None and not future.done():
        future.set_result(None)
