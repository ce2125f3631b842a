"""The ``scamlines`` command line: a thin click layer over the library packages.

Exit codes (every command): 0 success, 1 a condition the caller asked to be told about
(``eval`` below its minimums, ``scan --fail-on-new`` with new findings, ``allowlist validate``
with problems), 2 usage or input error.
"""

from __future__ import annotations

import sys

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scamlines")
def cli() -> None:
    """Find web pages that advertise fake customer-support phone numbers."""


# --- allowlist ------------------------------------------------------------------------------

# Imports for this section live here so that concurrent edits to the other sections stay
# independent. The allowlist package itself is imported inside the functions: it loads
# phone-number metadata, which commands that never touch it (``--help``) should not pay for.
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from click.decorators import FC

    from allowlist import Allowlist, Brand, LookupResult


class AllowlistInputError(click.ClickException):
    """An allowlist that does not load: an input error, so exit 2 (ClickException says 1)."""

    exit_code = 2


def allowlist_option(command: FC) -> FC:
    """Add ``--allowlist DIR`` to a command, passed to it as ``allowlist_path`` (None: bundled)."""
    return click.option(
        "--allowlist",
        "allowlist_path",
        type=click.Path(exists=True),
        default=None,
        metavar="DIR",
        help="Folder of brand .toml files (or one file). Default: the bundled allowlist.",
    )(command)


def load_allowlist(path: str | None) -> Allowlist:
    """Load the allowlist for a command; problems become an exit-2 error listing each line."""
    import allowlist

    try:
        return allowlist.load(path)
    except allowlist.AllowlistError as err:
        where = path or "the bundled allowlist"
        count = _plural(len(err.problems), "problem")
        raise AllowlistInputError(f"{where} does not load ({count}):\n{err}") from None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object per line.",
)


@cli.group("allowlist")
def allowlist_group() -> None:
    """Check and query the verified allowlist of brands' official numbers and domains."""


@allowlist_group.command("validate")
@click.argument("directory", required=False, type=click.Path(exists=True))
def allowlist_validate(directory: str | None) -> None:
    """Check every brand file in DIRECTORY (default: the bundled allowlist).

    Prints each problem as file:line: message and exits 1 when there is any.
    """
    import allowlist

    try:
        loaded = allowlist.load(directory)
    except allowlist.AllowlistError as err:
        for problem in err.problems:
            click.echo(str(problem))
        files = {problem.file for problem in err.problems}
        click.echo(f"{_plural(len(err.problems), 'problem')} in {_plural(len(files), 'file')}")
        raise click.exceptions.Exit(1) from None
    numbers = sum(len(brand.numbers) for brand in loaded)
    domains = sum(len(brand.domains) for brand in loaded)
    click.echo(
        f"OK: {_plural(len(loaded), 'brand')}, {_plural(numbers, 'number')}, "
        f"{_plural(domains, 'domain')}"
    )


@allowlist_group.command("list")
@allowlist_option
@_format_option
def allowlist_list(allowlist_path: str | None, output_format: str) -> None:
    """One line per brand: name, phone support, number count, domains."""
    brands = load_allowlist(allowlist_path).brands
    width = max((len(brand.name) for brand in brands), default=0)
    for brand in brands:
        if output_format == "json":
            click.echo(json.dumps(_brand_json(brand), ensure_ascii=False))
        else:
            click.echo(
                f"{brand.name:<{width}}  {_support(brand):<7}  "
                f"{_plural(len(brand.numbers), 'number'):<11}  {', '.join(brand.domains)}"
            )


@allowlist_group.command("lookup")
@click.argument("queries", metavar="QUERY...", nargs=-1, required=True)
@allowlist_option
@_format_option
def allowlist_lookup(
    queries: tuple[str, ...], allowlist_path: str | None, output_format: str
) -> None:
    """Show the brand owning each phone number or domain QUERY.

    A QUERY is a phone number in any format (+44 20 ..., (800) 652-2666, 1-800-OK-CANON;
    default region US) or a domain, URL or e-mail address.
    """
    loaded = load_allowlist(allowlist_path)
    for query in queries:
        result = loaded.lookup(query)
        if output_format == "json":
            click.echo(json.dumps(_lookup_json(query, result), ensure_ascii=False))
        else:
            click.echo(_lookup_text(query, result))


def _support(brand: Brand) -> str:
    return {True: "yes", False: "no", None: "unknown"}[brand.phone_support]


def _brand_json(brand: Brand) -> dict[str, Any]:
    return {
        "name": brand.name,
        "slug": brand.slug,
        "phone_support": brand.phone_support,
        "number_count": len(brand.numbers),
        "domains": list(brand.domains),
        "aliases": list(brand.aliases),
    }


