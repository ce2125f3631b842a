"""``scamlines scan --config FILE``: one scheduled run of a watch list, and what changed.

``run_scan(config)`` does, in order:

1. take the database's scan lock (:mod:`crawler.scans.lock`), or fail at once with
   :class:`~crawler.scans.lock.ScanBusy`, and mark scans left ``running`` by a killed process
   as interrupted (killed), so they never count in a diff;
2. with a ``[discovery]`` table, search first (:mod:`crawler.scans.discovery`, the providers
   and options of ``scamlines discover``): the candidate URLs join the seeds, and a search
   that fails is reported, never a reason not to crawl the configured seeds;
3. crawl the configuration's seeds as a run of kind ``scan`` (:func:`crawler.runner.run_crawl`,
   one Scrapy crawl per process; with ``redis = URL``, :func:`crawler.recorder.run_recorder`:
   this process records a distributed run that ``scamlines worker`` processes fetch), with
   the configuration file's path recorded in the run's
   settings (``SCAMLINES_SCAN_CONFIG``) to find the previous scan of the same watch list;
4. compare the run with the previous finished scan (or rescan) of that configuration
   (:mod:`crawler.scans.history`), filtered to the configured brands;
5. write the configured reports (``reports.formats.render_report``): the flagged and
   suspicious findings this scan saw, for the configured brands.

The summary ends with the diff. Exit statuses are decided by the CLI from
:attr:`ScanSummary.status` and :attr:`ScanSummary.newly_flagged`.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.scans.difftext import diff_text
from crawler.scans.history import RunDiff, base_run, diff_runs
from crawler.scans.lock import ScanLock
from crawler.store import Store, StoreError, open_store

if TYPE_CHECKING:
    from collections.abc import Iterator

    from crawler.discovery import QueryOutcome
    from crawler.runner import CrawlOptions, CrawlSummary
    from crawler.scans.config import ScanConfig
    from crawler.scans.discovery import ScanDiscovery

__all__ = ["ReportOutcome", "ScanError", "ScanExtras", "ScanSummary", "run_scan"]


class ScanError(Exception):
    """The scan could not run (database, seeds, allowlist): exit status 2."""


@dataclass(frozen=True)
class ScanExtras:
    """Command-line additions to the configuration (``--allow-host``, ``--resolve``, ...)."""

    allow_hosts: tuple[str, ...] = ()
    resolve: dict[str, str] = field(default_factory=dict)
    resolve_only: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    progress_interval: float = 0.0  #: seconds between the crawl's progress lines (0: none)
    #: called after each ``[discovery]`` query (the CLI warns about failures on stderr)
    on_query: Callable[[QueryOutcome], None] | None = None


@dataclass(frozen=True)
class ReportOutcome:
    """What became of one ``[[reports]]`` entry: ``written``, ``skipped`` or ``failed``."""

    format: str
    path: str
    outcome: str
    detail: str = ""


@dataclass
class ScanSummary:
    """A finished scan: the crawl's summary, the diff, the reports."""

    config: ScanConfig
    crawl: CrawlSummary
    diff: RunDiff
    reports: list[ReportOutcome]
    discovery: ScanDiscovery | None = None

    @property
    def status(self) -> str:
        return self.crawl.status

    @property
    def newly_flagged(self) -> int:
        return len(self.diff.newly_flagged)

    @property
    def has_news(self) -> bool:
        return self.diff.has_news

    def notes(self) -> list[str]:
        """Things the analyst should know that are not part of the diff."""
        notes = self.discovery.notes() if self.discovery is not None else []
        if self.status != "finished":
            notes.append(
                f"WARNING: the crawl did not finish ({self.crawl.reason}): pages it did not "
                "reach are listed as gone, and the next scan compares with the last "
                "finished one"
            )
        if self.crawl.problem:
            notes.append(f"FETCH FAILURE: {self.crawl.problem}")
        if self.crawl.store_error:
            notes.append(f"STORE ERROR: {self.crawl.store_error}")
        return notes

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` object."""
        return {
            "config": str(self.config.path),
            "name": self.config.name,
            "run_id": self.crawl.run_id,
            "status": self.status,
            "reason": self.crawl.reason,
            "pages": self.crawl.pages,
            "verdicts": self.crawl.verdicts,
            "newly_flagged": self.newly_flagged,
            "has_news": self.has_news,
            "notes": self.notes(),
            "reports": [vars(report) for report in self.reports],
            "discovery": self.discovery.to_dict() if self.discovery is not None else None,
            "db": self.crawl.db,
            "log_file": self.crawl.log_file,
            "diff": self.diff.to_dict(),
        }

    def to_text(self) -> str:
        """The human summary; it ends with the diff."""
        crawl = self.crawl
        verdicts = ", ".join(f"{n} {v}" for v, n in crawl.verdicts.items()) or "none"
        lines = [
            (
                f"Scan {self.config.name!r}: run {crawl.run_id} {crawl.status}, "
                f"{crawl.pages} page{'s' * (crawl.pages != 1)} ({verdicts}); "
                f"{self.newly_flagged} newly flagged"
            ),
            f"  database: {crawl.db}",
            f"  log: {crawl.log_file}",
        ]
        lines += [f"  {note}" for note in self.notes()]
        lines += [_report_line(report) for report in self.reports]
        lines.append(diff_text(self.diff))
        return "\n".join(lines)


def _report_line(report: ReportOutcome) -> str:
    detail = f": {report.detail}" if report.detail else ""
    return f"  report {report.format} -> {report.path}: {report.outcome}{detail}"


# --- the scan ------------------------------------------------------------------------------------


def run_scan(config: ScanConfig, extras: ScanExtras | None = None) -> ScanSummary:
    """Run one scan of ``config``; see the module docstring.

    Raises :class:`crawler.scans.lock.ScanBusy` when another scan holds the database and
    :class:`ScanError` when the scan cannot run. Call at most once per process.
    """
    from crawler.runner import CrawlError, run_crawl

    extras = extras or ScanExtras()
    found = None
    with ScanLock(config.db, kind="scan"):
        with _stored(config.db) as store:
            _mark_killed_scans(store)
            if config.discovery is not None:
                found = _discover(store, config, extras)
        try:
            options = crawl_options(config, extras, found.urls if found else ())
            if config.redis:  # this process is the run's recorder; workers fetch
                from crawler.recorder import run_recorder

                crawl = run_recorder(options, config.redis)
            else:
                crawl = run_crawl(options)
        except CrawlError as err:
            raise ScanError(str(err)) from None
        with _stored(config.db) as store:
            if found is not None and found.summary is not None:
                store.set_discovery_crawl(found.summary.run_id, crawl.run_id)
            run = store.run(crawl.run_id)
            assert run is not None
            base = base_run(store, run)
            diff = diff_runs(
                store, None if base is None else int(base["id"]), crawl.run_id,
                brands=config.brands,
            )  # fmt: skip
            reports = write_reports(store, config, crawl.run_id)
    return ScanSummary(config, crawl, diff, reports, found)


def _discover(store: Store, config: ScanConfig, extras: ScanExtras) -> ScanDiscovery:
    from crawler.netguard import parse_allowed_host
    from crawler.scans.discovery import discover_for_scan

    allow = tuple(parse_allowed_host(h) for h in (*config.allow_hosts, *extras.allow_hosts))
    return discover_for_scan(store, config, allow, extras.on_query)


def crawl_options(
    config: ScanConfig, extras: ScanExtras, discovered: Sequence[str] = ()
) -> CrawlOptions:
    """The crawl a scan runs: the configuration's seeds (and ``discovered`` URLs) and
    limits, as a ``scan`` run."""
    from crawler.runner import CrawlOptions

    render = {"SCAMLINES_RENDER": config.render} if config.render else {}
    settings = {**config.settings, **render, **extras.settings}
    settings["SCAMLINES_SCAN_CONFIG"] = str(config.path)
    return CrawlOptions(
        kind="scan",
        seeds=tuple(dict.fromkeys((*config.seeds, *discovered))),
        db=config.db,
        allowlist=config.allowlist,
        depth=config.depth,
        max_pages=config.max_pages,
        timeout=config.timeout,
        allow_hosts=(*config.allow_hosts, *extras.allow_hosts),
        ignore_robots=config.ignore_robots,
        follow_offsite=config.follow_offsite,
        user_agent=config.user_agent,
        progress_interval=extras.progress_interval,
        resolve={**config.resolve, **extras.resolve},
        resolve_only=config.resolve_only or extras.resolve_only,
        jobdir=_jobdir(config),
        settings=settings,
    )


def _jobdir(config: ScanConfig) -> Path:
    # One Scrapy job folder per database and configuration file, apart from crawls' folders.
    key = hashlib.sha256(str(config.path).encode()).hexdigest()[:16]
    return config.db.parent / f"{config.db.name}.state" / "jobs" / f"scan-{key}"


@contextlib.contextmanager
def _stored(path: Path) -> Iterator[Store]:
    """The store, with its errors turned into :class:`ScanError`."""
    try:
        store = open_store(path)
    except StoreError as err:
        raise ScanError(str(err)) from None
    try:
        yield store
    except StoreError as err:
        raise ScanError(str(err)) from None
    finally:
        store.close()


def _mark_killed_scans(store: Store) -> None:
    """Scans and rescans still ``running``: we hold the lock, so their process is gone."""
    for run in store.runs():
        if run["status"] == "running" and run["kind"] in ("scan", "rescan"):
            store.mark_killed(run["id"])


# --- reports -------------------------------------------------------------------------------------


def write_reports(store: Store, config: ScanConfig, run_id: int) -> list[ReportOutcome]:
    """Write each ``[[reports]]`` entry: the flagged and suspicious findings this scan saw
    (for the configured brands), rendered by ``reports.formats.render_report``."""
    if not config.reports:
        return []
    try:
        from reports.formats import render_report
        from reports.rows import Filters
    except ImportError:
        reason = "report writing is not available in this scamlines (no reports.formats)"
        return [ReportOutcome(r.format, str(r.path), "skipped", reason) for r in config.reports]
    filters = scan_filters(Filters, run_id, config.brands)
    outcomes = []
    for spec in config.reports:
        try:
            rendered = render_report(store, spec.format, filters)
            spec.path.parent.mkdir(parents=True, exist_ok=True)
            spec.path.write_text(rendered.text, encoding="utf-8", newline="")  # CSV keeps \r\n
        except Exception as err:  # noqa: BLE001 - a broken report must not hide the scan's results
            detail = f"{type(err).__name__}: {err}"
            outcomes.append(ReportOutcome(spec.format, str(spec.path), "failed", detail))
            continue
        count = f"{rendered.count} row{'s' * (rendered.count != 1)}"
        outcomes.append(ReportOutcome(spec.format, str(spec.path), "written", count))
    return outcomes


def scan_filters(filters_class: Any, run_id: int, brands: tuple[str, ...]) -> Any:
    """``reports.rows.Filters`` for this scan's findings (those ``run_id`` saw: it is the
    latest run) of ``brands``. ``Filters`` takes one brand; several are checked on top."""
    if len(brands) <= 1:
        return filters_class(since_run=run_id, brand=brands[0] if brands else None)
    return _AnyOfBrands(filters_class(since_run=run_id), frozenset(brands))


class _AnyOfBrands:
    """A report filter: ``base``, and the finding's brand one of ``brands``."""

    def __init__(self, base: Any, brands: frozenset[str]) -> None:
        self.base = base
        self.brands = brands

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)

    def keeps(self, finding: dict[str, Any]) -> bool:
        return finding["brand"] in self.brands and bool(self.base.keeps(finding))

    def describe(self) -> str:
        return f"{self.base.describe()}, brands {', '.join(sorted(self.brands))}"
