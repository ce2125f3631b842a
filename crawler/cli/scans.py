"""``scamlines scan|diff|numbers|triage|rescan``: scheduled scans and what changed between runs.

Library code lives in :mod:`crawler.scans` (scan, history, clusters, triage, rescan); these
commands parse options, call it, and print. Exit statuses: 0 ok, 1 newly flagged findings
(``scan --fail-on-new``), 2 error (bad configuration, another scan running, missing database,
unknown run).
"""

from __future__ import annotations

import functools
import json
import sys
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.common import (
    InputError,
    allowed_hosts,
    allowlist_option,
    db_option,
    echo_summary,
    format_option,
    open_store_file,
    plural,
    resolve_pins,
    setting_values,
    summary_format_option,
)
from crawler.cli.findings import finding_filter_options, finding_query, selected
from crawler.cli.renderopts import render_option, with_render

if TYPE_CHECKING:
    from allowlist import Selection

_history_db_option = db_option("The SQLite store scans wrote.")


def _history_store(db: str) -> Any:
    """Open an existing store for the history commands (a missing file is exit 2)."""
    return open_store_file(db, "scamlines scan --config FILE")


@click.command("scan")
@click.option("--config", "config_path", required=True, metavar="FILE",
              type=click.Path(dir_okay=False), help="The scan's TOML file (examples/scan.toml).")
@summary_format_option
@click.option("--quiet", "-q", is_flag=True,
              help="Print nothing when nothing is new or back and the scan finished (cron).")
@click.option("--fail-on-new", is_flag=True,
              help="Exit 1 when a finding is newly flagged (new, back, or turned flagged).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST[:PORT]",
              help="Also let the scan reach this private/loopback host (repeatable).")
@click.option("--resolve", "resolve", multiple=True, metavar="HOST=ADDR",
              help="Connect to HOST at ADDR without DNS (repeatable), as crawl --resolve.")
@click.option("--resolve-only", is_flag=True, help="Send no DNS queries (as crawl).")
@click.option("--set", "set_values", multiple=True, metavar="NAME=VALUE",
              help="Any Scrapy or SCAMLINES_* setting (repeatable), over the file's [crawl].")
@render_option
def scan_command(config_path: str, output_format: str, quiet: bool, fail_on_new: bool,
                 allow_hosts: tuple[str, ...], resolve: tuple[str, ...], resolve_only: bool,
                 set_values: tuple[str, ...], render: str | None) -> None:
    """Scan a watch list (for cron) and report what is new, still, gone or back.

    Everything comes from the configuration FILE: seeds, limits, database, allowlist, the
    brands to report on, reports to write. Relative paths in it are relative to the file,
    so the scan runs the same from any directory. Only one scan (or rescan) runs on a
    database at a time: a second one exits 2 at once, naming the pid holding it.

    A [discovery] table searches first (as `scamlines discover`) and adds the candidate
    URLs to the seeds; a failing search is reported and the seeds are crawled anyway.
    Progress goes to stderr (not with --quiet). The summary ends with the diff against the
    previous finished scan of the same file (see `scamlines diff`). Ctrl-C or SIGTERM stops
    the crawl within seconds and prints the summary of what it kept. Exit status: 0 ok; 1
    with --fail-on-new when a finding is newly flagged; 2 for errors (configuration, lock,
    database, a failed crawl, nothing fetched or most fetches failed: printed even with
    --quiet).
    """
    from crawler.scans.config import ScanConfigError, load_scan_config
    from crawler.scans.lock import ScanBusy
    from crawler.scans.scan import ScanError, ScanExtras, run_scan

    allowed_hosts(allow_hosts)  # a typo is a usage error now; the scan takes the strings
    try:
        config = load_scan_config(config_path)
    except ScanConfigError as error:
        raise InputError(f"the scan configuration has problems:\n{error}") from None
    def warn(outcome: Any) -> None:  # a [discovery] query that failed, as discover says it
        if not quiet and not outcome.worked:
            click.echo(f"warning: discovery: \"{outcome.query}\": {outcome.error}", err=True)

    extras = ScanExtras(allow_hosts, resolve_pins(resolve), resolve_only,
                        with_render(setting_values(set_values), render),
                        progress_interval=0.0 if quiet else 5.0, on_query=warn)
    try:
        summary = run_scan(config, extras)
    except (ScanBusy, ScanError) as error:
        raise InputError(str(error)) from None
    problem = summary.crawl.problem
    if not quiet or summary.has_news or summary.status != "finished" or problem:
        echo_summary(summary, output_format)
    if summary.status == "failed" or problem:
        click.echo(f"Error: the scan failed ({problem or summary.crawl.reason})", err=True)
        sys.exit(2)
    sys.exit(1 if fail_on_new and summary.newly_flagged else 0)


