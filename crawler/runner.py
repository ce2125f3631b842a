"""Run one crawl in this process: ``run_crawl(options) -> CrawlSummary``.

What ``scamlines crawl`` does, as a library function:

1. validate the input (seeds, allowlist, database) before Scrapy starts, raising
   :class:`CrawlError` with a one-line message;
2. take the crawl's job directory (one per database and seed set, under ``<db>.state/``)
   and its lock, so two crawls of the same seeds into the same database cannot overlap;
3. start a run in the store, or continue the last unfinished one (``resume``);
4. build Scrapy settings explicitly from :mod:`crawler.settings` (never from the current
   directory's ``scrapy.cfg``: cron has no useful cwd) with absolute paths;
5. run the crawl with ``AsyncCrawlerProcess`` (a Twisted reactor cannot be restarted:
   one crawl per process) and summarise it from the store and the crawl stats.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from allowlist.loader import Selection
from crawler import fetchhealth
from crawler.seeds import SeedError, SeedSet, parse_seeds
from crawler.settingcheck import setting_problems
from crawler.store import Store, StoreError, open_store

if TYPE_CHECKING:
    from collections.abc import Iterator

    from filelock import BaseFileLock
    from scrapy.settings import BaseSettings, Settings

__all__ = [
    "CrawlError",
    "CrawlOptions",
    "CrawlSummary",
    "begin_run",
    "build_settings",
    "check_options",
    "checked_allowlist",
    "checked_store",
    "crawl_store",
    "job_dir",
    "lock_job",
    "plain_value",
    "run_crawl",
    "seed_set",
    "settings_snapshot",
    "summarise",
]

#: Settings recorded with each run (``runs.settings``), besides every ``SCAMLINES_*``.
RECORDED_SETTINGS = (
    "USER_AGENT",
    "ROBOTSTXT_OBEY",
    "DEPTH_LIMIT",
    "CLOSESPIDER_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "DOWNLOAD_TIMEOUT",
    "REDIRECT_MAX_TIMES",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "HTTPCACHE_ENABLED",
    "JOBDIR",
)


#: Flagged findings listed in a summary (all of them are in the store).
FLAGGED_SHOWN = 50

#: What continues an interrupted crawl, by ``runs.kind`` (said on Ctrl-C and SIGTERM).
AFTER_INTERRUPT = {
    "crawl": "scamlines crawl --resume continues",
    "scan": "the next scan crawls them again",
}


class CrawlError(Exception):
    """Bad input or an unusable database/job directory: the crawl did not start."""


@dataclass
class CrawlOptions:
    """Everything ``scamlines crawl`` accepts; see its ``--help`` for each option."""

    seeds: tuple[str, ...] = ()
    db: Path = Path("scamlines.db")
    allowlist: Selection = field(default_factory=Selection)
    depth: int = 3
    max_pages: int = 1000
    resume: bool = False
    allow_hosts: tuple[str, ...] = ()
    ignore_robots: bool = False
    follow_offsite: bool = False
    seeds_file: str | None = None
    user_agent: str | None = None
    timeout: float | None = None  #: run-time limit in seconds (None: the settings' default)
    progress_interval: float = 5.0  #: 0: no progress lines
    resolve: dict[str, str] = field(default_factory=dict)
    resolve_only: bool = False
    http_cache: bool = False
    jobdir: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)  #: any other setting (``--set``)
    db_timeout: float = 30.0
    kind: str = "crawl"  #: ``runs.kind``: ``scan`` when ``scamlines scan`` runs the crawl


@dataclass
class CrawlSummary:
    """How a crawl went: what ``scamlines crawl`` prints (text or one JSON object)."""

    run_id: int
    status: str
    reason: str | None
    resumed: bool
    elapsed_seconds: float
    pages: int  #: fetched or replayed by this process
    recorded: int
    replayed: int
    analysed: int  #: these three count the whole run as stored, pages recorded before a
    not_analysed: int  #: stop and --resume included (:meth:`Store.run_verdicts`)
    verdicts: dict[str, int]
    refused: dict[str, int]
    refused_examples: list[str]
    robots_forbidden: int
    out_of_scope_links: int
    fetch_failures: dict[str, int]
    over_page_limit: int
    flagged: list[dict[str, Any]]  #: the first :data:`FLAGGED_SHOWN`; the store has them all
    flagged_total: int
    db: str
    jobdir: str
    log_file: str
    robots_ignored: bool = False
    store_error: str | None = None
    run_pages: int = 0  #: pages the run has in the store (after a resume: from before, too)
    #: What went wrong with the fetches (nothing fetched, most failed): see crawler.fetchhealth.
    problem: str | None = None
    #: Requests given up in flight by Ctrl-C or SIGTERM (crawler.stopping); not stored.
    abandoned: int = 0

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` object."""
        data = asdict(self)
        data["pages_per_second"] = round(self.pages_per_second, 2)
        data["elapsed_seconds"] = round(self.elapsed_seconds, 2)
        data["refused_total"] = self.refused_total
        return data

    def to_text(self) -> str:
        """The human summary ``scamlines crawl`` prints."""
        return "\n".join(_summary_lines(self))


