"""The recorder of a distributed run: ``scamlines crawl --redis URL SEED...``.

It validates the input and records the run as a local crawl does (same job lock, same
``--resume``), publishes the run's crawl settings and seeds in Redis for the workers
(:mod:`crawler.redisworker`), then is the only process that writes the SQLite store: it reads
page records from the run's stream, applies the number history, commits them in batches, and
only then acknowledges them and releases their requests' leases. So a killed recorder loses
nothing (unacknowledged records are read again; a page already recorded in the run is skipped,
never stored twice), and leases of killed workers are re-queued here.

The run is done when nothing is queued, leased, unscheduled or unrecorded for a few polls in a
row, or when the run-wide page budget is spent; the recorder then sets the ``done`` flag that
lets idle workers close.
"""

from __future__ import annotations

import contextlib
import pickle
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import redis

from crawler.interrupts import keep_going, stoppable
from crawler.redisrun import (
    CURRENT,
    RedisRunError,
    RunKeys,
    connect,
    pending_work,
    redact,
    release,
    requeue_expired,
    write_config,
)
from crawler.runner import (
    CrawlError,
    CrawlOptions,
    CrawlSummary,
    begin_run,
    build_settings,
    check_options,
    checked_allowlist,
    checked_store,
    crawl_store,
    job_dir,
    lock_job,
    plain_value,
    seed_set,
    settings_snapshot,
    summarise,
)
from crawler.scans.reputation import apply_reputation

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = ["run_recorder"]

GROUP = "recorder"
#: The run is finished at the first poll that finds no work anywhere: ``pending_work`` is read
#: in one transaction, a page's links are queued before its record is sent, and its lease
#: lasts until the record is committed, so no work hides between the counts.
POLL_MS = 250
#: Records committed in one transaction at most, and how long a short batch waits to grow.
BATCH = 200
GATHER_SECONDS = 0.05


def run_recorder(options: CrawlOptions, url: str) -> CrawlSummary:
    """Run a distributed crawl's recorder to the end of the run; raises :class:`CrawlError`
    for bad input or an unreachable Redis (exit status 2)."""
    check_options(options)
    seeds = seed_set(options)
    loaded_allowlist = checked_allowlist(options.allowlist)
    db_path = Path(options.db).expanduser().absolute()
    checked_store(db_path, options.db_timeout).close()
    try:
        client = connect(url)
    except RedisRunError as err:
        raise CrawlError(str(err)) from None
    jobdir = (options.jobdir or job_dir(db_path, seeds)).absolute()
    lock = lock_job(jobdir)
    started = time.monotonic()
    try:
        with crawl_store(db_path, options.db_timeout) as store:
            run_id, resumed = begin_run(store, options, seeds, loaded_allowlist, jobdir)
            settings = build_settings(options, seeds, run_id=run_id, jobdir=jobdir, log_file=None)
            snapshot = settings_snapshot(settings)
            snapshot["SCAMLINES_REDIS"] = redact(url)  # never the password
            store.set_run_settings(run_id, snapshot)
        keys = RunKeys(run_id)
        _publish(client, keys, settings, seeds.urls, resumed)
        with crawl_store(db_path, options.db_timeout) as store:
            stats, reason = _record(client, keys, store, run_id, options.timeout)
            status = "finished" if reason in ("finished", "max_pages") else "interrupted"
            stats["elapsed_time_seconds"] = time.monotonic() - started
            store.finish_run(run_id, status, stats, reason)
            run = store.run(run_id)
            flagged = store.findings(run_id=run_id, verdict="flagged")
            stored = store.run_verdicts(run_id)
    finally:
        lock.release()
    assert run is not None
    return summarise(run, stats, time.monotonic() - started, flagged, resumed, db_path, jobdir,
                    jobdir / "no-log", settings, stored)  # fmt: skip


def _publish(client: Any, keys: RunKeys, settings: Any, seeds: tuple[str, ...], resumed: bool) -> None:
    """The run's settings and seeds, for the workers (a resumed run keeps its frontier)."""
    if not resumed:
        stale = list(client.scan_iter(match=f"scamlines:run{keys.run_id}:*"))
        if stale:
            client.delete(*stale)
        if seeds:
            client.rpush(keys.seeds, *seeds)
    config = {name: plain_value(settings.get(name)) for name in settings
              if settings.getpriority(name) >= 40 and name not in _LOCAL}  # fmt: skip
    write_config(client, keys, config)
    client.delete(keys.done)
    with contextlib.suppress(redis.ResponseError):  # BUSYGROUP: a resumed run's group
        client.xgroup_create(keys.records, GROUP, id="0", mkstream=True)
    client.set(CURRENT, keys.run_id)