@click.command("diff")
@click.argument("runs", nargs=-1, type=int, metavar="[RUN_A RUN_B]")
@_history_db_option
@click.option("--brand", "brands", multiple=True, metavar="NAME",
              help="Only findings and numbers for this brand (repeatable).")
@format_option
def diff_command(runs: tuple[int, ...], db: str, brands: tuple[str, ...],
                 output_format: str) -> None:
    """What changed from run RUN_A to the later run RUN_B.

    Pages, findings (page x brand) and numbers are still (in both runs), gone (in RUN_A,
    not RUN_B), back (in RUN_B, not RUN_A, but seen by a run older than RUN_A) or new (in
    RUN_B and seen by no run older than RUN_A). Only finished runs count as older sightings:
    killed and failed runs are ignored. A page answering 404 is gone. Findings carry their
    verdicts in both runs and their triage status. Default: the latest finished scan or
    rescan against the run before it (same config file); one RUN: that run against the run
    before it. Exit 2 for an unknown run or a missing database.
    """
    from crawler.scans.difftext import diff_text
    from crawler.scans.history import HistoryError, default_pair, diff_runs
    from crawler.store import StoreError

    if len(runs) > 2:
        raise click.UsageError("give no run, one run, or two runs (RUN_A RUN_B)")
    from crawler.store.filters import FilterError, resolve_brand

    store = _history_store(db)
    try:
        # --brand in any case, an unknown one exit 2: the same words as report and numbers.
        brands = tuple(resolve_brand(brand, store.brands_found()) for brand in brands)
        before, after = runs if len(runs) == 2 else default_pair(store, *runs)
        diff = diff_runs(store, before, after, brands=brands)
    except (HistoryError, StoreError, FilterError) as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    if output_format == "json":
        click.echo(json.dumps(diff.to_dict(), ensure_ascii=False))
    else:
        click.echo(diff_text(diff))


@click.command("numbers")
@click.option("--min-pages", default=1, show_default=True, type=click.IntRange(1),
              help="Only numbers seen on at least this many pages.")
@click.option("--brand", default=None, metavar="NAME",
              help="Only numbers shown for this brand (any case), with all their pages.")
@_history_db_option
@format_option
def numbers_command(min_pages: int, brand: str | None, db: str, output_format: str) -> None:
    """Phone numbers with every page, domain and brand they were seen on (clusters).

    Most widespread first. Per page: its verdict, whether its latest run still showed the
    number (now) or not (gone), the number's status there, the findings citing it with
    their triage status, the brands, when last seen. FLAGGED: some page flags it and no
    analyst dismissed it there as a false positive. Exit 2 for an unknown brand (the known
    ones are listed) or a missing database.
    """
    from crawler.scans.clusters import number_clusters
    from crawler.store import StoreError
    from crawler.store.filters import FilterError

    store = _history_store(db)
    try:
        clusters = number_clusters(store, min_pages, brand)
    except (FilterError, StoreError) as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    for cluster in clusters:
        if output_format == "json":
            click.echo(json.dumps(cluster.to_dict(), ensure_ascii=False))
        else:
            click.echo(cluster.to_text() + "\n")
    if not clusters and output_format == "text":
        shown = f" shown for {brand}" if brand else ""
        click.echo(f"no number{shown} seen on {plural(min_pages, 'page')} or more")


@click.command("triage")
@click.argument("finding_ids", nargs=-1, type=int, metavar="[FINDING_ID...]")
@click.option("--status", required=True,
              type=click.Choice(["confirmed", "false_positive", "reported", "resolved"]),
              help="Your decision on the findings.")