# --- the crawl ---------------------------------------------------------------------------------


def run_crawl(options: CrawlOptions) -> CrawlSummary:
    """Run one crawl to its end (or interruption) and summarise it.

    Raises :class:`CrawlError` for bad input before anything is fetched. Must be called at
    most once per process (Twisted's reactor cannot be restarted).
    """
    check_options(options)
    if "SCAMLINES_DB_TIMEOUT" in options.settings:  # --set applies before Scrapy starts too
        options.db_timeout = float(options.settings["SCAMLINES_DB_TIMEOUT"])
    seeds = seed_set(options)
    from crawler.renderhandler import resolve_render

    try:  # --render: auto without a browser becomes never; always without one is exit 2
        resolve_render(options.settings)
    except ValueError as err:
        raise CrawlError(str(err)) from None
    loaded_allowlist = checked_allowlist(options.allowlist)
    db_path = Path(options.db).expanduser().absolute()
    checked_store(db_path, options.db_timeout).close()  # a bad database fails first
    jobdir = (options.jobdir or job_dir(db_path, seeds)).absolute()
    lock = lock_job(jobdir)
    try:
        with crawl_store(db_path, options.db_timeout) as store:
            run_id, resumed = begin_run(store, options, seeds, loaded_allowlist, jobdir)
            log_file = _log_file(db_path, run_id)
            settings = build_settings(
                options, seeds, run_id=run_id, jobdir=jobdir, log_file=log_file, replay=resumed
            )
            store.set_run_settings(run_id, settings_snapshot(settings))
        stats, elapsed = _crawl(settings, AFTER_INTERRUPT.get(options.kind, ""))
        with crawl_store(db_path, options.db_timeout) as store:
            run = _settle(store, run_id, stats)
            flagged = store.findings(run_id=run_id, verdict="flagged")
            stored = store.run_verdicts(run_id)
    finally:
        lock.release()
    return summarise(run, stats, elapsed, flagged, resumed, db_path, jobdir, log_file, settings,
                     stored)  # fmt: skip


@contextlib.contextmanager
def crawl_store(path: Path, timeout: float) -> Iterator[Store]:
    """The store, with its errors turned into :class:`CrawlError` (exit status 2)."""
    store = checked_store(path, timeout)
    try:
        yield store
    except StoreError as err:
        raise CrawlError(str(err)) from None
    finally:
        store.close()


