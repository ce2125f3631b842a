"""Stopping and resuming crawls: SIGKILL mid-crawl, SIGTERM, then ``--resume``.

The site is a slow tree of 40 generated pages (0.25 s each, two requests at a time), so a
crawl is still running when the test stops it. After the resume every page must be in the
store exactly once, in the same run, with one capture each, and pages recorded before the
stop must not be fetched again.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawlhelp import PRINTER_HOST, query, run_scamlines, scamlines_command, site_args
from crawlhelp import subprocess_env as env
from sitemock import SiteServer

pytestmark = pytest.mark.slow

PAGES = 40


@pytest.fixture
def slow_site() -> Iterator[SiteServer]:
    with SiteServer(delay=0.25, gen_pages=PAGES) as server:
        yield server


def crawl_args(site: SiteServer, db: Path, *extra: str) -> list[str]:
    return [
        "crawl",
        site.url(PRINTER_HOST, "/gen/0"),
        "--db",
        str(db),
        "--depth",
        "10",
        "--format",
        "json",
        "--quiet",
        *site_args(site),
        "--set",
        "CONCURRENT_REQUESTS_PER_DOMAIN=2",
        "--set",
        "SCAMLINES_STORE_BATCH=1",
        *extra,
    ]


def start(site: SiteServer, db: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        scamlines_command(*crawl_args(site, db, *extra)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )


def wait_for_pages(db: Path, process: subprocess.Popen[str], count: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if db.exists():
            try:
                found = query(db, "SELECT count(*) AS n FROM pages")[0]["n"]
            except sqlite3.Error:  # the schema may not exist yet
                found = 0
            if found >= count:
                return found
        time.sleep(0.05)
    raise AssertionError("the crawl recorded too few pages in time")


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def assert_every_page_once(db: Path, site: SiteServer, before: set[str]) -> dict:
    runs = query(db, "SELECT * FROM runs")
    assert len(runs) == 1
    run_id = runs[0]["id"]
    urls = [row["url"] for row in query(db, "SELECT url FROM pages")]
    expected = {site.url(PRINTER_HOST, f"/gen/{n}") for n in range(PAGES)}
    assert set(urls) == expected  # no page lost
    assert len(urls) == PAGES  # none twice
    per_page = query(
        db,
        "SELECT p.url, count(c.id) AS captures FROM pages p "
        "LEFT JOIN captures c ON c.page_id = p.id AND c.run_id = ? GROUP BY p.id",
        (run_id,),
    )
    assert {row["captures"] for row in per_page} == {1}
    assert query(db, "SELECT count(*) AS n FROM page_runs WHERE run_id = ?", (run_id,))[0][
        "n"
    ] == PAGES
    hits = site.paths_hit(PRINTER_HOST)
    for url in before:  # recorded before the stop: served from the store on resume
        path = url.split(str(site.port), 1)[1]
        assert hits.count(path) == 1, path
    return runs[0]


def test_resume_after_sigkill(tmp_path: Path, slow_site: SiteServer) -> None:
    db = tmp_path / "killed.db"
    process = start(slow_site, db)
    wait_for_pages(db, process, 8)
    workers = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=10)
    before = {row["url"] for row in query(db, "SELECT url FROM pages")}
    assert 8 <= len(before) < PAGES
    assert query(db, "SELECT status FROM runs")[0]["status"] == "running"

    # The detector's worker processes notice their parent died and exit.
    deadline = time.monotonic() + 10
    while not all(gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(gone(pid) for pid in workers), workers

    result = run_scamlines(*crawl_args(slow_site, db, "--resume"))
    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert (summary["status"], summary["resumed"]) == ("finished", True)
    assert summary["replayed"] >= len(before)
    assert summary["recorded"] == PAGES - len(before)
    run = assert_every_page_once(db, slow_site, before)
    assert run["status"] == "finished"
    assert_summary_counts_the_whole_run(db, summary)


def assert_summary_counts_the_whole_run(db: Path, summary: dict) -> None:
    """The summary's verdicts and flagged list are the store's, pages recorded before the stop
    included (the resumed process's own stats know nothing of those)."""
    stored = query(db, "SELECT verdict, count(*) AS n FROM page_runs GROUP BY verdict")
    verdicts = {row["verdict"]: row["n"] for row in stored if row["verdict"]}
    assert summary["verdicts"] == verdicts
    assert summary["analysed"] + summary["not_analysed"] == summary["run_pages"] == PAGES
    flagged = query(db, "SELECT count(*) AS n FROM findings WHERE verdict = 'flagged'")[0]["n"]
    assert summary["flagged_total"] == flagged


@pytest.mark.parametrize(
    ("stop", "reason"),
    [("SIGTERM", "shutdown"), ("SIGINT", "shutdown"), ("--timeout", "closespider_timeout")],
)
def test_interrupted_crawl_is_summarised_and_resumes(
    tmp_path: Path, slow_site: SiteServer, stop: str, reason: str
) -> None:
    db = tmp_path / "stopped.db"
    extra = ["--timeout", "2"] if stop == "--timeout" else []
    process = start(slow_site, db, *extra)
    if stop != "--timeout":
        wait_for_pages(db, process, 8)
        process.send_signal(getattr(signal, stop))  # Ctrl-C is SIGINT
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    summary = json.loads(stdout.strip().splitlines()[-1])
    assert (summary["status"], summary["reason"]) == ("interrupted", reason)
    before = {row["url"] for row in query(db, "SELECT url FROM pages")}
    assert 0 < len(before) < PAGES
    assert summary["recorded"] == len(before)
    run = query(db, "SELECT * FROM runs")[0]
    assert (run["status"], run["finish_reason"]) == ("interrupted", reason)
    assert Path(summary["jobdir"]).is_dir()

    result = run_scamlines(*crawl_args(slow_site, db, "--resume"))
    assert result.returncode == 0, result.stderr
    assert result.json()["resumed"] is True
    run = assert_every_page_once(db, slow_site, before)
    assert run["status"] == "finished"
    assert_summary_counts_the_whole_run(db, result.json())


def test_resume_with_nothing_to_resume_says_so(tmp_path: Path, slow_site: SiteServer) -> None:
    # Issue 16, item 5: --resume after a finished crawl used to start a new run silently.
    db = tmp_path / "fresh.db"
    first = run_scamlines(*crawl_args(slow_site, db, "--max-pages", "3"))
    assert first.json()["status"] == "finished"
    second = run_scamlines(*crawl_args(slow_site, db, "--max-pages", "3", "--resume"))
    assert second.returncode == 2, second.stdout
    assert "nothing to resume for these seeds: its last run (1) finished" in second.stderr
    assert "Traceback" not in second.stderr
    assert query(db, "SELECT count(*) AS n FROM runs")[0]["n"] == 1  # nothing started
    assert query(db, "SELECT count(*) AS n FROM page_runs")[0]["n"] == 3