@click.option("--note", default=None, metavar="TEXT", help="Why (kept with each finding).")
@functools.partial(finding_filter_options, status=False)
@click.option("--dry-run", is_flag=True, help="List the findings it would change; change none.")
@_history_db_option
def triage_command(finding_ids: tuple[int, ...], status: str, note: str | None, db: str,
                   dry_run: bool, verdicts: tuple[str, ...], **filters: Any) -> None:
    """Record your decision on findings: by id (ids are in findings, diff and numbers output),
    or every finding a filter selects (--number, --domain, --brand, with --verdict/--since).

    With filters only flagged and suspicious findings are selected unless --verdict says
    otherwise; ids and filters together select the ids that pass the filters. Prints each
    finding changed and how many. false_positive also remembers the numbers each finding
    shows now: later scans and rescans still record it, but show its verdict as
    false_positive and do not count it as newly flagged, until the page shows a number you
    did not dismiss. Exit 2 for an unknown finding or filter; Ctrl-C keeps the decisions
    already recorded and says how many (exit 1).
    """
    from crawler.scans.triage import TriageError, triage_many
    from crawler.store import StoreError

    query = finding_query(verdicts if (verdicts or not finding_ids) else ("all",),
                          ids=finding_ids, **filters)
    if not finding_ids and not query.narrowed:
        raise click.UsageError("name findings by id, or select them with --number, --domain, "
                               "--brand or --since")
    store = _history_store(db)
    try:
        unknown = [str(i) for i in finding_ids if store.finding(i) is None]
        if unknown:
            raise InputError(f"{db}: no finding {', '.join(unknown)}")
        chosen = selected(store, query)
        if dry_run:
            for finding in chosen:
                click.echo(f"would set {status}: {_triage_line(finding)}")
            click.echo(f"{plural(len(chosen), 'finding')} would be set to {status} (dry run)")
            return
        outcome = triage_many(store, chosen, status, note)
    except (TriageError, StoreError) as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    for finding in outcome.changed:
        numbers = ", ".join(finding["numbers"] or []) or "no number"
        dismissed = f"; dismissed on this page: {numbers}" if status == "false_positive" else ""
        click.echo(f"{_triage_line(finding)}: {status}{dismissed}")
    already = f" ({len(outcome.unchanged)} already {status})" if outcome.unchanged else ""
    click.echo(f"{plural(len(outcome.changed), 'finding')} changed to {status}{already}")
    if outcome.interrupted:
        click.echo(f"interrupted: {len(chosen) - len(outcome.changed) - len(outcome.unchanged)}"
                   " findings left as they were", err=True)
        sys.exit(1)


def _triage_line(finding: dict[str, Any]) -> str:
    from crawler.scans.terminal import for_terminal

    return f"finding #{finding['id']} ({for_terminal(finding['brand']) or 'no brand'}, " \
           f"{for_terminal(finding['url'])})"  # fmt: skip


@click.command("rescan")
@_history_db_option
@allowlist_option
@click.option("--run", "base_run", type=int, default=None, metavar="RUN",
              help="Re-analyse the pages this run captured. Default: the latest finished run.")
@click.option("--all", "all_pages", is_flag=True,
              help="Re-analyse every stored page (latest capture of each) instead; the diff "
                   "then lists pages the base run did not see as back.")
@format_option
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")
def rescan_command(db: str, allowlist_layers: Selection, base_run: int | None, all_pages: bool,
                   output_format: str, quiet: bool) -> None:
    """Re-judge stored pages with the current allowlist and detector, fetching nothing.

    Records a new run (kind rescan) over the same captures and prints its diff against the
    run it re-analysed: after adding a verified number to the allowlist, the findings it
    cleared show as "still flagged -> clean". Takes the database's scan lock. Ctrl-C (or
    SIGTERM) keeps the pages re-analysed so far in a run recorded as interrupted (exit 1).
    """
    from pathlib import Path

    from crawler.scans.lock import ScanBusy
    from crawler.scans.rescan import RescanError, run_rescan
    from crawler.ticker import Ticker

    _history_store(db).close()  # a missing or foreign database is exit 2 before the lock
    try:
        summary = run_rescan(Path(db).resolve(), allowlist_layers, base_run=base_run,
                             all_pages=all_pages,
                             on_progress=None if quiet else Ticker("rescan", "pages"))
    except (RescanError, ScanBusy) as error:
        raise InputError(str(error)) from None
    echo_summary(summary, output_format)
    if summary.interrupted:
        sys.exit(1)