def _crawl(settings: Settings, then: str) -> tuple[dict[str, Any], float]:
    from scrapy.crawler import AsyncCrawlerProcess

    from crawler import stopping
    from crawler.spiders.scamlines import ScamlinesSpider

    started = time.monotonic()
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(ScamlinesSpider)
    process.crawl(crawler)

    def kept() -> str:  # in the signal handler: counters only
        stored = int(crawler.stats.get_value("scamlines/pages_recorded", 0) or 0)
        return (f"{_count(stored, 'page')} stored, {stopping.in_flight(crawler)} in flight "
                f"abandoned ({then})")

    # Blocks; Ctrl-C and SIGTERM stop the crawl at once, as "shutdown" (crawler.stopping).
    stopping.start(process, crawler, kept)
    return dict(crawler.stats.get_stats()), time.monotonic() - started


def _settle(store: Store, run_id: int, stats: dict[str, Any]) -> dict[str, Any]:
    run = store.run(run_id)
    assert run is not None
    if run["status"] == "running":
        # The spider never closed (it failed to start): the pipeline could not record it.
        reason = stats.get("finish_reason") or "failed_to_start"
        store.finish_run(run_id, "failed", stats, str(reason))
        run = store.run(run_id)
        assert run is not None
    return run


# --- preparation -------------------------------------------------------------------------------


def check_options(options: CrawlOptions) -> None:
    """Refuse setting values the crawl could not start with (or that would stop it at once),
    with a :class:`CrawlError` naming each, before anything is opened or fetched."""
    problems = [f"setting {problem}" for problem in setting_problems(options.settings)]
    for name, value in (("--timeout", options.timeout), ("database timeout", options.db_timeout)):
        if value is not None and not (math.isfinite(value) and value >= 0):
            problems.append(f"{name}: must be a number of seconds, 0 or more, not {value}")
    if problems:
        raise CrawlError("\n".join(problems))


def seed_set(options: CrawlOptions) -> SeedSet:
    """The crawl's seeds, parsed; a bad seed is a :class:`CrawlError`."""
    try:
        return parse_seeds(options.seeds, options.seeds_file)
    except SeedError as err:
        raise CrawlError(str(err)) from None


def checked_allowlist(layers: Selection) -> Any:
    """The allowlist layers, loaded; problems in them are a :class:`CrawlError`."""
    import allowlist

    try:
        return layers.load()
    except allowlist.AllowlistError as err:
        raise CrawlError(f"{layers.describe()}: the allowlist has problems:\n{err}") from None


def checked_store(path: Path, timeout: float) -> Store:
    """The store at ``path``, opened (and migrated); failures are a :class:`CrawlError`."""
    try:
        return open_store(path, timeout=timeout)
    except StoreError as err:
        raise CrawlError(str(err)) from None


def job_dir(db: Path, seeds: SeedSet) -> Path:
    """``<db>.state/jobs/crawl-<hash>``: one Scrapy JOBDIR per database and seed set."""
    key = hashlib.sha256("\n".join(sorted(seeds.urls)).encode()).hexdigest()[:16]
    return db.parent / f"{db.name}.state" / "jobs" / f"crawl-{key}"


def lock_job(jobdir: Path) -> BaseFileLock:
    """The job's lock, taken; a crawl of the same job already running is a :class:`CrawlError`."""
    from filelock import FileLock, Timeout

    try:
        jobdir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CrawlError(f"{jobdir.parent}: cannot create the crawl state folder ({err})") from None
    lock = FileLock(str(jobdir) + ".lock", blocking=False)
    try:
        lock.acquire()
    except Timeout:
        raise CrawlError(
            f"another crawl of the same seeds into the same database is running ({jobdir})"
        ) from None
    return lock


