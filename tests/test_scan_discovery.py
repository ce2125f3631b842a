"""Scans that discover: a scan configuration's ``[discovery]`` table searches a (loopback)
SearXNG before the crawl, the candidates join the seeds, and the diff shows the pages only
the search found as ``new``. Failed searches are reported per query and never stop the crawl.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scanhelp import DELTA, N2, WatchSite, rows, scan, write_config
from searxmock import Answer, SearxServer
from sitemock import SiteServer

from crawler.scans.config import ScanConfigError, load_scan_config

pytestmark = pytest.mark.slow

FOUND = "delta air lines refund phone number"
BROKEN = "delta air lines toll free"


def discovery_table(searx: SearxServer, *queries: str, extra: str = "") -> str:
    listed = ", ".join(f'"{q}"' for q in queries)
    return (f'[discovery]\nsearxng_url = "{searx.url}"\nqueries = [{listed}]\n'
            f"delay = 0\ntimeout = 2\n{extra}")


def test_a_scan_finds_crawls_and_diffs_its_candidates(tmp_path: Path) -> None:
    site = WatchSite(tmp_path / "site")
    site.page(DELTA, "hidden.html", "Delta Air Lines", N2, "Refunds")  # linked from nowhere
    with SiteServer(root=tmp_path / "site") as server, SearxServer(
        {FOUND: Answer(urls=[]), BROKEN: Answer(fail="500")}
    ) as searx:
        hidden = server.url(DELTA, "/hidden.html")
        config = write_config(tmp_path / "scan.toml", server)
        config.write_text(config.read_text() + discovery_table(searx, FOUND, BROKEN))
        first = scan(config, "--allow-host", searx.allow)
        searx.answers[FOUND] = Answer(urls=[hidden, server.url(DELTA, "/contact.html")])
        second = scan(config, "--allow-host", searx.allow)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    one, two = first.json(), second.json()
    # Scan 1: the search found nothing; the hidden page was not crawled.
    assert hidden not in {p["url"] for p in one["diff"]["pages"]}
    # Scan 2: found, crawled in the same run, and new in the diff; the seeds' pages are still.
    pages = {p["url"]: p["change"] for p in two["diff"]["pages"]}
    assert pages[hidden] == "new"
    assert pages[server.url(DELTA, "/contact.html")] == "still"
    assert {f["url"]: f["change"] for f in two["diff"]["findings"]}[hidden] == "new"
    assert two["newly_flagged"] >= 1
    found = two["discovery"]
    assert found["urls"] == [hidden, server.url(DELTA, "/contact.html")]
    assert found["queries"] == 2 and found["queries_ok"] == 1 and found["queries_failed"] == 1
    # The failing query is reported per query (summary and stderr); the crawl went on.
    assert any(n.startswith("discovery FAILED failed: \"" + BROKEN) for n in two["notes"])
    assert f'warning: discovery: "{BROKEN}"' in second.stderr
    assert any("2 candidate URLs (2 new) added to the seeds" in n for n in two["notes"])
    # Recorded as discovery runs handed to the scans that crawled them.
    runs = rows(tmp_path / "data" / "watch.db",
                "SELECT id, crawl_run, status FROM discovery_runs ORDER BY id")
    assert [(r["crawl_run"], r["status"]) for r in runs] == [(one["run_id"], "finished"),
                                                            (two["run_id"], "finished")]
    assert rows(tmp_path / "data" / "watch.db", "SELECT url FROM discoveries WHERE url = ?",
                (hidden,))


def test_fail_on_new_counts_discovered_pages(tmp_path: Path) -> None:
    site = WatchSite(tmp_path / "site")
    site.page(DELTA, "hidden.html", "Delta Air Lines", N2, "Refunds")
    with SiteServer(root=tmp_path / "site") as server, SearxServer() as searx:
        config = write_config(tmp_path / "scan.toml", server)
        config.write_text(config.read_text() + discovery_table(searx, FOUND))
        assert scan(config, "--allow-host", searx.allow).returncode == 0
        searx.answers[FOUND] = Answer(urls=[server.url(DELTA, "/hidden.html")])
        result = scan(config, "--allow-host", searx.allow, "--fail-on-new")
    assert result.returncode == 1, result.stderr
    assert result.json()["newly_flagged"] == 1


def test_an_unreachable_provider_never_stops_the_crawl(tmp_path: Path) -> None:
    WatchSite(tmp_path / "site")
    with SiteServer(root=tmp_path / "site") as server, SearxServer() as searx:
        config = write_config(tmp_path / "scan.toml", server)
        # No --allow-host for the SearXNG on loopback: the network guard refuses it.
        config.write_text(config.read_text() + discovery_table(searx, FOUND))
        result = scan(config)
    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert summary["status"] == "finished" and summary["pages"] == 4
    assert summary["discovery"]["problem"]
    assert any(n.startswith("discovery: the 1 [discovery] query was not searched: ")
               for n in summary["notes"])
    assert searx.hits == []


def test_brand_templates_and_url_lists(tmp_path: Path) -> None:
    site = WatchSite(tmp_path / "site")
    site.page(DELTA, "hidden.html", "Delta Air Lines", N2, "Refunds")
    with SiteServer(root=tmp_path / "site") as server, SearxServer() as searx:
        config = write_config(tmp_path / "scan.toml", server)
        base = config.read_text()
        config.write_text(base + f'[discovery]\nsearxng_url = "{searx.url}"\nbrands = ["delta"]\n'
                          "languages = [\"en\"]\nmax_results = 5\ndelay = 0\n")
        result = scan(config, "--allow-host", searx.allow)
        asked = searx.queries_asked()
        (tmp_path / "suspects.txt").write_text(server.url(DELTA, "/hidden.html") + "\n")
        config.write_text(base + '[discovery]\nprovider = "urls"\nurls_file = "suspects.txt"\n')
        listed = scan(config)
    assert result.returncode == 0, result.stderr
    assert asked and all("Delta Air Lines" in q for q in asked)
    assert len(asked) == result.json()["discovery"]["queries"]
    assert listed.returncode == 0, listed.stderr
    pages = {p["url"]: p["change"] for p in listed.json()["diff"]["pages"]}
    assert pages[server.url(DELTA, "/hidden.html")] == "new"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('provider = "bing"\nqueries = ["x"]', "unknown provider 'bing'"),
        ("searxng_url = \"http://x\"", "nothing to search"),
        ('provider = "urls"', 'provider "urls" needs urls_file'),
        ('provider = "urls"\nurls_file = "nope.txt"', "nope.txt: no such file"),
        ('brands = ["Acme Rockets"]', "no protected brand is called 'Acme Rockets'"),
        ('brands = ["Delta"]\nlanguages = ["xx"]', "no query templates for language 'xx'"),
        ('queries = ["x"]\ntimeout = 0', "timeout: must be a number of seconds above 0"),
    ],
)
def test_discovery_table_problems(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.html").write_text("<p>hello</p>")
    config = tmp_path / "scan.toml"
    config.write_text(f'seeds = ["site"]\n[discovery]\n{table}\n')
    with pytest.raises(ScanConfigError) as caught:
        load_scan_config(config)
    assert message in str(caught.value)
    assert str(config) + ":" in str(caught.value)
