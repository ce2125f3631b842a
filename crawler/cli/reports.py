"""``scamlines report`` and ``scamlines takedown``: exports from the store, over :mod:`reports`."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.common import (
    InputError,
    allowlist_option,
    db_option,
    load_allowlist,
    open_store_file,
    plural,
)

if TYPE_CHECKING:
    from allowlist import Selection

# Choices are spelled out here so that ``--help`` does not import the store; a test checks
# they match crawler.store.FINDING_STATUSES and detector.report.VERDICTS.
_REPORT_FORMATS = ("csv", "jsonl", "html", "md", "misp")
_REPORT_VERDICTS = ("flagged", "suspicious", "clean", "official")
_FINDING_STATUSES = ("new", "confirmed", "reported", "resolved", "false_positive")

_db_option = db_option("The SQLite store a crawl wrote.")
_quiet_option = click.option("--quiet", "-q", is_flag=True,
                             help="No progress lines or summary on stderr.")


def _open_existing_store(db: str) -> Any:
    """Open a store that must already exist and hold at least one run (else exit 2)."""
    store = open_store_file(db, f"scamlines crawl --db {db} ...")
    if not store.runs():
        store.close()
        raise InputError(f"{db}: the store is empty (no crawl or scan has been recorded)")
    return store


@click.command("report")
@click.option("--format", "output_format", type=click.Choice(_REPORT_FORMATS), required=True,
              help="csv (spreadsheet-safe), jsonl, html (one self-contained file), "
                   "md (summary), misp (MISP events, one JSON object per line).")
@_db_option
@click.option("--since", default=None, metavar="RUN_ID|DATE",
              help="Only findings seen by this run or later, or at/after this UTC date/time.")
@click.option("--brand", default=None, metavar="NAME", help="Only findings for this brand.")
@click.option("--verdict", "verdicts", multiple=True,
              type=click.Choice([*_REPORT_VERDICTS, "all"]),
              help="Only these verdicts (repeatable). Default: flagged and suspicious.")
@click.option("--status", "statuses", multiple=True, type=click.Choice(_FINDING_STATUSES),
              help="Only findings with this analyst status (repeatable).")
@click.option("--group", type=click.Choice(["run", "brand"]), default=None,
              help="misp only: one event per run (default) or per brand.")
@click.option("-o", "--output", default=None, metavar="FILE", type=click.Path(dir_okay=False),
              help="Write here instead of stdout.")
@_quiet_option
def report_command(output_format: str, db: str, since: str | None, brand: str | None,
                   verdicts: tuple[str, ...], statuses: tuple[str, ...], group: str | None,
                   output: str | None, quiet: bool) -> None:
    """Export findings from the store: one row per finding and number.

    CSV cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
    get a leading ', so E.164 numbers read '+18885550142 there; JSON Lines and MISP carry
    the plain number. Page text is escaped in HTML and Markdown, and URLs are never links.
    Progress goes to stderr every 5 s over a large store, and with -o a last line says what
    was written (neither with --quiet).
    Exit 2 for a missing or empty store, an unknown run, date or brand; 1 when Ctrl-C (or
    SIGTERM) stopped it before the report was written.
    """
    from crawler.interrupts import stoppable
    from crawler.store.filters import FilterError
    from reports.formats import render_report

    if group is not None and output_format != "misp":
        raise click.UsageError("--group applies to --format misp only")
    started = time.monotonic()
    on_read, on_written = _report_progress(quiet)
    store = _open_existing_store(db)
    try:
        filters = _report_filters(store, since, brand, verdicts, statuses)
        with stoppable(lambda: "no report written"):  # Ctrl-C, SIGTERM: exit 1
            rendered = render_report(store, output_format, filters, group=group or "run",
                                     on_read=on_read, on_written=on_written)
    except FilterError as error:  # ReportError too
        raise InputError(str(error)) from None
    finally:
        store.close()
    _emit(rendered.text, output)
    if not rendered.count:
        click.echo("note: no finding matches these filters", err=True)
    if output is not None and not quiet:
        events = f" in {plural(rendered.count, 'MISP event')}" if output_format == "misp" else ""
        click.echo(f"report: {rendered.findings:,} finding{'' if rendered.findings == 1 else 's'}"
                   f"{events} written to {output} in {time.monotonic() - started:.1f} s",
                   err=True)


def _report_progress(quiet: bool) -> tuple[Any, Any]:
    """``(on_read, on_written)`` for :func:`reports.formats.render_report`: one ticker,
    ``[0:05] report: 1200 of 5000 findings read``, then ``... findings written``."""
    if quiet:
        return None, None
    from crawler.ticker import Ticker

    ticker = Ticker("report", "findings read")

    def written(done: int, total: int | None) -> None:
        ticker.unit = "findings written"
        ticker(done, total)

    return ticker, written


def _report_filters(store: Any, since: str | None, brand: str | None,
                    verdicts: tuple[str, ...], statuses: tuple[str, ...]) -> Any:
    """The report's filters from the options (unknown run, date or brand: FilterError)."""
    from reports.rows import DEFAULT_VERDICTS, Filters, parse_since, resolve_brand

    since_run, since_time = parse_since(store, since) if since else (None, None)
    if brand is not None:
        brand = resolve_brand(brand, (finding["brand"] for finding in store.findings()))
    wanted = () if "all" in verdicts else (verdicts or DEFAULT_VERDICTS)
    return Filters(verdicts=tuple(wanted), statuses=statuses, brand=brand,
                   since_run=since_run, since_time=since_time)