def begin_run(
    store: Store, options: CrawlOptions, seeds: SeedSet, allowlist: Any, jobdir: Path
) -> tuple[int, bool]:
    """``(run_id, resumed)``; prepares ``jobdir`` for a fresh or a resumed crawl."""
    previous = store.latest_run(jobdir=str(jobdir))
    killed = previous is not None and previous["status"] == "running"
    if previous is not None and killed:
        # We hold the job's lock, so the process that left it "running" is gone.
        store.mark_killed(previous["id"])
    # A failed run (the page worker died, the store failed, nothing could be fetched) is
    # unfinished too: resuming it is how the analyst gets the rest once the cause is fixed.
    unfinished = previous is not None and (
        killed or previous["status"] in ("interrupted", "failed")
    )
    if options.resume and not unfinished:
        # Never a silent fresh crawl: the analyst asked to continue something.
        what = (f"its last run ({previous['id']}) {previous['status']}" if previous is not None
                else "it has no run in this database")
        raise CrawlError(f"nothing to resume for these seeds: {what}; "
                         "run without --resume to crawl them again")
    if options.resume and unfinished:
        assert previous is not None
        if killed:
            # A SIGKILLed crawl leaves Scrapy's queue index and seen-file inconsistent. Drop
            # them; the frontier is rebuilt from the pages the store holds (ReplayMiddleware).
            _clear_scheduler_state(jobdir)
        store.resume_run(previous["id"])
        return int(previous["id"]), True
    shutil.rmtree(jobdir, ignore_errors=True)  # a fresh crawl must not inherit a queue
    jobdir.mkdir(parents=True, exist_ok=True)
    run_id = store.start_run(options.kind, seeds.urls, {}, allowlist, jobdir=str(jobdir))
    return run_id, False


def _clear_scheduler_state(jobdir: Path) -> None:
    shutil.rmtree(jobdir / "requests.queue", ignore_errors=True)
    for name in ("requests.seen", "spider.state"):
        (jobdir / name).unlink(missing_ok=True)


def _log_file(db: Path, run_id: int) -> Path:
    logs = db.parent / f"{db.name}.state" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs / f"crawl-{run_id}.log"


def build_settings(
    options: CrawlOptions,
    seeds: SeedSet,
    *,
    run_id: int,
    jobdir: Path,
    log_file: Path | None,
    replay: bool = False,
) -> Settings:
    """Scrapy settings for one crawl: :mod:`crawler.settings` plus the options, explicitly."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    db = Path(options.db).expanduser().absolute()
    overrides: dict[str, Any] = {
        "SCAMLINES_DB": str(db),
        "SCAMLINES_DB_TIMEOUT": options.db_timeout,
        "SCAMLINES_ALLOWLIST": list(options.allowlist.paths),
        "SCAMLINES_ALLOWLIST_BUNDLED": options.allowlist.bundled,
        "SCAMLINES_SEEDS": list(seeds.urls),
        "SCAMLINES_FILE_ROOTS": [str(root) for root in seeds.file_roots],
        "SCAMLINES_MAX_PAGES": options.max_pages,
        "SCAMLINES_FOLLOW_OFFSITE": options.follow_offsite,
        "SCAMLINES_ALLOW_HOSTS": list(options.allow_hosts),
        "SCAMLINES_RESOLVE": dict(options.resolve),
        "SCAMLINES_RESOLVE_ONLY": options.resolve_only,
        "SCAMLINES_RUN_ID": run_id,
        "SCAMLINES_REPLAY": replay,
        "SCAMLINES_PROGRESS_INTERVAL": options.progress_interval,
        # Scrapy reads DEPTH_LIMIT=0 as "no limit"; --depth 0 means "the seeds only".
        "DEPTH_LIMIT": options.depth,
        "SCAMLINES_FOLLOW_LINKS": options.depth > 0,
        "ROBOTSTXT_OBEY": not options.ignore_robots,
        # No JOBDIR: Scrapy's on-disk queue pickled every request (18 % of the crawl process's
        # time) to make resuming possible, and resuming never trusted it after a kill anyway:
        # ReplayMiddleware rebuilds the frontier from the pages the store holds, for every
        # resume. ``jobdir`` stays the job's identity and lock. ``--set JOBDIR=...`` still works.
        "JOBDIR": None,
        "HTTPCACHE_ENABLED": options.http_cache,
        "HTTPCACHE_DIR": str(db.parent / f"{db.name}.state" / "httpcache"),
    }
    if log_file is not None:
        overrides.update(LOG_FILE=str(log_file), LOG_FILE_APPEND=True)
    if options.user_agent:
        overrides["USER_AGENT"] = options.user_agent
    if options.timeout is not None:
        overrides["CLOSESPIDER_TIMEOUT"] = options.timeout
    if _local_only(seeds, options):
        # Politeness protects web servers; reading our own files needs none.
        overrides.update(
            DOWNLOAD_DELAY=0, AUTOTHROTTLE_ENABLED=False, CONCURRENT_REQUESTS_PER_DOMAIN=8
        )
    settings.setdict(overrides, priority="cmdline")
    settings.setdict(options.settings, priority="cmdline")
    if options.progress_interval <= 0:
        settings.set("SCAMLINES_PROGRESS_INTERVAL", 0, priority="cmdline")  # --quiet wins
    from crawler.renderhandler import render_settings

    settings.setdict(render_settings(settings), priority="cmdline")  # scrapy-playwright
    return settings


def _local_only(seeds: SeedSet, options: CrawlOptions) -> bool:
    return not options.follow_offsite and all(url.startswith("file:") for url in seeds.urls)


def settings_snapshot(settings: BaseSettings) -> dict[str, Any]:
    """The settings worth recording with a run: every ``SCAMLINES_*`` plus the caps."""
    names = sorted({*RECORDED_SETTINGS, *(k for k in settings if k.startswith("SCAMLINES_"))})
    return {name: plain_value(settings.get(name)) for name in names}


def plain_value(value: Any) -> Any:
    """A setting's value as JSON can hold it."""
    if hasattr(value, "copy_to_dict"):
        return value.copy_to_dict()
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    return str(value)


