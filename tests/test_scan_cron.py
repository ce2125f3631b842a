"""Scans as cron runs them: overlapping jobs, a job killed with SIGKILL, a bare environment."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from crawlhelp import scamlines_command, site_args
from crawlhelp import subprocess_env as env
from scanhelp import DELTA, N1, WatchSite, rows, scan, write_config
from sitemock import SiteServer

pytestmark = pytest.mark.slow


def start_scan(config: Path) -> subprocess.Popen[str]:
    command = scamlines_command("scan", "--config", str(config), "--format", "json")
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env())  # fmt: skip


def wait_for(db: Path, sql: str, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if rows(db, sql):
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {sql}")


def slow_site(root: Path) -> WatchSite:
    """The watch site, its index also linking a tree of generated pages (slow on demand)."""
    site = WatchSite(root)
    (root / DELTA / "gen").mkdir()
    site.link("gen/0")
    return site


def test_two_scans_started_together_one_runs_the_other_exits_2(tmp_path: Path) -> None:
    slow_site(tmp_path / "site")
    with SiteServer(root=tmp_path / "site", delay=1.0, gen_pages=4) as server:
        config = write_config(tmp_path / "scan.toml", server)
        first, second = start_scan(config), start_scan(config)
        outputs = [process.communicate(timeout=90) for process in (first, second)]
    codes = sorted([first.returncode, second.returncode])
    assert codes == [0, 2], outputs
    winner, loser = (first, second) if first.returncode == 0 else (second, first)
    _, loser_err = outputs[0] if loser is first else outputs[1]
    db = tmp_path / "data" / "watch.db"
    assert f"another scan is running on {db} (pid {winner.pid}, since 20" in loser_err
    assert "Traceback" not in loser_err
    assert len(rows(db, "SELECT id FROM runs")) == 1
    assert not Path(f"{db}.lock.info").exists()  # the winner removed its note


def test_a_scan_killed_with_sigkill_does_not_poison_the_next_diff(tmp_path: Path) -> None:
    site = slow_site(tmp_path / "site")
    with SiteServer(root=tmp_path / "site", gen_pages=6) as server:
        config = write_config(tmp_path / "scan.toml", server,
                              settings="CONCURRENT_REQUESTS_PER_DOMAIN = 1")  # fmt: skip
        db = tmp_path / "data" / "watch.db"
        assert scan(config).returncode == 0  # run 1, finished
        # Run 2 sees a new page, then hangs on slow generated pages and is killed.
        site.page(DELTA, "new.html", "Delta Air Lines", N1, "Baggage Claims")
        site.link("new.html")
        server.delay = 5.0
        killed = start_scan(config)
        wait_for(db, "SELECT 1 FROM page_runs pr JOIN pages p ON p.id = pr.page_id "
                     "WHERE pr.run_id = 2 AND p.url LIKE '%/new.html'", killed)  # fmt: skip
        os.kill(killed.pid, signal.SIGKILL)
        killed.communicate(timeout=10)  # reaps it and closes its pipes
        assert rows(db, "SELECT status FROM runs WHERE id = 2") == [{"status": "running"}]
        server.delay = 0.0
        third = scan(config)
    assert third.returncode == 0, third.stderr
    assert rows(db, "SELECT status, finish_reason FROM runs WHERE id = 2") == [
        {"status": "interrupted", "finish_reason": "killed"}
    ]
    diff = third.json()["diff"]
    assert (diff["before"]["id"], diff["after"]["id"]) == (1, 3)  # the killed run is skipped
    pages = {page["url"].rsplit("/", 1)[1]: page["change"] for page in diff["pages"]}
    # Run 2 recorded new.html, but a killed run saw nothing: it is new, not back.
    assert pages.pop("new.html") == "new"
    assert set(pages.values()) == {"still"}
    assert diff["counts"]["pages"]["gone"] == diff["counts"]["findings"]["gone"] == 0
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def _scamlines_script() -> list[str]:
    """What cron runs: the installed console script (or, failing that, the module)."""
    script = Path(sys.executable).parent / "scamlines"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "crawler"]


def test_scan_runs_from_any_directory_with_a_minimal_environment(tmp_path: Path) -> None:
    WatchSite(tmp_path / "site")
    watch = tmp_path / "watch"
    watch.mkdir()
    with SiteServer(root=tmp_path / "site") as server:
        config = write_config(watch / "scan.toml", server)
        done = subprocess.run(
            ["env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", *_scamlines_script(),
             "scan", "--config", str(config)],
            cwd="/", capture_output=True, text=True, timeout=90, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    db = watch / "data" / "watch.db"
    assert done.stdout.startswith("Scan 'airlines': run 1 finished, 4 pages")
    assert f"database: {db}" in done.stdout
    assert rows(db, "SELECT count(*) AS n FROM pages WHERE verdict = 'flagged'") == [{"n": 3}]


def test_command_line_pins_work_like_crawl(tmp_path: Path) -> None:
    # The configuration pins nothing; --resolve-only/--resolve/--allow-host do, as for crawl.
    WatchSite(tmp_path / "site")
    with SiteServer(root=tmp_path / "site") as server:
        config = write_config(tmp_path / "scan.toml", server, pins=False)
        assert "resolve" not in config.read_text()
        pinned = scan(config, *site_args(server))
    assert pinned.returncode == 0, pinned.stderr
    assert pinned.json()["pages"] == 4