def _lookup_text(query: str, result: LookupResult) -> str:
    if result.kind == "unknown":
        return f"{query}: not in the allowlist (not a phone number or domain)"
    head = query if query.strip() == result.query else f"{query} ({result.query})"
    if result.brand is None:
        return f"{head}: not in the allowlist"
    if result.entry is None:
        return (
            f"{head}: {result.brand.name} (listed domain {result.domain}; "
            f"phone support: {_support(result.brand)})"
        )
    entry = result.entry
    status = "RETIRED (the brand no longer uses it)" if entry.retired else "current"
    return (
        f"{head}: {result.brand.name} - {entry.use or 'use not given'}; "
        f"source {entry.source}; verified_on {entry.verified_on.isoformat()}; {status}"
    )


def _lookup_json(query: str, result: LookupResult) -> dict[str, Any]:
    entry = result.entry
    return {
        "query": query,
        "kind": result.kind,
        "normalised": result.query,
        "brand": result.brand.name if result.brand else None,
        "domain": result.domain,
        "entry": None
        if entry is None
        else {
            "e164": entry.e164,
            "use": entry.use,
            "source": entry.source,
            "verified_on": entry.verified_on.isoformat(),
            "retired": entry.retired,
        },
    }


# --- check / eval ---------------------------------------------------------------------------

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


@cli.command("check")
@click.argument("inputs", nargs=-1, required=True, metavar="PATH_OR_URL...")
@click.option("--url", default=None, help="The address a saved file was published at.")
@allowlist_option
@_format_option
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST[:PORT]",
              help="Allow fetching from this private/loopback host (repeatable).")
@click.option("--timeout", default=20.0, show_default=True, help="Seconds per fetch.")
def check_command(inputs: tuple[str, ...], url: str | None, allowlist_path: str | None,
                  output_format: str, allow_hosts: tuple[str, ...], timeout: float) -> None:
    """Analyse pages: local .html/.htm/.txt files, folders of them, or http(s) URLs.

    Prints the verdict (flagged, suspicious, clean, official), the brand, every number with
    its status and context, and the reasons. Exit 0 whatever the verdicts; 2 when an input
    could not be read or fetched (the other inputs are still analysed).
    """
    from crawler.checking import InputError, check_one, expand
    from crawler.netguard import parse_allowed_host

    try:
        allow = tuple(parse_allowed_host(h) for h in allow_hosts)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--allow-host") from None
    al = load_allowlist(allowlist_path)
    failed = 0
    for item in expand(list(inputs)):
        try:
            report = check_one(item, al, url=url, allow=allow, timeout=timeout)
        except InputError as error:
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


@cli.command("eval")
@click.argument("corpus", type=click.Path(exists=True, file_okay=False))
@allowlist_option
@_format_option
@click.option("--min-precision", type=click.FloatRange(0, 1), default=None,
              help="Exit 1 when precision of 'flagged' is below this.")
@click.option("--min-recall", type=click.FloatRange(0, 1), default=None,
              help="Exit 1 when recall of 'flagged' is below this.")
@click.option("--min-number-recall", type=click.FloatRange(0, 1), default=None,
              help="Exit 1 when the share of labelled numbers found is below this.")
def eval_command(corpus: str, allowlist_path: str | None, output_format: str,
                 min_precision: float | None, min_recall: float | None,
                 min_number_recall: float | None) -> None:
    """Measure the detector on a labelled corpus (labels.jsonl + pages/).

    Per page: the verdict against the label. Then precision and recall of 'flagged' (pages
    labelled 'review' excluded) and number recall. Exit 1 when below a given minimum.
    """
    from pathlib import Path

    from crawler.evaluate import CorpusError, evaluate, summarize

    al = load_allowlist(allowlist_path)
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


class InputError(click.ClickException):
    """Bad input to a command: exit 2."""

    exit_code = 2




# --- crawl ----------------------------------------------------------------------------------

_CRAWL_EXIT = {"finished": 0, "interrupted": 0, "failed": 1}


def _key_value(option: str, values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=option)
        pairs[key.strip()] = rest.strip()
    return pairs


def _resolve_pins(values: tuple[str, ...]) -> dict[str, str]:
    import ipaddress

    pins = _key_value("--resolve", values)
    for host, address in pins.items():
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise click.BadParameter(
                f"{host}={address}: not an IP address", param_hint="--resolve"
            ) from None
    return {host.lower(): address for host, address in pins.items()}


