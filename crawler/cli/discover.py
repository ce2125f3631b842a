"""``scamlines discover``: search for candidate pages, over :mod:`crawler.discovery`.

With ``--crawl`` the candidates are crawled at once. The crawl options are ``crawl``'s own
Option objects (same names, help and defaults), attached at the end of this module so that
the two commands cannot drift apart.
"""

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
    db_option,
    echo_summary,
    format_option,
    load_allowlist,
    resolve_pins,
    setting_values,
)

if TYPE_CHECKING:
    from allowlist import Selection
from crawler.cli.crawl import CRAWL_EXIT, crawl_command
from crawler.cli.renderopts import with_render

#: crawl options that discover --crawl passes through unchanged.
_DISCOVER_CRAWL_PARAMS = (
    "depth", "max_pages", "ignore_robots", "follow_offsite", "user_agent", "timeout",
    "quiet", "resolve", "resolve_only", "http_cache", "set_values", "render",
)  # fmt: skip


@click.command("discover")
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
@db_option("The SQLite store (created if missing).")
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
@click.option("--provider-timeout", type=Seconds(0.1), default=10.0,
              show_default=True, metavar="SECONDS", help="Timeout of each provider request.")
@click.option("--max-wait", type=Seconds(), default=30.0, show_default=True,
              metavar="SECONDS",
              help="Longest Retry-After honoured on HTTP 429; longer, the query is given up.")
@click.option("--delay", type=Seconds(), default=1.0, show_default=True,
              metavar="SECONDS", help="Pause between provider requests.")
@format_option
def discover_command(brands: tuple[str, ...], provider: str, searxng_url: str | None,
                     urls_file: str | None, max_results: int | None,
                     languages: tuple[str, ...], queries_file: str | None, db: str,
                     allowlist_layers: Selection, then_crawl: bool, sitemaps: bool,
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

    allow = allowed_hosts(allow_hosts)
    if provider == "urls" and (brands or queries_file or languages != ("en",)):
        raise click.UsageError("--brand, --language and --queries apply to search providers, "
                               "not --provider urls")
    if sitemaps and not then_crawl:
        raise click.UsageError("--sitemaps applies with --crawl")
    al = load_allowlist(allowlist_layers)
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
    echo_summary(summary, output_format)
    if summary.interrupted:  # the stop was said on stderr; what was found is kept
        sys.exit(1)
    if not summary.worked:
        click.echo("Error: no query was answered by the search provider", err=True)
        sys.exit(2)
    if then_crawl:
        _discover_crawl(summary, db, allowlist_layers, allow_hosts, sitemaps, output_format,
                        crawl_args)


def _redacted(url: str | None) -> str | None:
    """A URL fit to record with the run: no ``user:password@``."""
    from crawler.discovery.urls import redact_credentials

    return redact_credentials(url) if url else None


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

    from crawler.ticker import Ticker

    ticker = Ticker("discover", "queries")
    asked: list[Any] = []

    def warn(outcome: Any) -> None:
        asked.append(outcome)
        if quiet:
            return
        if not outcome.worked:
            click.echo(f"warning: \"{outcome.query or search.name}\": {outcome.error}", err=True)
        total = len(queries) if search.uses_queries else None
        ticker(len(asked), total, f"{sum(o.candidates for o in asked)} candidate URLs")

    if max_results is None:
        max_results = 20 if search.uses_queries else 0
    options = DiscoverOptions(search, queries, max_results, al, settings)
    try:
        with open_store(db) as store:
            return run_discovery(store, options, on_candidate=show, on_outcome=warn)
    except StoreError as error:
        raise InputError(str(error)) from None


def _discover_crawl(summary: Any, db: str, allowlist_layers: Selection,
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
        seeds=tuple(seeds), db=Path(db), allowlist=allowlist_layers, depth=args["depth"],
        max_pages=args["max_pages"], allow_hosts=allow_hosts,
        ignore_robots=args["ignore_robots"], follow_offsite=args["follow_offsite"],
        user_agent=args["user_agent"], timeout=args["timeout"],
        progress_interval=0.0 if args["quiet"] else 5.0,
        resolve=resolve_pins(args["resolve"]), resolve_only=args["resolve_only"],
        http_cache=args["http_cache"],
        settings=with_render(setting_values(args["set_values"]), args["render"]),
    )  # fmt: skip
    try:
        crawl = run_crawl(options)
        with open_store(db) as store:
            store.set_discovery_crawl(summary.run_id, crawl.run_id)
    except (CrawlError, StoreError) as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    echo_summary(crawl, output_format)
    sys.exit(CRAWL_EXIT.get(crawl.status, 1))


discover_command.params.extend(
    param for param in crawl_command.params if param.name in _DISCOVER_CRAWL_PARAMS
)