def _emit(text: str, output: str | None) -> None:
    """Write to FILE (exactly these characters) or to stdout."""
    from pathlib import Path

    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with Path(output).open("w", encoding="utf-8", newline="") as stream:
            stream.write(text)
    except OSError as error:
        raise InputError(f"{output}: cannot write: {error.strerror}") from None


@click.command("takedown")
@click.option("--domain", default=None, metavar="D", help="Package every flagged page on this "
              "host or domain.")
@click.option("--number", default=None, metavar="N", help="Package this number and the pages "
              "advertising it.")
@click.option("--finding", "finding_id", type=int, default=None, metavar="ID",
              help="Package one finding (its site and its numbers).")
@click.option("-o", "--output", "out", required=True, metavar="DIR",
              type=click.Path(file_okay=False), help="A new (or empty) folder for the packages.")
@_db_option
@allowlist_option
@click.option("--reporter", default=None, metavar="NAME", help="Who signs the notices.")
@click.option("--contact", default=None, metavar="EMAIL", help="Where replies should go.")
@click.option("--rdap", "use_rdap", is_flag=True,
              help="Look up the domain's abuse contact over RDAP (sends the domain to rdap.org; "
                   "5 s timeout). Default: a placeholder to fill in.")
@_quiet_option
def takedown_command(domain: str | None, number: str | None, finding_id: int | None, out: str,
                     db: str, allowlist_layers: Selection, reporter: str | None,
                     contact: str | None, use_rdap: bool, quiet: bool) -> None:
    """Write takedown packages: one per offending site and one per number.

    Each holds a notice (to the host or registrar abuse desk, or to the number's carrier or
    toll-free RespOrg), the brand's real contact channels from the allowlist, the evidence
    (captured page, SHA-256, capture time, headers, redirect chain, the number in context)
    and manifest.json + SHA256SUMS (check with: cd DIR && sha256sum -c SHA256SUMS).
    Packaged findings get the status 'reported'. Progress goes to stderr every 5 s over many
    pages, then a line with the time taken (neither with --quiet). Exit 2 when nothing matches;
    1 when Ctrl-C (or SIGTERM) stopped it (remove the unfinished folder, then run it again).
    """
    from pathlib import Path

    from crawler.interrupts import stoppable
    from crawler.store import StoreError
    from crawler.ticker import Ticker
    from reports.takedown import Sender, TakedownError, Target, make_takedown

    if sum(value is not None for value in (domain, number, finding_id)) != 1:
        raise click.UsageError("give exactly one of --domain, --number or --finding")
    started = time.monotonic()
    al = load_allowlist(allowlist_layers)
    store = _open_existing_store(db)
    unfinished = f"no finding marked reported; remove {out} before running again"
    try:
        with stoppable(lambda: unfinished):  # Ctrl-C, SIGTERM: exit 1
            packages = make_takedown(
                store, al, Target(domain=domain, number=number, finding_id=finding_id),
                Path(out), sender=Sender(reporter, contact), use_rdap=use_rdap,
                on_progress=None if quiet else Ticker("takedown", "page evidence folders"),
            )  # fmt: skip
    except (TakedownError, StoreError) as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    for package in packages:
        ids = ", ".join(str(i) for i in package.finding_ids)
        click.echo(f"{package.folder}/  {package.kind} {package.target}  (findings {ids})")
    marked = len({i for package in packages for i in package.finding_ids})
    click.echo(f"{plural(marked, 'finding')} marked reported in {db}. "
               f"Verify with: cd {out} && sha256sum -c SHA256SUMS")
    if not quiet:
        click.echo(f"takedown: {plural(len(packages), 'package')} for {marked:,} finding"
                   f"{'' if marked == 1 else 's'} written to {out} in "
                   f"{time.monotonic() - started:.1f} s", err=True)