def _setting_values(values: tuple[str, ...]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for name, raw in _key_value("--set", values).items():
        try:
            settings[name] = json.loads(raw)  # numbers, booleans, lists, objects
        except ValueError:
            settings[name] = raw
    return settings


@cli.command("crawl")
@click.argument("seeds", nargs=-1, metavar="SEED...")
@click.option("--db", "db", default="scamlines.db", show_default=True, metavar="PATH",
              type=click.Path(dir_okay=False), help="The SQLite store (created if missing).")
@allowlist_option
@click.option("--depth", default=3, show_default=True, type=click.IntRange(0),
              help="Links to follow from a seed (0: the seeds only).")
@click.option("--max-pages", default=1000, show_default=True, type=click.IntRange(0),
              help="Stop after this many pages (0: no limit).")
@click.option("--resume", is_flag=True,
              help="Continue the last interrupted or killed crawl of these seeds into --db.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST[:PORT]",
              help="Let the crawl reach this private/loopback host (repeatable).")
@click.option("--ignore-robots", is_flag=True,
              help="Do not obey robots.txt (an explicit choice, recorded with the run).")
@click.option("--follow-offsite", is_flag=True,
              help="Follow links to other sites too (default: same registrable domain).")
@click.option("--seeds-file", type=click.Path(dir_okay=False), default=None, metavar="F",
              help="More seeds, one per line (# comments).")
@click.option("--user-agent", default=None, metavar="UA",
              help="User-Agent header; identify yourself and a contact URL.")
@click.option("--timeout", default=None, type=click.FloatRange(0), metavar="SECONDS",
              help="Stop the crawl after this long (resumable). Default: 3600; 0: no limit.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]),
              default="text", show_default=True, help="The summary: text, or one JSON object.")
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")
@click.option("--resolve", "resolve", multiple=True, metavar="HOST=ADDR",
              help="Connect to HOST at ADDR without DNS, like curl --resolve (repeatable). "
                   "The address still passes the network guard.")
@click.option("--resolve-only", is_flag=True,
              help="Send no DNS queries: only --resolve names can be reached.")
@click.option("--http-cache", is_flag=True,
              help="Reuse responses cached by earlier runs (development; marked in captures).")
@click.option("--jobdir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Scrapy job directory. Default: one per database and seed set, "
                   "under PATH.state/ next to the database.")
@click.option("--set", "set_values", multiple=True, metavar="NAME=VALUE",
              help="Any Scrapy or SCAMLINES_* setting, as scrapy crawl -s (repeatable).")
def crawl_command(seeds: tuple[str, ...], db: str, allowlist_path: str | None, depth: int,
                  max_pages: int, resume: bool, allow_hosts: tuple[str, ...],
                  ignore_robots: bool, follow_offsite: bool, seeds_file: str | None,
                  user_agent: str | None, timeout: float | None, output_format: str,
                  quiet: bool, resolve: tuple[str, ...], resolve_only: bool, http_cache: bool,
                  jobdir: str | None, set_values: tuple[str, ...]) -> None:
    """Crawl from SEEDs and record every page, number and finding in the store.

    A SEED is an http(s) URL (sitemaps and robots.txt are expanded into the pages they
    list), a local HTML file or a folder of them. Links are followed to --depth within each
    seed's site, contact/support pages and pages naming a protected brand first.

    The crawl never connects to private, loopback, link-local or cloud-metadata addresses
    unless --allow-host names the host. Progress goes to stderr, the summary to stdout.

    Exit status: 0 when the crawl finished or was interrupted (Ctrl-C, --timeout; --resume
    continues it), 1 when it failed (e.g. the database could not be written), 2 for bad
    input (seeds, allowlist, a corrupt or locked database).
    """
    from pathlib import Path

    from crawler.netguard import parse_allowed_host
    from crawler.runner import CrawlError, CrawlOptions, run_crawl

    for host in allow_hosts:
        try:
            parse_allowed_host(host)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--allow-host") from None
    if not seeds and not seeds_file:
        raise click.UsageError("give at least one SEED (URL, file or folder) or --seeds-file")
    options = CrawlOptions(
        seeds=seeds, db=Path(db), allowlist=allowlist_path, depth=depth, max_pages=max_pages,
        resume=resume, allow_hosts=allow_hosts, ignore_robots=ignore_robots,
        follow_offsite=follow_offsite, seeds_file=seeds_file, user_agent=user_agent,
        timeout=timeout, progress_interval=0.0 if quiet else 5.0,
        resolve=_resolve_pins(resolve), resolve_only=resolve_only, http_cache=http_cache,
        jobdir=Path(jobdir) if jobdir else None, settings=_setting_values(set_values),
    )
    try:
        summary = run_crawl(options)
    except CrawlError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    if output_format == "json":
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        click.echo(summary.to_text())
    sys.exit(_CRAWL_EXIT.get(summary.status, 1))
