"""``scamlines discover`` against a loopback SearXNG whose results point at the fixture sites.

Without ``--crawl`` the command runs in-process (``CliRunner``: no reactor is started); with
``--crawl`` it runs in a subprocess like every crawl test, reaching the virtual hosts of
``tests/site/`` through ``--resolve HOST=127.0.0.1 --resolve-only``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from crawlhelp import (
    NEWS_HOST,
    OFFICIAL_HOST,
    PRINTER_HOST,
    SCAM_HOST,
    query,
    run_scamlines,
    site_args,
)
from searxmock import Answer, SearxServer
from sitemock import SiteServer

from crawler.cli import cli

#: The English templates for Amazon, as the bundled queries.toml words them.
CARE = "Amazon customer care number"
TOLL = "Amazon toll free number"
HELPLINE = "Amazon helpline"
REFUND = "Amazon refund phone number"
SERVICE = "Amazon customer service phone number"
ALWAYS = "Amazon support number 24/7"


@pytest.fixture
def searx() -> Iterator[SearxServer]:
    with SearxServer(stall=3) as server:
        yield server


def results_for(site: SiteServer) -> dict[str, Answer]:
    """Search answers pointing at the fixture sites, with one failure of each kind."""
    return {
        CARE: Answer([
            site.url(SCAM_HOST, "/contact.html?utm_source=searx#call"),
            site.url(OFFICIAL_HOST, "/gp/help/contact-us.html"),  # the brand's own site
            site.url(NEWS_HOST, "/2026/fake-support-numbers.html"),
        ]),
        TOLL: Answer([site.url(SCAM_HOST, "/contact.html"), site.url(PRINTER_HOST, "/")]),
        REFUND: Answer([site.url(SCAM_HOST, "/refund-help.html")]),
        HELPLINE: Answer(fail="500"),
        SERVICE: Answer(fail="timeout"),
        ALWAYS: Answer(fail="malformed"),
    }  # fmt: skip


def discover(*args: Any, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["discover", *map(str, args)], input=input)


def searx_args(searx: SearxServer) -> list[str]:
    return ["--searxng-url", searx.url, "--allow-host", searx.allow, "--provider-timeout", "1",
            "--delay", "0", "--max-wait", "1"]  # fmt: skip


def json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


# --- in-process (no crawl) -------------------------------------------------------------------


def test_candidates_printed_stored_and_failures_reported(
    searx: SearxServer, site: SiteServer, tmp_path: Path
) -> None:
    searx.answers = results_for(site)
    db = tmp_path / "d.db"
    result = discover("--brand", "amazon", "--db", db, *searx_args(searx))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    contact = site.url(SCAM_HOST, "/contact.html")
    assert lines[0] == f'{contact}  #1 "{CARE}"  (new)'
    assert f'{site.url(NEWS_HOST, "/2026/fake-support-numbers.html")}  #3 "{CARE}"  (new)' in lines
    assert not any(OFFICIAL_HOST in line for line in lines)
    assert sum(contact in line for line in lines) == 1  # found by two queries, printed once
    assert "3 of 6 queries answered, 4 candidate URLs (4 new)" in result.stdout
    assert "skipped results: 1 official" in result.stdout
    assert f'FAILED failed: "{HELPLINE}": HTTP 500' in result.stdout
    assert f'FAILED failed: "{SERVICE}": no answer within 1 s' in result.stdout
    assert f'FAILED failed: "{ALWAYS}": malformed JSON' in result.stdout
    assert f'warning: "{HELPLINE}": HTTP 500' in result.stderr
    assert set(searx.queries_asked()) == {CARE, TOLL, HELPLINE, REFUND, SERVICE, ALWAYS}
    rows = query(db, "SELECT url, query, brand, provider, rank, times_seen FROM discoveries")
    by_url = {row["url"]: row for row in rows}
    assert by_url[contact] == {
        "url": contact, "query": CARE, "brand": "Amazon", "provider": "searxng", "rank": 1,
        "times_seen": 2,
    }  # fmt: skip
    assert len(rows) == 4


def test_json_lines_then_a_summary_and_runs_deduplicate(
    searx: SearxServer, site: SiteServer, tmp_path: Path
) -> None:
    searx.answers = results_for(site)
    db = tmp_path / "d.db"
    args = ["--brand", "Amazon", "--db", db, "--format", "json", *searx_args(searx)]
    assert discover(*args).exit_code == 0
    again = discover(*args)
    assert again.exit_code == 0, again.output
    *candidates, summary = json_lines(again.stdout)
    assert {c["url"] for c in candidates} == {
        site.url(SCAM_HOST, "/contact.html"), site.url(SCAM_HOST, "/refund-help.html"),
        site.url(NEWS_HOST, "/2026/fake-support-numbers.html"), site.url(PRINTER_HOST, "/"),
    }  # fmt: skip
    assert not any(c["new"] for c in candidates)
    assert {c["query"] for c in candidates} <= {CARE, TOLL, REFUND}
    assert summary["summary"] == "discover"
    assert (summary["queries"], summary["queries_ok"], summary["queries_failed"]) == (6, 3, 3)
    assert (summary["candidates"], summary["new"]) == (4, 0)
    failed = {o["query"]: o["error"] for o in summary["outcomes"] if o["status"] == "failed"}
    assert set(failed) == {HELPLINE, SERVICE, ALWAYS}
    assert query(db, "SELECT count(*) AS n FROM discoveries")[0]["n"] == 4
    runs = query(db, "SELECT status FROM discovery_runs ORDER BY id")
    assert [r["status"] for r in runs] == ["finished", "finished"]


def test_every_query_failing_is_exit_2(searx: SearxServer, tmp_path: Path) -> None:
    searx.answers = {CARE: Answer(fail="500"), TOLL: Answer(fail="html")}
    queries = tmp_path / "q.toml"
    queries.write_text('[en]\ntemplates = ["{brand} customer care number", '
                       '"{brand} toll free number"]\n')  # fmt: skip
    result = discover("--brand", "Amazon", "--queries", queries, "--db", tmp_path / "d.db",
                      *searx_args(searx))  # fmt: skip
    assert result.exit_code == 2
    assert "0 of 2 queries answered" in result.stdout
    assert "not JSON" in result.stdout
    assert "no query was answered" in result.stderr


def test_rate_limited_query_gives_up_and_others_go_on(searx: SearxServer, tmp_path: Path) -> None:
    searx.answers = {
        CARE: Answer(fail="429", retry_after="120"),
        TOLL: Answer(["https://scam.example/amazon"]),
    }
    queries = tmp_path / "q.toml"
    queries.write_text('[en]\ntemplates = ["{brand} customer care number", '
                       '"{brand} toll free number"]\n')  # fmt: skip
    result = discover("--brand", "Amazon", "--queries", queries, "--db", tmp_path / "d.db",
                      *searx_args(searx))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f'FAILED rate_limited: "{CARE}": rate limited (HTTP 429)' in result.stdout
    assert "https://scam.example/amazon" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--brand", "Amazon"], "needs --searxng-url"),
        (["--brand", "Amazon", "--searxng-url", "SEARX"], "loopback"),  # no --allow-host
        (["--brand", "Acme Widgets", "--searxng-url", "SEARX", "--allow-host", "ALLOW"],
         "no protected brand is called 'Acme Widgets'"),
        (["--language", "xx", "--searxng-url", "SEARX", "--allow-host", "ALLOW"],
         "no query templates for language 'xx'"),
        (["--queries", "BADFILE", "--searxng-url", "SEARX", "--allow-host", "ALLOW"],
         "not valid TOML"),
        (["--provider", "urls", "--urls-file", "/nonexistent/list.txt"], "no such URL list"),
        (["--provider", "urls"], "needs --urls-file"),
        (["--provider", "urls", "--urls-file", "-", "--brand", "Amazon"], "apply to search"),
        (["--searxng-url", "SEARX", "--allow-host", "bad/host"], "--allow-host"),
        (["--searxng-url", "SEARX", "--allow-host", "ALLOW", "--sitemaps"], "with --crawl"),
    ],
)
def test_bad_input_is_exit_2_without_traceback(
    searx: SearxServer, tmp_path: Path, args: list[str], message: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[en\n")
    values = {"SEARX": searx.url, "ALLOW": searx.allow, "BADFILE": str(bad)}
    result = discover(*[values.get(a, a) for a in args], "--db", tmp_path / "d.db")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert searx.hits == []  # nothing was searched


def test_url_list_from_stdin(tmp_path: Path) -> None:
    listing = ("# from an abuse report\nhttps://scam.example/amazon-care?fbclid=1\n"
               "https://www.amazon.com/gp/help\n\nhttps://scam.example/amazon-care\n")  # fmt: skip
    db = tmp_path / "d.db"
    result = discover("--provider", "urls", "--urls-file", "-", "--db", db, input=listing)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "https://scam.example/amazon-care  #1 urls  (new)"
    assert "1 candidate URLs from the list (1 new)" in result.stdout
    rows = query(db, "SELECT url, query, brand, provider FROM discoveries")
    assert rows == [{"url": "https://scam.example/amazon-care", "query": None, "brand": None,
                     "provider": "urls"}]  # fmt: skip


# --- with --crawl (subprocess) ---------------------------------------------------------------


def test_discover_crawl_finds_and_flags_the_scam_pages(
    searx: SearxServer, site: SiteServer, tmp_path: Path
) -> None:
    searx.answers = results_for(site)
    db = tmp_path / "d.db"
    result = run_scamlines(
        "discover", "--brand", "Amazon", "--crawl", "--db", str(db), "--format", "json",
        "--depth", "1", "--quiet", *searx_args(searx), *site_args(site),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    *candidates, discovered, crawled = json_lines(result.stdout)
    assert discovered["summary"] == "discover"
    assert discovered["queries_failed"] == 3  # reported, and the crawl went on
    assert len(candidates) == discovered["candidates"] == 4
    assert crawled["status"] == "finished"
    flagged = {f["url"] for f in crawled["flagged"]}
    assert {site.url(SCAM_HOST, "/contact.html"), site.url(SCAM_HOST, "/refund-help.html")} <= flagged
    assert site.url(PRINTER_HOST, "/gen/0") in flagged  # one link away from a candidate
    assert site.url(NEWS_HOST, "/2026/fake-support-numbers.html") not in flagged
    pages = {row["url"] for row in query(db, "SELECT url FROM pages")}
    assert not any(OFFICIAL_HOST in url for url in pages)  # skipped, never fetched
    # Every candidate was crawled under the very URL discovery stored.
    stored = {row["url"] for row in query(db, "SELECT url FROM discoveries")}
    assert stored <= pages
    run = query(db, "SELECT crawl_run FROM discovery_runs")[0]
    assert run["crawl_run"] == crawled["run_id"]


def test_discover_crawl_with_sitemaps_reaches_pages_only_the_sitemap_lists(
    site: SiteServer, tmp_path: Path
) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(site.url(SCAM_HOST, "/contact.html") + "\n")
    db = tmp_path / "d.db"
    result = run_scamlines(
        "discover", "--provider", "urls", "--urls-file", str(listing), "--crawl", "--sitemaps",
        "--depth", "0", "--db", str(db), "--format", "json", "--quiet", *site_args(site),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    crawled = result.json()
    assert crawled["status"] == "finished"
    pages = {row["url"] for row in query(db, "SELECT url FROM pages")}
    # robots.txt -> sitemap.xml -> its pages, although --depth 0 follows no link.
    assert site.url(SCAM_HOST, "/sitemap-only.html") in pages
    assert site.url(SCAM_HOST, "/contact.html") in pages
    assert site.url(SCAM_HOST, "/robots.txt") not in pages  # expanded, not a page
    assert site.url(SCAM_HOST, "/refund-help.html") not in pages  # linked, not listed
