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
    from crawler.checks.check import InputError, check_one, expand
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

    from crawler.checks.evaluate import CorpusError, evaluate, summarize

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


# --- report / takedown ------------------------------------------------------------------------

# Choices are spelled out here so that ``--help`` does not import the store; a test checks
# they match crawler.store.FINDING_STATUSES and detector.report.VERDICTS.
_REPORT_FORMATS = ("csv", "jsonl", "html", "md", "misp")
_REPORT_VERDICTS = ("flagged", "suspicious", "clean", "official")
_FINDING_STATUSES = ("new", "confirmed", "reported", "resolved", "false_positive")

_db_option = click.option(
    "--db", "db", default="scamlines.db", show_default=True, metavar="PATH",
    type=click.Path(dir_okay=False), help="The SQLite store a crawl wrote.",
)  # fmt: skip


def _open_store_file(db: str, how_to_make: str) -> Any:
    """Open the store at ``db``, which must already exist; exit 2 (InputError) when it does not
    or is not a scamlines store. ``how_to_make`` is the command the message suggests."""
    from pathlib import Path

    from crawler.store import StoreError, open_store

    if not Path(db).is_file():
        raise InputError(f"{db}: no such database (run `{how_to_make}` first)")
    try:
        return open_store(db)
    except StoreError as error:
        raise InputError(str(error)) from None


def _open_existing_store(db: str) -> Any:
    """Open a store that must already exist and hold at least one run (else exit 2)."""
    store = _open_store_file(db, f"scamlines crawl --db {db} ...")
    if not store.runs():
        store.close()
        raise InputError(f"{db}: the store is empty (no crawl or scan has been recorded)")
    return store


@cli.command("report")
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
def report_command(output_format: str, db: str, since: str | None, brand: str | None,
                   verdicts: tuple[str, ...], statuses: tuple[str, ...], group: str | None,
                   output: str | None) -> None:
    """Export findings from the store: one row per finding and number.

    CSV cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
    get a leading ', so E.164 numbers read '+18885550142 there; JSON Lines and MISP carry
    the plain number. Page text is escaped in HTML and Markdown, and URLs are never links.
    Exit 2 for a missing or empty store, an unknown run, date or brand.
    """
    from reports.formats import render_report
    from reports.rows import ReportError

    if group is not None and output_format != "misp":
        raise click.UsageError("--group applies to --format misp only")
    store = _open_existing_store(db)
    try:
        filters = _report_filters(store, since, brand, verdicts, statuses)
        rendered = render_report(store, output_format, filters, group=group or "run")
    except ReportError as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    _emit(rendered.text, output)
    if not rendered.count:
        click.echo("note: no finding matches these filters", err=True)


def _report_filters(store: Any, since: str | None, brand: str | None,
                    verdicts: tuple[str, ...], statuses: tuple[str, ...]) -> Any:
    """The report's filters from the options (unknown run, date or brand: ReportError)."""
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


@cli.command("takedown")
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
def takedown_command(domain: str | None, number: str | None, finding_id: int | None, out: str,
                     db: str, allowlist_path: str | None, reporter: str | None,
                     contact: str | None, use_rdap: bool) -> None:
    """Write takedown packages: one per offending site and one per number.

    Each holds a notice (to the host or registrar abuse desk, or to the number's carrier or
    toll-free RespOrg), the brand's real contact channels from the allowlist, the evidence
    (captured page, SHA-256, capture time, headers, redirect chain, the number in context)
    and manifest.json + SHA256SUMS (check with: cd DIR && sha256sum -c SHA256SUMS).
    Packaged findings get the status 'reported'. Exit 2 when nothing matches.
    """
    from pathlib import Path

    from crawler.store import StoreError
    from reports.takedown import Sender, TakedownError, Target, make_takedown

    if sum(value is not None for value in (domain, number, finding_id)) != 1:
        raise click.UsageError("give exactly one of --domain, --number or --finding")
    al = load_allowlist(allowlist_path)
    store = _open_existing_store(db)
    try:
        packages = make_takedown(
            store, al, Target(domain=domain, number=number, finding_id=finding_id), Path(out),
            sender=Sender(reporter, contact), use_rdap=use_rdap,
        )  # fmt: skip
    except (TakedownError, StoreError) as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    for package in packages:
        ids = ", ".join(str(i) for i in package.finding_ids)
        click.echo(f"{package.folder}/  {package.kind} {package.target}  (findings {ids})")
    marked = len({i for package in packages for i in package.finding_ids})
    click.echo(f"{_plural(marked, 'finding')} marked reported in {db}. "
               f"Verify with: cd {out} && sha256sum -c SHA256SUMS")


