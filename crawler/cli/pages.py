"""``scamlines check`` and ``scamlines eval``: one page at a time, over :mod:`crawler.checks`."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.common import (
    InputError,
    allowed_hosts,
    allowlist_option,
    format_option,
    load_allowlist,
)

if TYPE_CHECKING:
    from allowlist import Selection

_VERDICT_COLOURS = {"flagged": "red", "suspicious": "yellow", "clean": "green", "official": "cyan"}


def _print_report(report: Any, color: bool | None = None) -> None:
    """A page report, readable at a glance."""
    verdict = click.style(f"{report.verdict.upper():10}", fg=_VERDICT_COLOURS[report.verdict],
                          bold=True)
    brands = ", ".join(report.brands) or "no protected brand"
    click.echo(f"{verdict} {report.score:.2f}  {report.source}  ({brands})", color=color)
    if report.url and report.url != report.source:
        click.echo(f"  url: {report.url}")
    for number in report.numbers:
        flags = "".join((" advertised" if number.advertised else "",
                         " quoted-as-scam" if number.warned else "",
                         " obfuscated" if number.obfuscated else ""))
        click.echo(f"  {number.e164:16} {number.status:11} {number.type:20} x{number.count:<3}"
                   f" {number.brand or '-'}{flags}")
        click.echo(f"      as printed: {number.raw!r}   …{number.context[:110]}…")
    for reason in report.reasons:
        click.echo(f"  - {reason.code}: {reason.message}")


@click.command("check")
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--url", default=None, help="The address a saved file was published at.")
@allowlist_option
@format_option
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST[:PORT]",
              help="Allow fetching from this private/loopback host (repeatable).")
@click.option("--timeout", default=20.0, show_default=True, help="Seconds per fetch.")
def check_command(inputs: tuple[str, ...], url: str | None, allowlist_layers: Selection,
                  output_format: str, allow_hosts: tuple[str, ...], timeout: float) -> None:
    """Analyse pages: local .html/.htm/.txt files, folders of them, or http(s) URLs.

    Prints the verdict (flagged, suspicious, clean, official), the brand, every number with
    its status and context, and the reasons. Exit 0 whatever the verdicts; 2 when an input
    could not be read or fetched (the other inputs are still analysed).
    """
    from crawler.checks.check import InputError as CheckInputError
    from crawler.checks.check import check_one, expand

    allow = allowed_hosts(allow_hosts)
    al = load_allowlist(allowlist_layers)
    failed = 0
    for item in expand(list(inputs)):
        try:
            report = check_one(item, al, url=url, allow=allow, timeout=timeout)
        except CheckInputError as error:
            failed += 1
            if output_format == "json":
                click.echo(json.dumps({"source": item, "error": str(error)}))
            click.echo(f"error: {error}", err=True)
            continue
        if output_format == "json":
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        else:
            _print_report(report)
    if failed:
        sys.exit(2)


@click.command("eval")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False))
@allowlist_option
@format_option
@click.option("--min-precision", type=click.FloatRange(0, 1), default=None,
              help="Exit 1 when precision of 'flagged' is below this.")
@click.option("--min-recall", type=click.FloatRange(0, 1), default=None,
              help="Exit 1 when recall of 'flagged' is below this.")
@click.option("--min-number-recall", type=click.FloatRange(0, 1), default=None,
              help="Exit 1 when the share of labelled numbers found is below this.")
def eval_command(corpus: str, allowlist_layers: Selection, output_format: str,
                 min_precision: float | None, min_recall: float | None,
                 min_number_recall: float | None) -> None:
    """Measure the detector on a labelled corpus (labels.jsonl + pages/).

    Per page: the verdict against the label. Then precision and recall of 'flagged' (pages
    labelled 'review' excluded) and number recall. Exit 1 when below a given minimum.
    """
    from pathlib import Path

    from crawler.checks.evaluate import CorpusError, evaluate, summarize

    al = load_allowlist(allowlist_layers)
    results = []
    try:
        for result in evaluate(Path(corpus), al):
            results.append(result)
            _print_eval_result(result, output_format)
    except CorpusError as error:
        raise InputError(str(error)) from None
    summary = summarize(results)
    if output_format == "json":
        click.echo(json.dumps({"summary": summary.to_dict()}))
    else:
        click.echo(
            f"precision {summary.precision:.3f}  recall {summary.recall:.3f}  "
            f"({summary.true_positives} TP, {summary.false_positives} FP, "
            f"{summary.false_negatives} FN; {summary.reviewed} review pages excluded)\n"
            f"number recall {summary.number_recall:.3f} ({summary.numbers_found}/"
            f"{summary.numbers_labelled} labelled dialable numbers) over {summary.pages} pages"
            + (f", {summary.errors} unreadable" if summary.errors else ""))
    below = [name for name, value, minimum in (
        ("precision", summary.precision, min_precision), ("recall", summary.recall, min_recall),
        ("number recall", summary.number_recall, min_number_recall),
    ) if minimum is not None and value < minimum]
    if below:
        click.echo(f"below the minimum: {', '.join(below)}", err=True)
        sys.exit(1)


def _print_eval_result(result: Any, output_format: str) -> None:
    report = result.report
    if output_format == "json":
        row = report.to_dict() if report else {"source": result.file, "error": result.error}
        row.update(file=result.file, expected=result.expected,
                   missed_numbers=result.missed_numbers)
        click.echo(json.dumps(row, ensure_ascii=False))
        return
    mark = {True: "ok  ", False: click.style("MISS", fg="red", bold=True), None: "    "}
    verdict = report.verdict if report else f"error: {result.error}"
    missed = f"  missed numbers: {result.missed_numbers}" if result.missed_numbers else ""
    click.echo(f"{mark[result.correct]} {verdict:10} expected {result.expected:6} "
               f"{result.file}{missed}")
