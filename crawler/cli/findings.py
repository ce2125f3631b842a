"""``scamlines findings`` and ``scamlines show``: read what the store holds, from the terminal.

Library code: :mod:`crawler.scans.findings` (the filtered list) and :mod:`crawler.scans.show`
(one page's evidence). Exit statuses: 0 ok (an empty list too), 2 a missing or foreign
database, an unknown run, date, brand, finding, page or URL.
"""

from __future__ import annotations

import json
from typing import Any

import click

from crawler.cli.common import InputError, db_option, open_store_file

# Spelled out so that --help does not import the store; a test checks them against it.
_VERDICTS = ("flagged", "suspicious", "clean", "official")
_STATUSES = ("new", "confirmed", "reported", "resolved", "false_positive")

_db_option = db_option("The SQLite store a crawl or scan wrote.")


def finding_filter_options(command: Any, *, status: bool = True) -> Any:
    """``--brand``, ``--verdict``, ``--status``, ``--since``, ``--number``, ``--domain``:
    the selection ``findings`` lists and ``triage`` changes in bulk (``triage`` has its own
    ``--status``: ``status=False`` leaves that filter out)."""
    options = [
        click.option("--brand", default=None, metavar="NAME",
                     help="Only findings for this brand (any case)."),
        click.option("--verdict", "verdicts", multiple=True,
                     type=click.Choice([*_VERDICTS, "all"]),
                     help="Only these verdicts (repeatable). Default: flagged and suspicious."),
        click.option("--status", "statuses", multiple=True, type=click.Choice(_STATUSES),
                     help="Only findings with this analyst status (repeatable)."),
        click.option("--since", default=None, metavar="RUN|DATE",
                     help="Only findings seen by this run or later, or at/after this UTC date."),
        click.option("--number", default=None, metavar="N",
                     help="Only findings showing this number (any format; +1 assumed)."),
        click.option("--domain", default=None, metavar="D",
                     help="Only findings on this domain or host (or a host under it)."),
    ]  # fmt: skip
    if not status:
        del options[2]
    for option in reversed(options):
        command = option(command)
    return command


def finding_query(verdicts: tuple[str, ...], **values: Any) -> Any:
    """A :class:`crawler.scans.findings.FindingQuery` from the filter options."""
    from crawler.scans.findings import DEFAULT_VERDICTS, FindingQuery

    chosen = () if "all" in verdicts else (verdicts or DEFAULT_VERDICTS)
    return FindingQuery(verdicts=tuple(chosen), **values)


def selected(store: Any, query: Any) -> list[dict[str, Any]]:
    """The findings ``query`` selects; a bad filter is exit 2 (the caller closes the store)."""
    from crawler.scans.findings import select_findings
    from crawler.store import StoreError
    from crawler.store.filters import FilterError

    try:
        return select_findings(store, query)
    except (FilterError, StoreError) as error:
        raise InputError(str(error)) from None


@click.command("findings")
@finding_filter_options
@click.option("--limit", type=click.IntRange(1), default=None, metavar="N",
              help="At most N findings (the newest).")
@_db_option
@click.option("--format", "output_format", type=click.Choice(["text", "json", "csv"]),
              default="text", show_default=True,
              help="json: one object per line; csv: spreadsheet-safe, with a header.")
def findings_command(brand: str | None, verdicts: tuple[str, ...], statuses: tuple[str, ...],
                     since: str | None, number: str | None, domain: str | None,
                     limit: int | None, db: str, output_format: str) -> None:
    """List the findings in the store, newest first, one line each.

    Each line: finding id, verdict, score, analyst status, brand, numbers, URL, when last
    seen. The ids are what triage, show and takedown --finding take. CSV cells that a
    spreadsheet would run as a formula get a leading ' (E.164 numbers read '+1...).
    Exit 2 for a missing database, an unknown run, date or brand.
    """
    from crawler.scans.findings import CSV_COLUMNS, FindingLine

    query = finding_query(verdicts, statuses=statuses, brand=brand, since=since,
                          number=number, domain=domain, limit=limit)
    store = open_store_file(db, f"scamlines crawl --db {db} ...")
    try:
        lines = [FindingLine.from_row(row) for row in selected(store, query)]
    finally:
        store.close()
    if output_format == "csv":
        from reports.csvsafe import write_rows

        write_rows(click.get_text_stream("stdout"), CSV_COLUMNS, (ln.csv_row() for ln in lines))
    elif output_format == "json":
        for line in lines:
            click.echo(json.dumps(line.to_dict(), ensure_ascii=False))
    else:
        for line in lines:
            click.echo(line.to_text())
    if not lines:
        click.echo("note: no finding matches these filters", err=True)


@click.command("show")
@click.argument("ref", metavar="FINDING_ID|page:ID|URL")
@_db_option
@click.option("--body", "with_body", is_flag=True,
              help="Also print the captured page as text (decompressed, never rendered).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="json: one object.")
def show_command(ref: str, db: str, with_body: bool, output_format: str) -> None:
    """Everything recorded about a page: by finding id (12), page id (page:5) or URL.

    The page and its final URL, every capture (time, HTTP status, redirects, headers, body
    SHA-256), its findings with their reasons, every sighting with its context, the triage
    history and takedowns. --body adds the captured page as text, with terminal control
    sequences removed (scam pages choose their bytes). Exit 2 when nothing matches.
    """
    from crawler.scans.show import ShowError, page_record
    from crawler.store import StoreError

    store = open_store_file(db, f"scamlines crawl --db {db} ...")
    try:
        record = page_record(store, ref, body=with_body)
    except (ShowError, StoreError) as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    if output_format == "json":
        click.echo(json.dumps(record.to_dict(), ensure_ascii=False))
    else:
        click.echo(record.to_text())