# --- scan / diff / numbers / triage / rescan -------------------------------------------------
#
# Scheduled scans of a watch list and what changed between runs. Library code lives in
# crawler.scans.scan, crawler.scans.history, crawler.scans.clusters, crawler.scans.triage and crawler.scans.rescan; these
# commands parse options, call it, and print. Exit statuses: 0 ok, 1 newly flagged findings
# (scan --fail-on-new), 2 error (bad configuration, another scan running, missing database,
# unknown run).

_history_db_option = click.option(
    "--db", "db", default="scamlines.db", show_default=True, metavar="PATH",
    type=click.Path(dir_okay=False), help="The SQLite store scans wrote.",
)  # fmt: skip


def _history_store(db: str) -> Any:
    """Open an existing store for the history commands (a missing file is exit 2)."""
    return _open_store_file(db, "scamlines scan --config FILE")


@cli.command("scan")
@click.option("--config", "config_path", required=True, metavar="FILE",
              type=click.Path(dir_okay=False), help="The scan's TOML file (examples/scan.toml).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="The summary: text, or one JSON object.")
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
def scan_command(config_path: str, output_format: str, quiet: bool, fail_on_new: bool,
                 allow_hosts: tuple[str, ...], resolve: tuple[str, ...], resolve_only: bool,
                 set_values: tuple[str, ...]) -> None:
    """Scan a watch list (for cron) and report what is new, still, gone or back.

    Everything comes from the configuration FILE: seeds, limits, database, allowlist, the
    brands to report on, reports to write. Relative paths in it are relative to the file,
    so the scan runs the same from any directory. Only one scan (or rescan) runs on a
    database at a time: a second one exits 2 at once, naming the pid holding it.

    The summary ends with the diff against the previous finished scan of the same file
    (see `scamlines diff`). Exit status: 0 ok; 1 with --fail-on-new when a finding is
    newly flagged; 2 for errors (configuration, lock, database, a failed crawl).
    """
    from crawler.netguard import parse_allowed_host
    from crawler.scans.config import ScanConfigError, load_scan_config
    from crawler.scans.lock import ScanBusy
    from crawler.scans.scan import ScanError, ScanExtras, run_scan

    for host in allow_hosts:
        try:
            parse_allowed_host(host)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--allow-host") from None
    try:
        config = load_scan_config(config_path)
    except ScanConfigError as error:
        raise InputError(f"the scan configuration has problems:\n{error}") from None
    extras = ScanExtras(allow_hosts, _resolve_pins(resolve), resolve_only,
                        _setting_values(set_values))
    try:
        summary = run_scan(config, extras)
    except (ScanBusy, ScanError) as error:
        raise InputError(str(error)) from None
    if not quiet or summary.has_news or summary.status != "finished":
        _echo_summary(summary, output_format)
    if summary.status == "failed":
        click.echo(f"Error: the scan failed ({summary.crawl.reason})", err=True)
        sys.exit(2)
    sys.exit(1 if fail_on_new and summary.newly_flagged else 0)


def _echo_summary(summary: Any, output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        click.echo(summary.to_text())


@cli.command("diff")
@click.argument("runs", nargs=-1, type=int, metavar="[RUN_A RUN_B]")
@_history_db_option
@click.option("--brand", "brands", multiple=True, metavar="NAME",
              help="Only findings and numbers for this brand (repeatable).")
@_format_option
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
    store = _history_store(db)
    try:
        before, after = runs if len(runs) == 2 else default_pair(store, *runs)
        diff = diff_runs(store, before, after, brands=brands)
    except (HistoryError, StoreError) as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    if output_format == "json":
        click.echo(json.dumps(diff.to_dict(), ensure_ascii=False))
    else:
        click.echo(diff_text(diff))


@cli.command("numbers")
@click.option("--min-pages", default=1, show_default=True, type=click.IntRange(1),
              help="Only numbers seen on at least this many pages.")
@_history_db_option
@_format_option
def numbers_command(min_pages: int, db: str, output_format: str) -> None:
    """Phone numbers with every page, domain and brand they were seen on (clusters).

    Most widespread first. Per page: its verdict, whether its latest run still showed the
    number (now) or not (gone), the number's status there, the findings citing it with
    their triage status, the brands, when last seen. FLAGGED: some page flags it and no
    analyst dismissed it there as a false positive.
    """
    from crawler.scans.clusters import number_clusters
    from crawler.store import StoreError

    store = _history_store(db)
    try:
        clusters = number_clusters(store, min_pages)
    except StoreError as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    for cluster in clusters:
        if output_format == "json":
            click.echo(json.dumps(cluster.to_dict(), ensure_ascii=False))
        else:
            click.echo(cluster.to_text() + "\n")
    if not clusters and output_format == "text":
        click.echo(f"no number seen on {_plural(min_pages, 'page')} or more")


@cli.command("triage")
@click.argument("finding_id", type=int)
@click.option("--status", required=True,
              type=click.Choice(["confirmed", "false_positive", "reported", "resolved"]),
              help="Your decision on the finding.")
@click.option("--note", default=None, metavar="TEXT", help="Why (kept with the finding).")
@_history_db_option
def triage_command(finding_id: int, status: str, note: str | None, db: str) -> None:
    """Record your decision on finding FINDING_ID (ids are in diff and numbers output).

    false_positive also remembers the numbers the finding shows now: later scans and
    rescans still record the finding, but show its verdict as false_positive and do not
    count it as newly flagged, until the page shows a number you did not dismiss.
    """
    from crawler.scans.triage import TriageError, triage
    from crawler.store import StoreError

    store = _history_store(db)
    try:
        finding = triage(store, finding_id, status, note)
    except (TriageError, StoreError) as error:
        raise InputError(str(error)) from None
    finally:
        store.close()
    numbers = ", ".join(finding["numbers"] or []) or "no number"
    dismissed = f"; dismissed on this page: {numbers}" if status == "false_positive" else ""
    click.echo(f"finding #{finding_id} ({finding['brand'] or 'no brand'}, {finding['url']}): "
               f"{status}{dismissed}")


@cli.command("rescan")
@_history_db_option
@allowlist_option
@click.option("--run", "base_run", type=int, default=None, metavar="RUN",
              help="Re-analyse the pages this run captured. Default: the latest finished run.")
@click.option("--all", "all_pages", is_flag=True,
              help="Re-analyse every stored page (latest capture of each) instead; the diff "
                   "then lists pages the base run did not see as back.")
@_format_option
def rescan_command(db: str, allowlist_path: str | None, base_run: int | None, all_pages: bool,
                   output_format: str) -> None:
    """Re-judge stored pages with the current allowlist and detector, fetching nothing.

    Records a new run (kind rescan) over the same captures and prints its diff against the
    run it re-analysed: after adding a verified number to the allowlist, the findings it
    cleared show as "still flagged -> clean". Takes the database's scan lock.
    """
    from pathlib import Path

    from crawler.scans.lock import ScanBusy
    from crawler.scans.rescan import RescanError, run_rescan

    _history_store(db).close()  # a missing or foreign database is exit 2 before the lock
    try:
        summary = run_rescan(Path(db).resolve(), allowlist_path, base_run=base_run,
                             all_pages=all_pages)
    except (RescanError, ScanBusy) as error:
        raise InputError(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        click.echo(summary.to_text())


# --- discover -------------------------------------------------------------------------------
#
# Search for pages that advertise support numbers (crawler.discovery) and, with --crawl,
# crawl them at once. The crawl options are crawl's own Option objects (same names, help
# and defaults), attached below so the two commands cannot drift apart.

#: crawl options that discover --crawl passes through unchanged.
_DISCOVER_CRAWL_PARAMS = (
    "depth", "max_pages", "ignore_robots", "follow_offsite", "user_agent", "timeout",
    "quiet", "resolve", "resolve_only", "http_cache", "set_values",
)  # fmt: skip


@cli.command("discover")
@click.option("--brand", "brands", multiple=True, metavar="NAME",
              help="Search for this protected brand (name or alias, any case; repeatable). "
                   "Default: every brand in the allowlist.")
@click.option("--provider", type=click.Choice(["searxng", "urls"]), default="searxng",
              show_default=True, help="searxng: a SearXNG instance's JSON API; urls: a list "
                                      "of URLs gathered elsewhere (--urls-file).")
@click.option("--searxng-url", metavar="URL", envvar="SCAMLINES_SEARXNG_URL",
              help="Base URL of your SearXNG instance (JSON format enabled). "
                   "Env: SCAMLINES_SEARXNG_URL.")
@click.option("--urls-file", metavar="F", default=None,
              help="With --provider urls: one URL per line (# comments); - reads stdin.")
@click.option("--max-results", type=click.IntRange(0), default=None, metavar="N",
              help="Results kept per query (0: all). Default: 20 per query; all of a URL list.")
@click.option("--language", "languages", multiple=True, default=("en",), show_default=True,
              metavar="L", help="Query templates of this language (repeatable).")
@click.option("--queries", "queries_file", default=None, metavar="FILE",
              type=click.Path(dir_okay=False),
              help="Query templates to use instead of the bundled crawler/data/queries.toml.")
@click.option("--db", "db", default="scamlines.db", show_default=True, metavar="PATH",
              type=click.Path(dir_okay=False), help="The SQLite store (created if missing).")
@allowlist_option
@click.option("--crawl", "then_crawl", is_flag=True,
              help="Crawl the candidate URLs at once (same database) and end with the crawl "
                   "summary.")
@click.option("--sitemaps", is_flag=True,
              help="With --crawl: also seed each candidate site's robots.txt, so the sitemaps "
                   "it lists are crawled too, best-scoring pages first.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST[:PORT]",
              help="Let the search provider and the crawl reach this private/loopback host "
                   "(repeatable), e.g. a SearXNG on localhost:8888.")
@click.option("--provider-timeout", type=click.FloatRange(0.1), default=10.0,
              show_default=True, metavar="SECONDS", help="Timeout of each provider request.")
@click.option("--max-wait", type=click.FloatRange(0), default=30.0, show_default=True,
              metavar="SECONDS",
              help="Longest Retry-After honoured on HTTP 429; longer, the query is given up.")
@click.option("--delay", type=click.FloatRange(0), default=1.0, show_default=True,
              metavar="SECONDS", help="Pause between provider requests.")
@_format_option
def discover_command(brands: tuple[str, ...], provider: str, searxng_url: str | None,
                     urls_file: str | None, max_results: int | None,
                     languages: tuple[str, ...], queries_file: str | None, db: str,
                     allowlist_path: str | None, then_crawl: bool, sitemaps: bool,
                     allow_hosts: tuple[str, ...], provider_timeout: float, max_wait: float,
                     delay: float, output_format: str, **crawl_args: Any) -> None:
    """Find candidate pages advertising support numbers for protected brands.

    For each brand (--brand, or all), asks the search provider the queries a victim types
    ("<brand> customer care number", "<brand> toll free number", ...; templates per
    language in crawler/data/queries.toml or --queries FILE). Prints each candidate URL
    (text: URL, rank and query; json: one object per line, then a summary object) and
    records it in the database's discoveries table, de-duplicated across queries and runs.
    Results on a brand's own domain are skipped. With --crawl, the candidates are crawled
    at once (the crawl options below apply) and the crawl summary follows.

    A failing query (HTTP error, timeout, bad JSON, rate limit) is reported and the others
    go on. Exit status: 0 when at least one query was answered (with --crawl: as crawl),
    2 when every query failed, the provider is misconfigured, or the input is bad.
    """
    from crawler.discovery import ProviderError, ProviderSettings, make_provider

    allow = _discover_allow(allow_hosts)
    if provider == "urls" and (brands or queries_file or languages != ("en",)):
        raise click.UsageError("--brand, --language and --queries apply to search providers, "
                               "not --provider urls")
    if sitemaps and not then_crawl:
        raise click.UsageError("--sitemaps applies with --crawl")
    al = load_allowlist(allowlist_path)
    queries = _discover_queries(al, brands, languages, queries_file) if provider != "urls" \
        else []  # fmt: skip
    settings = ProviderSettings(provider, searxng_url, urls_file, provider_timeout, max_wait,
                                delay, allow)
    try:
        search = make_provider(settings)
    except ProviderError as error:
        raise InputError(str(error)) from None
    recorded = {"brands": list(brands), "languages": list(languages),
                "queries_file": queries_file, "max_results": max_results,
                "searxng_url": _redacted(searxng_url) if provider == "searxng" else None,
                "urls_file": urls_file if provider == "urls" else None}  # fmt: skip
    summary = _discover(search, queries, al, db, output_format, max_results,
                        crawl_args["quiet"], recorded)
    _discover_echo(summary, output_format)
    if not summary.worked:
        click.echo("Error: no query was answered by the search provider", err=True)
        sys.exit(2)
    if then_crawl:
        _discover_crawl(summary, db, allowlist_path, allow_hosts, sitemaps, output_format,
                        crawl_args)


def _redacted(url: str | None) -> str | None:
    """A URL fit to record with the run: no ``user:password@``."""
    from crawler.discovery.urls import redact_credentials

    return redact_credentials(url) if url else None


def _discover_echo(summary: Any, output_format: str) -> None:
    if output_format == "json":
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        click.echo(summary.to_text())


def _discover_allow(allow_hosts: tuple[str, ...]) -> tuple[Any, ...]:
    from crawler.netguard import parse_allowed_host

    try:
        return tuple(parse_allowed_host(host) for host in allow_hosts)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--allow-host") from None


def _discover_queries(al: Any, brands: tuple[str, ...], languages: tuple[str, ...],
                      queries_file: str | None) -> list[Any]:
    from crawler.discovery import QueryError, build_queries, load_templates, select_brands

    try:
        templates = load_templates(queries_file)
        return build_queries(select_brands(al, brands), templates, languages)
    except QueryError as error:
        raise InputError(str(error)) from None


def _discover(search: Any, queries: list[Any], al: Any, db: str, output_format: str,
              max_results: int | None, quiet: bool, settings: dict[str, Any]) -> Any:
    """Run the discovery, printing candidates as they come; its summary."""
    from crawler.discovery import DiscoverOptions, run_discovery
    from crawler.store import StoreError, open_store

    def show(candidate: Any) -> None:
        if output_format == "json":
            click.echo(json.dumps(candidate.to_dict(), ensure_ascii=False))
        else:
            click.echo(candidate.to_text())

    def warn(outcome: Any) -> None:
        if not quiet and not outcome.worked:
            click.echo(f"warning: \"{outcome.query or search.name}\": {outcome.error}", err=True)

    if max_results is None:
        max_results = 20 if search.uses_queries else 0
    options = DiscoverOptions(search, queries, max_results, al, settings)
    try:
        with open_store(db) as store:
            return run_discovery(store, options, on_candidate=show, on_outcome=warn)
    except StoreError as error:
        raise InputError(str(error)) from None


def _discover_crawl(summary: Any, db: str, allowlist_path: str | None,
                    allow_hosts: tuple[str, ...], sitemaps: bool, output_format: str,
                    crawl_args: dict[str, Any]) -> None:
    """``--crawl``: crawl this run's candidates into the same database; exits."""
    from pathlib import Path

    from crawler.discovery.urls import robots_urls
    from crawler.runner import CrawlError, CrawlOptions, run_crawl
    from crawler.store import StoreError, open_store

    urls = [candidate.url for candidate in summary.candidates]
    if not urls:
        click.echo("Nothing to crawl: no candidate URL was found", err=True)
        sys.exit(0)
    seeds = urls + (robots_urls(urls) if sitemaps else [])
    args = crawl_args
    options = CrawlOptions(
        seeds=tuple(seeds), db=Path(db), allowlist=allowlist_path, depth=args["depth"],
        max_pages=args["max_pages"], allow_hosts=allow_hosts,
        ignore_robots=args["ignore_robots"], follow_offsite=args["follow_offsite"],
        user_agent=args["user_agent"], timeout=args["timeout"],
        progress_interval=0.0 if args["quiet"] else 5.0,
        resolve=_resolve_pins(args["resolve"]), resolve_only=args["resolve_only"],
        http_cache=args["http_cache"], settings=_setting_values(args["set_values"]),
    )  # fmt: skip
    try:
        crawl = run_crawl(options)
        with open_store(db) as store:
            store.set_discovery_crawl(summary.run_id, crawl.run_id)
    except (CrawlError, StoreError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    _discover_echo(crawl, output_format)
    sys.exit(_CRAWL_EXIT.get(crawl.status, 1))


discover_command.params.extend(
    param for param in crawl_command.params if param.name in _DISCOVER_CRAWL_PARAMS
)