# --- summary -----------------------------------------------------------------------------------


def summarise(
    run: dict[str, Any],
    stats: dict[str, Any],
    elapsed: float,
    flagged: list[dict[str, Any]],
    resumed: bool,
    db: Path,
    jobdir: Path,
    log_file: Path,
    settings: BaseSettings,
    stored: dict[str | None, int] | None = None,
) -> CrawlSummary:
    """The :class:`CrawlSummary` of a run from its row in the store and its crawl stats.

    ``stored`` (:meth:`Store.run_verdicts`) makes the verdict counts the whole run's: the
    stats of a resumed crawl know only what this process saw, not the pages recorded before
    the stop (after a kill -9, nothing of them at all).
    """
    prefix = "scamlines/"
    verdicts = _by_prefix(stats, f"{prefix}verdict/")
    analysed = int(stats.get(f"{prefix}analysed", 0))
    not_analysed = int(stats.get(f"{prefix}not_analysed", 0))
    if stored is not None:
        verdicts = {v: n for v, n in sorted(stored.items(), key=lambda vn: str(vn[0])) if v}
        analysed = sum(verdicts.values())
        if settings.getbool("SCAMLINES_DETECTOR_ENABLED", True):
            not_analysed = stored.get(None, 0)
    return CrawlSummary(
        run_id=int(run["id"]),
        status=run["status"],
        reason=run.get("finish_reason"),
        resumed=resumed,
        elapsed_seconds=float(stats.get("elapsed_time_seconds") or elapsed),
        pages=int(stats.get(f"{prefix}pages", 0)),
        recorded=int(stats.get(f"{prefix}pages_recorded", 0)),
        replayed=int(stats.get(f"{prefix}replayed", 0)),
        analysed=analysed,
        not_analysed=not_analysed,
        verdicts=verdicts,
        refused=_refusals(stats),
        refused_examples=list(stats.get(f"{prefix}refused_examples", [])),
        robots_forbidden=int(stats.get("robotstxt/forbidden", 0)),
        out_of_scope_links=int(stats.get(f"{prefix}links_out_of_scope", 0)),
        fetch_failures=fetchhealth.failures(stats),
        over_page_limit=int(stats.get(f"{prefix}over_max_pages", 0)),
        flagged=[_flagged(f) for f in flagged[:FLAGGED_SHOWN]],
        flagged_total=len(flagged),
        db=str(db),
        jobdir=str(jobdir),
        log_file=str(log_file),
        robots_ignored=not settings.getbool("ROBOTSTXT_OBEY"),
        store_error=stats.get(f"{prefix}store_error"),
        problem=fetchhealth.problem(stats),
        run_pages=sum(stored.values()) if stored is not None else 0,
        abandoned=int(stats.get(f"{prefix}abandoned", 0)),
    )


