"""``scamlines crawl`` as analysts and cron run it, and ``scrapy crawl scamlines``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from crawlhelp import EXAMPLES, PRINTER_HOST, REPO, query, run_scamlines, site_args
from crawlhelp import subprocess_env as env
from sitemock import SiteServer

pytestmark = pytest.mark.slow


def test_readme_first_command_crawls_the_bundled_example_site(tmp_path: Path) -> None:
    # From a directory with no scrapy.cfg (as under cron), relative --db, text summary.
    result = run_scamlines("crawl", str(EXAMPLES), "--db", "scamlines.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    db = tmp_path / "scamlines.db"
    assert db.is_file()
    out = result.stdout
    assert out.startswith("Crawl run 1 finished")
    assert "flagged (3):" in out
    assert "refused by the network guard: 0" in out
    assert f"database: {db}" in out
    flagged = query(db, "SELECT url, brands FROM pages WHERE verdict = 'flagged' ORDER BY url")
    assert [Path(row["url"]).name for row in flagged] == [
        "microsoft-tech-support.html",
        "netflix-billing.html",
        "paypal-help-desk.html",
    ]
    others = query(db, "SELECT url, verdict FROM pages WHERE verdict != 'flagged'")
    assert {Path(row["url"]).name for row in others} == {
        "index.html",
        "delta-contact.html",
        "scam-warning.html",
    }
    assert all(row["verdict"] in ("clean", "official") for row in others)


def test_local_crawl_cannot_read_outside_its_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    secret = tmp_path / "secret.html"
    secret.write_text("<p>call 1-888-555-0142</p>")
    (site / "index.html").write_text(
        f'<a href="../secret.html">up</a> <a href="{secret.as_uri()}">abs</a>'
        ' <a href="file:///etc/passwd">passwd</a> <a href="page.html">page</a>'
    )
    (site / "page.html").write_text("<p>a page</p>")
    result = run_scamlines("crawl", str(site), "--db", str(tmp_path / "x.db"), "--format", "json")
    assert result.returncode == 0, result.stderr
    urls = {Path(row["url"]).name for row in query(tmp_path / "x.db", "SELECT url FROM pages")}
    assert urls == {"index.html", "page.html"}
    assert result.json()["out_of_scope_links"] == 2  # secret.html (two spellings) and passwd


def test_progress_lines_on_stderr(tmp_path: Path) -> None:
    with SiteServer(delay=0.3, gen_pages=8) as site:
        args = [
            "crawl",
            site.url(PRINTER_HOST, "/gen/0"),
            "--db",
            str(tmp_path / "p.db"),
            *site_args(site),
            "--set",
            "CONCURRENT_REQUESTS_PER_DOMAIN=1",
            "--set",
            "SCAMLINES_PROGRESS_INTERVAL=0.5",
        ]
        result = run_scamlines(*args)
        quiet = run_scamlines(*args, "--quiet", "--db", str(tmp_path / "q.db"))
    assert result.returncode == 0, result.stderr
    progress = [line for line in result.stderr.splitlines() if " pages (" in line]
    assert progress, result.stderr
    assert "flagged" in progress[-1]
    assert "/s)" in progress[-1]
    assert "Crawl run" in result.stdout
    assert " pages (" not in quiet.stderr


def test_scrapy_crawl_from_the_repository_root(tmp_path: Path) -> None:
    db = tmp_path / "scrapy.db"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "scamlines",
            "-a",
            f"seeds={EXAMPLES}",
            "-s",
            f"SCAMLINES_DB={db}",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=REPO,
        env=env(),
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    runs = query(db, "SELECT * FROM runs")
    assert [(r["kind"], r["status"], r["finish_reason"]) for r in runs] == [
        ("crawl", "finished", "finished")
    ]
    assert query(db, "SELECT count(*) AS n FROM pages")[0]["n"] == 6
    assert query(db, "SELECT count(*) AS n FROM findings WHERE verdict = 'flagged'")[0]["n"] == 3


def test_help_lists_the_options() -> None:
    result = run_scamlines("crawl", "--help")
    assert result.returncode == 0
    for option in (
        "--db",
        "--allowlist",
        "--depth",
        "--max-pages",
        "--resume",
        "--allow-host",
        "--ignore-robots",
        "--follow-offsite",
        "--seeds-file",
        "--user-agent",
        "--timeout",
        "--format",
        "--quiet",
    ):
        assert option in result.stdout


def test_follow_offsite_ignore_robots_and_max_pages(crawl, site: SiteServer, tmp_path) -> None:
    from crawlhelp import SCAM_HOST

    result = crawl(
        site.url(SCAM_HOST),
        "--follow-offsite",
        "--ignore-robots",
        "--max-pages",
        "12",
        "--user-agent",
        "scamlines-test (+https://example.org/contact)",
    )
    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert (summary["status"], summary["reason"], summary["pages"]) == (
        "finished",
        "max_pages",
        12,
    )
    assert summary["robots_ignored"] is True
    assert query(tmp_path / "crawl.db", "SELECT count(*) AS n FROM pages")[0]["n"] == 12
    # Contact and brand pages first, so the other site's support page made the cut.
    assert site.paths_hit(PRINTER_HOST)
    settings = query(tmp_path / "crawl.db", "SELECT settings FROM runs")[0]["settings"]
    assert '"ROBOTSTXT_OBEY": false' in settings
    assert "scamlines-test" in settings


def test_http_cache_replays_pages_but_not_server_errors(crawl, site: SiteServer, tmp_path) -> None:
    from crawlhelp import SCAM_HOST

    seeds = [site.url(SCAM_HOST, "/about.html"), site.url(SCAM_HOST, "/status/500")]
    # The cache lives next to the database (PATH.state/httpcache): re-runs into it share it.
    first = crawl(*seeds, "--depth", "0", "--http-cache")
    assert first.returncode == 0, first.stderr
    hits = len(site.paths_hit(SCAM_HOST))
    second = crawl(*seeds, "--depth", "0", "--http-cache")
    assert second.returncode == 0, second.stderr
    again = site.paths_hit(SCAM_HOST)[hits:]
    assert "/about.html" not in again  # served from the cache
    assert "/status/500" in again  # retryable errors are never cached
    cached = query(
        tmp_path / "crawl.db",
        "SELECT p.url, c.cached FROM captures c JOIN pages p ON p.id = c.page_id "
        "WHERE c.run_id = 2 ORDER BY p.url",
    )
    assert {Path(r["url"]).name: r["cached"] for r in cached} == {"500": 0, "about.html": 1}


@pytest.mark.parametrize(
    ("setting", "flagged"),
    [("SCAMLINES_PAGE_WORKER=false", 3), ("SCAMLINES_DETECTOR_ENABLED=false", 0)],
)
def test_inline_and_detector_off_modes(tmp_path: Path, setting: str, flagged: int) -> None:
    db = tmp_path / "mode.db"
    result = run_scamlines(
        "crawl", str(EXAMPLES), "--db", str(db), "--format", "json", "--set", setting
    )
    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert (summary["recorded"], summary["flagged_total"]) == (6, flagged)
    verdicts = {row["verdict"] for row in query(db, "SELECT verdict FROM pages")}
    assert verdicts == ({None} if flagged == 0 else {"flagged", "clean"})
