"""``scamlines crawl``: crawl from seeds into the store, over :func:`crawler.runner.run_crawl`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from crawler.cli.common import (
    Seconds,
    allowed_hosts,
    allowlist_option,
    db_option,
    echo_summary,
    resolve_pins,
    setting_values,
    summary_format_option,
)
from crawler.cli.renderopts import render_option, with_render

if TYPE_CHECKING:
    from allowlist import Selection

#: A crawl's exit status by its summary's status (anything else: 1).
CRAWL_EXIT = {"finished": 0, "interrupted": 0, "failed": 1}


@click.command("crawl")
@click.argument("seeds", nargs=-1, metavar="SEED...")
@db_option("The SQLite store (created if missing).")
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
@click.option("--timeout", default=None, type=Seconds(), metavar="SECONDS",
              help="Stop the crawl after this long (resumable). Default: 3600; 0: no limit.")
@summary_format_option
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
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Distributed run: the frontier lives in this Redis (redis://HOST:PORT/DB); "
                   "this process records, `scamlines worker` processes fetch.")
@render_option
def crawl_command(redis_url: str | None, seeds: tuple[str, ...], db: str,
                  allowlist_layers: Selection, depth: int,
                  max_pages: int, resume: bool, allow_hosts: tuple[str, ...],
                  ignore_robots: bool, follow_offsite: bool, seeds_file: str | None,
                  user_agent: str | None, timeout: float | None, output_format: str,
                  quiet: bool, resolve: tuple[str, ...], resolve_only: bool, http_cache: bool,
                  jobdir: str | None, set_values: tuple[str, ...], render: str | None) -> None:
    """Crawl from SEEDs and record every page, number and finding in the store.

    A SEED is an http(s) URL (sitemaps and robots.txt are expanded into the pages they
    list), a local HTML file or a folder of them. Links are followed to --depth within each
    seed's site, contact/support pages and pages naming a protected brand first.

    The crawl never connects to private, loopback, link-local or cloud-metadata addresses
    unless --allow-host names the host. Progress goes to stderr, the summary to stdout.

    Ctrl-C or SIGTERM stops it within a second or two, saying what is kept: the downloads in
    flight are abandoned and --resume fetches them again; a second one stops it at once.

    Exit status: 0 when the crawl finished or was interrupted (Ctrl-C, SIGTERM, --timeout;
    --resume continues it), 1 when it failed (the database could not be written, nothing could be
    fetched, or most fetches failed: said on stderr even with --quiet), 2 for bad
    input (seeds, allowlist, a corrupt or locked database).
    """
    from pathlib import Path

    from crawler.runner import CrawlError, CrawlOptions, run_crawl

    allowed_hosts(allow_hosts)  # a typo is a usage error now; the crawl takes the strings
    if not seeds and not seeds_file:
        raise click.UsageError("give at least one SEED (URL, file or folder) or --seeds-file")
    options = CrawlOptions(
        seeds=seeds, db=Path(db), allowlist=allowlist_layers, depth=depth, max_pages=max_pages,
        resume=resume, allow_hosts=allow_hosts, ignore_robots=ignore_robots,
        follow_offsite=follow_offsite, seeds_file=seeds_file, user_agent=user_agent,
        timeout=timeout, progress_interval=0.0 if quiet else 5.0,
        resolve=resolve_pins(resolve), resolve_only=resolve_only, http_cache=http_cache,
        jobdir=Path(jobdir) if jobdir else None,
        settings=with_render(setting_values(set_values), render),
    )
    try:
        if redis_url:
            from crawler.recorder import run_recorder

            summary = run_recorder(options, redis_url)
        else:
            summary = run_crawl(options)
    except CrawlError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    echo_summary(summary, output_format)
    if summary.problem:
        click.echo(f"Error: {summary.problem}", err=True)
        sys.exit(1)
    sys.exit(CRAWL_EXIT.get(summary.status, 1))