def _by_prefix(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {
        key[len(prefix) :]: int(value)
        for key, value in sorted(stats.items())
        if key.startswith(prefix) and isinstance(value, int)
    }


def _refusals(stats: dict[str, Any]) -> dict[str, int]:
    return _by_prefix(stats, "scamlines/refused_")


def _flagged(finding: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": finding["url"],
        "final_url": finding["final_url"],
        "brand": finding["brand"],
        "numbers": finding["numbers"],
        "score": round(float(finding.get("run_score") or finding["score"] or 0.0), 3),
        "reasons": [reason["code"] for reason in finding["reasons"] or []],
    }


def _summary_lines(s: CrawlSummary) -> list[str]:
    minutes, seconds = divmod(round(s.elapsed_seconds), 60)
    how = f"{s.status}" + (f" ({s.reason})" if s.reason and s.reason != s.status else "")
    lines = [
        (
            f"Crawl run {s.run_id} {how}{', resumed' if s.resumed else ''} after {minutes}:"
            f"{seconds:02d}: {_count(s.pages, 'page')} ({s.pages_per_second:.1f}/s), "
            f"{s.recorded} recorded, {s.replayed} replayed from the store"
        ),
        f"  verdicts{_whole_run(s)}: "
        + (", ".join(f"{n} {v}" for v, n in s.verdicts.items()) or "none")
        + f"; {s.not_analysed} not analysed",
    ]
    if s.refused_total:
        detail = ", ".join(f"{n} {reason}" for reason, n in s.refused.items())
        lines.append(f"  refused by the network guard: {s.refused_total} ({detail})")
        lines += [f"    {example}" for example in s.refused_examples]
    else:
        lines.append("  refused by the network guard: 0")
    if s.robots_ignored:
        lines.append("  robots.txt: IGNORED (--ignore-robots)")
    else:
        lines.append(f"  robots.txt forbade: {s.robots_forbidden}")
    lines.append(f"  links out of scope (not followed): {s.out_of_scope_links}")
    if s.fetch_failures:
        detail = ", ".join(f"{n} {kind}" for kind, n in s.fetch_failures.items())
        lines.append(f"  not fetched: {sum(s.fetch_failures.values())} ({detail})")
    if s.over_page_limit:
        lines.append(f"  dropped over --max-pages: {s.over_page_limit}")
    if s.abandoned:
        lines.append(f"  abandoned in flight when stopped: {s.abandoned} (not stored)")
    if s.store_error:
        lines.append(f"  STORE ERROR: {s.store_error}")
    if s.problem:
        lines.append(f"  FETCH FAILURE: {s.problem}")
    if s.flagged:
        lines.append(f"  flagged ({s.flagged_total}):")
        for f in s.flagged:
            numbers = ", ".join(f["numbers"]) or "-"
            lines.append(f"    {f['brand'] or '(no brand)'}  {numbers}  {f['url']}")
        if s.flagged_total > len(s.flagged):
            lines.append(f"    ... and {s.flagged_total - len(s.flagged)} more in the database")
    lines.append(f"  database: {s.db}")
    lines.append(f"  log: {s.log_file}")
    return lines


def _whole_run(s: CrawlSummary) -> str:
    """After a resume the verdicts are the whole run's, not only this process's pages."""
    return f" (whole run, {_count(s.run_pages, 'page')})" if s.resumed else ""


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
