"""``scamlines check`` and ``scamlines eval``: one page at a time, over :mod:`crawler.checks`."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.common import (
    InputError,
    Seconds,
    allowed_hosts,
    allowlist_option,
    format_option,
    load_allowlist,
    plural,
)
from crawler.cli.renderopts import render_option, resolve_render

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
@click.option("--timeout", default=20.0, show_default=True, type=Seconds(0.1),
              help="Seconds per fetch.")
@render_option
@click.option("--screenshots", "screenshot_dir", default=None, metavar="DIR",
              type=click.Path(file_okay=False),
              help="Save the screenshots of rendered pages here (PAGE-KIND.png).")
def check_command(inputs: tuple[str, ...], url: str | None, allowlist_layers: Selection,
                  output_format: str, allow_hosts: tuple[str, ...], timeout: float,
                  render: str | None, screenshot_dir: str | None) -> None:
    """Analyse pages: local .html/.htm/.txt/.pdf files, folders of them, or http(s) URLs.

    Prints the verdict (flagged, suspicious, clean, official), the brand, every number with
    its status and context, and the reasons. With --render (default auto), pages built by
    scripts are judged as a browser renders them, and flagged or suspicious pages get a
    screenshot. Exit 0 whatever the verdicts; 2 when an input could not be read or fetched
    (the other inputs are still analysed), or for --render always without a browser; 1
    when Ctrl-C (or SIGTERM) stopped it (the pages printed are checked).
    """
    from crawler.checks.check import InputError as CheckInputError
    from crawler.checks.check import RenderOptions, check_page, expand
    from crawler.interrupts import stoppable

    allow = allowed_hosts(allow_hosts)
    al = load_allowlist(allowlist_layers)
    mode, executable = resolve_render(render)
    options = RenderOptions(mode, executable)
    items = list(expand(list(inputs)))
    done = failed = 0
    # Ctrl-C or SIGTERM ends a fetch or a render at once; the pages printed are the result.
    with stoppable(lambda: f"{done} of {plural(len(items), 'page')} checked (printed above)"):
        for done, item in enumerate(items):
            try:
                checked = check_page(item, al, url=url, allow=allow, timeout=timeout,
                                     render=options)
            except CheckInputError as error:
                failed += 1
                if output_format == "json":
                    click.echo(json.dumps({"source": item, "error": str(error)}))
                click.echo(f"error: {error}", err=True)
                continue
            saved = _save_screenshots(checked, screenshot_dir, done + 1)
            if output_format == "json":
                click.echo(json.dumps(_checked_dict(checked, saved), ensure_ascii=False))
            else:
                _print_report(checked.report)
                _print_reading(checked, saved)
    if failed:
        sys.exit(2)


def _checked_dict(checked: Any, saved: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = checked.report.to_dict()
    row["text"] = checked.text_source
    if checked.doc_pages:
        for number in row["numbers"]:
            number["pdf_pages"] = checked.doc_pages.get(number["e164"], [])
    if checked.text_source == "rendered":
        row["refused_requests"] = checked.refused
    if checked.screenshots:
        row["screenshots"] = [
            {"kind": s.kind, "sha256": s.sha256, "captured_at": s.captured_at,
             **({"path": path} if path else {})}
            for s, path in zip(checked.screenshots, saved or [""] * len(checked.screenshots),
                               strict=True)
        ]
    return row


def _print_reading(checked: Any, saved: list[str]) -> None:
    """Which text was judged, and the render's evidence."""
    line = f"  text judged: {checked.text_source}"
    if checked.doc_pages:
        pages = "; ".join(f"{e164} p. {', '.join(map(str, p))}"
                          for e164, p in checked.doc_pages.items())
        line += f" (PDF pages: {pages})"
    if checked.screenshots:
        line += f", {len(checked.screenshots)} screenshots"
        line += f" ({', '.join(saved)})" if saved else ""
    if checked.refused:
        line += f", {len(checked.refused)} browser requests refused"
    if checked.render_error:
        line += f", render failed: {checked.render_error[:120]}"
    click.echo(line)


def _save_screenshots(checked: Any, folder: str | None, number: int) -> list[str]:
    if not folder or not checked.screenshots:
        return []
    from pathlib import Path

    Path(folder).mkdir(parents=True, exist_ok=True)
    paths = []
    for shot in checked.screenshots:
        path = Path(folder) / f"page{number}-{shot.kind}.png"
        path.write_bytes(shot.png)
        paths.append(str(path))
    return paths


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

    from crawler.checks.evaluate import (
        CorpusError,
        evaluate,
        kind_table,
        summarize,
        summarize_by_kind,
    )

    al = load_allowlist(allowlist_layers)
    results = []
    try:
        for result in evaluate(Path(corpus), al):
            results.append(result)
            _print_eval_result(result, output_format)
    except CorpusError as error:
        raise InputError(str(error)) from None
    summary = summarize(results)
    kinds = summarize_by_kind(results)
    if output_format == "json":
        click.echo(json.dumps({"summary": summary.to_dict(),
                               "kinds": [kind.to_dict() for kind in kinds]}))
    else:
        click.echo("\n".join(kind_table(kinds)))
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
