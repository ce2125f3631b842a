"""Re-judge stored pages with the current allowlist and detector, without fetching anything.

``run_rescan(db)`` re-analyses the bodies a finished run captured (by default the latest
finished run of any kind; ``base_run`` to choose; ``all_pages`` for each page's most recent
capture instead) and records the verdicts as a new run of kind ``rescan``: its
``page_runs``/``finding_runs``/``number_runs`` point at the same captures, so
``scamlines diff BASE RESCAN`` (printed at the end) shows exactly what the allowlist or
detector change did — a finding ``still flagged -> clean`` after a number was verified.

A page whose body was not stored (over the size cap), is not a web page, answered an HTTP
error (400 or more), or that the detector declines keeps the base run's record unchanged. Number reputation
(:mod:`crawler.scans.reputation`) counts the runs before the one that captured each page, as the
crawl did, so a rescan with an unchanged allowlist changes nothing.

Ctrl-C or SIGTERM stops it between pages (:mod:`crawler.interrupts`): the pages re-analysed so
far are recorded and the run is ``interrupted``, which no diff takes as a base.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.interrupts import Stop, keep_going, stoppable
from crawler.scans.difftext import diff_text
from crawler.scans.history import RunDiff, diff_runs
from crawler.scans.lock import ScanLock
from crawler.scans.reputation import apply_reputation
from crawler.store import Store, StoreError, open_store

if TYPE_CHECKING:
    from allowlist import Selection
    from detector.report import PageReport

__all__ = ["RescanError", "RescanSummary", "run_rescan"]

logger = logging.getLogger(__name__)

#: Pages recorded per transaction.
BATCH = 50

_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


class RescanError(Exception):
    """Nothing to rescan, or a database or allowlist that cannot be used: exit status 2."""


@dataclass
class RescanSummary:
    """What ``scamlines rescan`` prints: counts, then the diff against the base run."""

    run_id: int
    base_run_id: int
    analysed: int = 0
    kept: int = 0  #: pages carried forward unchanged (no stored body, not a page)
    verdicts: dict[str, int] = field(default_factory=dict)
    elapsed_seconds: float = 0.0
    diff: RunDiff | None = None
    #: Stopped by Ctrl-C or SIGTERM: the pages done are recorded, the run is ``interrupted``.
    interrupted: bool = False

    @property
    def status(self) -> str:
        return "interrupted" if self.interrupted else "finished"

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "base_run_id": self.base_run_id,
            "status": self.status,
            "analysed": self.analysed,
            "kept": self.kept,
            "verdicts": dict(sorted(self.verdicts.items())),
            "elapsed_seconds": round(self.elapsed_seconds, 2),
            "diff": self.diff.to_dict() if self.diff else None,
        }

    def to_text(self) -> str:
        verdicts = ", ".join(f"{n} {v}" for v, n in sorted(self.verdicts.items())) or "none"
        stopped = " interrupted" if self.interrupted else ""
        lines = [
            (
                f"Rescan run {self.run_id} of run {self.base_run_id}{stopped}: {self.analysed} "
                f"pages re-analysed ({verdicts}), {self.kept} kept as recorded, in "
                f"{self.elapsed_seconds:.1f}s"
            ),
        ]
        if self.interrupted:
            lines.append("  not compared with its base run: run rescan again for every page")
        if self.diff is not None:
            lines.append(diff_text(self.diff))
        return "\n".join(lines)


def run_rescan(
    db: Path,
    layers: Selection | None = None,
    *,
    base_run: int | None = None,
    all_pages: bool = False,
    timeout: float = 30.0,
    on_progress: Callable[[int, int], None] | None = None,
) -> RescanSummary:
    """Re-analyse stored pages into a new ``rescan`` run; see the module docstring.

    ``on_progress(done, total)`` is called after each batch of pages (the CLI's progress).

    Holds the database's scan lock (raises :class:`crawler.scans.lock.ScanBusy`); raises
    :class:`RescanError` for an unknown run, an empty database or a bad allowlist.
    """
    import allowlist

    db = Path(db).resolve()  # the same lock file as a scan's, whatever the spelling
    layers = layers or allowlist.Selection()
    try:
        loaded = layers.load()
    except allowlist.AllowlistError as err:
        raise RescanError(f"{layers.describe()}: {err}") from None
    with ScanLock(db, kind="rescan"):
        try:
            with open_store(db, timeout=timeout) as store:
                return _rescan(store, loaded, base_run, all_pages, on_progress)
        except StoreError as err:
            raise RescanError(str(err)) from None


def _rescan(store: Store, loaded: Any, base_run: int | None, all_pages: bool,
            on_progress: Callable[[int, int], None] | None = None) -> RescanSummary:
    for run in store.runs():
        if run["status"] == "running" and run["kind"] in ("scan", "rescan"):
            store.mark_killed(run["id"])  # we hold the lock: its process is gone
    base = _base(store, base_run)
    started = time.monotonic()
    settings = {
        "base_run": base["id"],
        "all_pages": all_pages,
        # A rescan stands in for its base in the next scan's diff.
        "SCAMLINES_SCAN_CONFIG": (base.get("settings") or {}).get("SCAMLINES_SCAN_CONFIG"),
    }
    run_id = store.start_run("rescan", [], settings, loaded)
    summary = RescanSummary(run_id, int(base["id"]))
    targets: list[dict[str, Any]] = []

    def kept() -> str:  # in the signal handler: counters only
        done = summary.analysed + summary.kept
        return f"{done} of {len(targets)} pages re-analysed are kept in rescan run {run_id}"

    try:
        with stoppable(kept, keep_going) as stop:
            targets = store.rescan_targets(None if all_pages else int(base["id"]))
            for start in range(0, len(targets), BATCH):
                batch = _batch(store, targets[start : start + BATCH], loaded, stop)
                store.record_reanalyses(run_id, batch)
                _count(summary, batch)
                if on_progress is not None:
                    on_progress(start + len(batch), len(targets))
                if stop.requested:
                    break
    except BaseException:
        store.finish_run(run_id, "failed", _stats(summary), "error")
        raise
    summary.elapsed_seconds = time.monotonic() - started
    if stop.requested:  # what was re-analysed is recorded; a diff would call the rest gone
        summary.interrupted = True
        store.finish_run(run_id, "interrupted", _stats(summary), "shutdown")
        return summary
    store.finish_run(run_id, "finished", _stats(summary), "finished")
    summary.diff = diff_runs(store, int(base["id"]), run_id)
    return summary


def _batch(
    store: Store, targets: list[dict[str, Any]], loaded: Any, stop: Stop
) -> list[tuple[dict[str, Any], PageReport | None]]:
    """The new reports on ``targets``, up to a stop (Ctrl-C, SIGTERM) between pages."""
    batch = []
    for target in targets:
        if stop.requested:
            break
        batch.append((target, _report(store, target, loaded)))
    return batch


def _base(store: Store, base_run: int | None) -> dict[str, Any]:
    if base_run is None:
        base = store.latest_finished_run()
        if base is None:
            raise RescanError(f"{store.path}: no finished run to rescan")
        return base
    base = store.run(base_run)
    if base is None:
        raise RescanError(f"{store.path}: no run {base_run}")
    return base


def _report(store: Store, target: dict[str, Any], loaded: Any) -> PageReport | None:
    """The new report on one stored capture, or None to keep it as recorded."""
    import detector

    content_type = (target["content_type"] or "").split(";", 1)[0].strip().lower()
    if not target["has_body"] or content_type not in _TEXT_TYPES:
        return None
    if (target["http_status"] or 0) >= 400:
        return None  # an error page is recorded, never judged (as in the crawl)
    body = store.body(target["body_sha256"])
    if body is None:
        return None
    url = target["final_url"] or target["url"]
    try:
        report = detector.analyze(
            body, url=url, allowlist=loaded, content_type=target["content_type"]
        )
    except detector.UnsupportedContent:
        return None
    except Exception:  # a detector bug must cost one page, not the rescan
        logger.exception("Detector failed on %s", url)
        return None
    return apply_reputation(store, report, url=target["url"], before_run=target["capture_run"])


def _count(summary: RescanSummary, batch: list[tuple[dict[str, Any], PageReport | None]]) -> None:
    for _, report in batch:
        if report is None:
            summary.kept += 1
        else:
            summary.analysed += 1
            summary.verdicts[report.verdict] = summary.verdicts.get(report.verdict, 0) + 1


def _stats(summary: RescanSummary) -> dict[str, Any]:
    return {"analysed": summary.analysed, "kept": summary.kept, "verdicts": summary.verdicts}