#: Settings that describe this machine, not the run.
_LOCAL = {"SCAMLINES_DB", "LOG_FILE", "LOG_FILE_APPEND", "HTTPCACHE_DIR", "JOBDIR"}


def _record(
    client: Any, keys: RunKeys, store: Store, run_id: int, timeout: float | None
) -> tuple[dict[str, Any], str]:
    """Record pages until the run is done; ``(stats, finish reason)``."""
    seen = set(store.recorded_in_run(run_id))  # a resumed run: what is already stored
    counts: Counter[str] = Counter()
    deadline = time.monotonic() + timeout if timeout else None

    def kept() -> str:  # in the signal handler: counters only
        return (f"{len(seen)} pages recorded; the workers' records wait in Redis "
                "(scamlines crawl --redis URL --resume continues)")

    reason, backlog = "shutdown", "0"  # "0": first the records read but not acked
    try:
        with stoppable(kept, keep_going) as stop:  # Ctrl-C, SIGTERM: at the next poll
            while not stop.requested:
                if deadline is not None and time.monotonic() > deadline:
                    reason = "closespider_timeout"
                    break
                requeue_expired(client, keys)
                answer = client.xreadgroup(GROUP, "recorder", {keys.records: backlog},
                                           count=BATCH, block=POLL_MS)  # fmt: skip
                entries = answer[0][1] if answer else []
                if backlog == "0" and not entries:
                    backlog = ">"
                if entries:
                    if backlog == ">" and len(entries) < BATCH:
                        entries += _gather(client, keys, BATCH - len(entries))
                    _commit(client, keys, store, run_id, entries, seen, counts)
                    continue
                done = client.get(keys.done)
                if done is not None or pending_work(client, keys) == 0:
                    reason = done.decode() if done else "finished"
                    break
        if reason != "shutdown":
            client.set(keys.done, reason)
    except redis.RedisError as err:
        counts["redis_error"] += 1
        reason = "redis_gone"
        stats = _stats(counts, seen)
        stats["scamlines/redis_error"] = str(err)
        return stats, reason
    return _stats(counts, seen), reason


def _gather(client: Any, keys: RunKeys, room: int) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """The records that arrive within :data:`GATHER_SECONDS` more: committing pages one at a
    time costs the recorder (a transaction, acknowledgements, lease releases) several times
    what a batch costs, CPU the workers share."""
    time.sleep(GATHER_SECONDS)
    answer = client.xreadgroup(GROUP, "recorder", {keys.records: ">"}, count=room)
    return list(answer[0][1]) if answer else []


def _commit(
    client: Any,
    keys: RunKeys,
    store: Store,
    run_id: int,
    entries: list[tuple[bytes, dict[bytes, bytes]]],
    seen: set[str],
    counts: Counter[str],
) -> None:
    batch, leases = [], []
    for _, fields in entries:
        fetch, report, page_leases = pickle.loads(fields[b"page"])
        leases += page_leases
        if fetch.url in seen:  # fetched twice (a re-queued lease): stored once
            counts["duplicates"] += 1
            continue
        seen.add(fetch.url)
        if report is not None:
            report = apply_reputation(store, report, url=fetch.url, before_run=run_id)
            counts[f"verdict/{report.verdict}"] += 1
        else:
            counts["not_analysed"] += 1
        batch.append((fetch, report))
    store.record_pages(run_id, batch)  # committed before anything is acknowledged
    ids = [entry_id for entry_id, _ in entries]
    client.xack(keys.records, GROUP, *ids)
    client.xdel(keys.records, *ids)
    release(client, keys, leases)


def _stats(counts: Counter[str], seen: set[str]) -> dict[str, Any]:
    stats: dict[str, Any] = {f"scamlines/{k}": v for k, v in counts.items()}
    stats["scamlines/pages"] = stats["scamlines/pages_recorded"] = len(seen)
    stats["scamlines/analysed"] = sum(v for k, v in counts.items() if k.startswith("verdict/"))
    return stats
