"""Ctrl-C and SIGTERM, as a user sends them to a long command (issue 16 item 14, issue 17).

Each test starts ``scamlines`` in a subprocess against a loopback site or a store built here,
signals it in the middle of its work and insists on what the user must see: within a second
a line on stderr saying it is stopping and what is kept (even with ``--quiet``), then the end
of the process within a few seconds with the documented exit status, its summary, and no
traceback. The deadlines are hang limits, not speed measurements: the crawls here have pages
that would keep a download in flight for 30 s, which the old stop waited for.

A stopped crawl must lose nothing: after ``--resume`` every page is stored exactly once, the
pages abandoned in flight included (with and without a Scrapy ``JOBDIR``).
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest
from crawlhelp import PRINTER_HOST, REPO, query, run_scamlines, scamlines_command, site_args
from crawlhelp import subprocess_env as env
from scanhelp import AL, N1, page
from sitemock import SiteServer

import detector
from crawler import interrupts
from crawler.store import FetchRecord, open_store, utc_now

pytestmark = pytest.mark.slow

PAGES = 30
#: /gen/0 ... /gen/6 answer at once; from /gen/7 on a page takes 30 s (until the site hurries).
SLOW_FROM = 7
#: How soon the stopping line must be on stderr, and the process gone (hang limits).
SAYS_WITHIN, ENDS_WITHIN = 1.0, 5.0


class Running:
    """A ``scamlines`` subprocess whose output is read as it comes (stderr lines with the
    time each arrived); killed on leaving the ``with`` if it is still running."""

    def __init__(self, *args: str, cwd: Path | None = None) -> None:
        self.process = subprocess.Popen(
            scamlines_command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env(), cwd=cwd or REPO,
        )  # fmt: skip
        self.lines: list[tuple[float, str]] = []
        self.out: list[str] = []
        self.sent = 0.0
        self._readers = [
            threading.Thread(target=self._read_err, daemon=True),
            threading.Thread(target=self._read_out, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_err(self) -> None:
        assert self.process.stderr is not None
        with self.process.stderr as stream:
            for line in stream:
                self.lines.append((time.monotonic(), line.rstrip("\n")))

    def _read_out(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout as stream:
            self.out.extend(stream)

    @property
    def stderr(self) -> str:
        return "\n".join(line for _, line in self.lines)

    @property
    def stdout(self) -> str:
        return "".join(self.out)

    def signal(self, sig: int) -> None:
        assert self.process.poll() is None, (self.stdout, self.stderr)
        self.sent = time.monotonic()
        self.process.send_signal(sig)

    def says(self, prefix: str, within: float = SAYS_WITHIN) -> str:
        """The first stderr line since the signal starting with ``prefix``, waited for up to
        ``within`` seconds after the signal was sent."""
        while True:
            for arrived, line in list(self.lines):
                if arrived >= self.sent and line.startswith(prefix):
                    return line
            if time.monotonic() > self.sent + within:
                raise AssertionError(f"no {prefix!r} on stderr within {within} s:\n{self.stderr}")
            time.sleep(0.01)

    def ends(self, within: float = ENDS_WITHIN) -> int:
        """The exit status, waited for up to ``within`` seconds after the signal."""
        try:
            self.process.wait(timeout=max(0.0, self.sent + within - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"still running {within} s after the signal:\n{self.stderr}"
            ) from None
        for reader in self._readers:
            reader.join(5)
        assert "Traceback" not in self.stderr, self.stderr
        assert "Traceback" not in self.stdout, self.stdout
        return self.process.returncode

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        for reader in self._readers:
            reader.join(10)


def wait_until(condition: Any, what: str, process: Running, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert process.process.poll() is None, (what, process.stdout, process.stderr)
        assert time.monotonic() < deadline, f"waited too long for {what}:\n{process.stderr}"
        time.sleep(0.05)


def count(db: Path, sql: str) -> int:
    try:
        return int(query(db, sql)[0]["n"])
    except sqlite3.Error:  # not created yet
        return 0


# --- crawls -----------------------------------------------------------------------------------


@pytest.fixture
def hanging_site() -> Iterator[SiteServer]:
    with SiteServer(delay=0.05, gen_pages=PAGES, slow_from=SLOW_FROM) as server:
        yield server
        server.hurry.set()  # no handler thread left sleeping


def crawl_args(site: SiteServer, db: Path, *extra: str) -> list[str]:
    return ["crawl", site.url(PRINTER_HOST, "/gen/0"), "--db", str(db), "--depth", "10",
            "--format", "json", "--quiet", *site_args(site),
            "--set", "SCAMLINES_STORE_BATCH=1", *extra]  # fmt: skip


def hanging(db: Path, site: SiteServer, process: Running) -> None:
    """Wait until the fast pages are stored and slow ones are in flight."""
    wait_until(lambda: count(db, "SELECT count(*) AS n FROM pages") >= SLOW_FROM,
               "the fast pages", process)  # fmt: skip
    slow = {f"/gen/{n}" for n in range(SLOW_FROM, PAGES)}
    wait_until(lambda: len(slow.intersection(site.paths_hit(PRINTER_HOST))) >= 2,
               "slow pages in flight", process)  # fmt: skip


def assert_stored_at_most(line: str, stored: int) -> None:
    """The message counts the pages the crawl has heard are committed: all ``stored`` of them,
    or one or two fewer when the page worker's word is still on its way."""
    match = re.match(r"interrupted: stopping; (\d+) pages stored, \d+ in flight abandoned", line)
    assert match, line
    assert 0 < int(match[1]) <= stored, line


def assert_every_page_once(db: Path, site: SiteServer, before: set[str]) -> None:
    urls = [row["url"] for row in query(db, "SELECT url FROM pages")]
    assert sorted(urls) == sorted(site.url(PRINTER_HOST, f"/gen/{n}") for n in range(PAGES))
    runs = query(db, "SELECT * FROM runs")
    assert [(r["status"], r["finish_reason"]) for r in runs] == [("finished", "finished")]
    hits = site.paths_hit(PRINTER_HOST)
    for url in before:  # stored before the stop: served from the store on --resume
        assert hits.count(url.split(str(site.port), 1)[1]) == 1, url


@pytest.mark.parametrize("jobdir", [False, True], ids=["replay", "jobdir"])
def test_crawl_answers_ctrl_c_at_once_and_resume_loses_nothing(
    tmp_path: Path, hanging_site: SiteServer, jobdir: bool
) -> None:
    db = tmp_path / "stopped.db"
    # With a JOBDIR the frontier is Scrapy's queue on disk: what was abandoned must be in it.
    extra = ["--set", f"JOBDIR={tmp_path / 'job'}"] if jobdir else []
    with Running(*crawl_args(hanging_site, db, *extra)) as crawl:
        hanging(db, hanging_site, crawl)
        crawl.signal(signal.SIGINT)
        line = crawl.says("interrupted: stopping")
        assert_stored_at_most(line, SLOW_FROM)
        assert line.endswith(" in flight abandoned (scamlines crawl --resume continues)"), line
        assert crawl.ends() == 0  # README: an interrupted crawl exits 0, resumable
    summary = json.loads(crawl.stdout.splitlines()[-1])
    assert (summary["status"], summary["reason"]) == ("interrupted", "shutdown")
    assert summary["recorded"] == SLOW_FROM
    assert summary["abandoned"] >= 2
    assert summary["problem"] is None  # abandoned is not failed
    run = query(db, "SELECT * FROM runs")[0]
    assert (run["status"], run["finish_reason"]) == ("interrupted", "shutdown")
    before = {row["url"] for row in query(db, "SELECT url FROM pages")}

    hanging_site.hurry.set()
    resumed = run_scamlines(*crawl_args(hanging_site, db, "--resume", *extra))
    assert resumed.returncode == 0, resumed.stderr
    assert "Traceback" not in resumed.stderr
    assert (resumed.json()["status"], resumed.json()["resumed"]) == ("finished", True)
    assert_every_page_once(db, hanging_site, before)


def test_the_run_time_limit_does_not_wait_for_downloads_in_flight(
    tmp_path: Path, hanging_site: SiteServer
) -> None:
    db = tmp_path / "limited.db"
    limited = run_scamlines(*crawl_args(hanging_site, db, "--timeout", "4"), timeout=60)
    assert limited.returncode == 0, limited.stderr
    assert "Traceback" not in limited.stderr
    summary = limited.json()
    assert (summary["status"], summary["reason"]) == ("interrupted", "closespider_timeout")
    # Given up, not waited for (before: the slow pages held the close for their 30 s).
    assert summary["abandoned"] >= 2 and summary["problem"] is None
    before = {row["url"] for row in query(db, "SELECT url FROM pages")}
    hanging_site.hurry.set()
    resumed = run_scamlines(*crawl_args(hanging_site, db, "--resume"))
    assert resumed.returncode == 0, resumed.stderr
    assert_every_page_once(db, hanging_site, before)


@pytest.mark.parametrize("jobdir", [False, True], ids=["replay", "jobdir"])
def test_a_crawl_stopped_while_rendering_loses_nothing(
    tmp_path: Path, hanging_site: SiteServer, jobdir: bool
) -> None:
    """Pages being rendered in the browser when Ctrl-C comes are dropped (their requests are
    refused from then on) and rendered again by ``--resume``."""
    from crawler.render import chromium_path

    if chromium_path() is None:
        pytest.skip("needs Chromium")
    db = tmp_path / "rendering.db"
    extra = ["--set", f"JOBDIR={tmp_path / 'job'}"] if jobdir else []
    args = crawl_args(hanging_site, db, "--set", "SCAMLINES_RENDER=always", *extra)
    with Running(*args) as crawl:
        wait_until(lambda: count(db, "SELECT count(*) AS n FROM pages") >= 2, "rendered pages",
                   crawl)  # fmt: skip
        crawl.signal(signal.SIGINT)
        crawl.says("interrupted: stopping; ")
        assert crawl.ends() == 0
    assert json.loads(crawl.stdout.splitlines()[-1])["status"] == "interrupted"
    before = {row["url"] for row in query(db, "SELECT url FROM pages")}
    hanging_site.hurry.set()
    resumed = run_scamlines(*args, "--resume", timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert_every_page_once(db, hanging_site, before)
    sources = query(db, "SELECT DISTINCT text_source AS s FROM captures")
    assert sources == [{"s": "rendered"}]


def test_a_second_ctrl_c_stops_the_crawl_at_once(
    tmp_path: Path, hanging_site: SiteServer
) -> None:
    db = tmp_path / "forced.db"
    with Running(*crawl_args(hanging_site, db)) as crawl:
        hanging(db, hanging_site, crawl)
        crawl.signal(signal.SIGINT)
        crawl.says("interrupted: stopping; ")
        crawl.signal(signal.SIGINT)
        crawl.says("interrupted again (SIGINT): stopping now")
        assert crawl.ends(within=2) == interrupts.forced_exit_status(signal.SIGINT) == 130
    before = {row["url"] for row in query(db, "SELECT url FROM pages")}
    hanging_site.hurry.set()
    resumed = run_scamlines(*crawl_args(hanging_site, db, "--resume"))  # as after kill -9
    assert resumed.returncode == 0, resumed.stderr
    assert_every_page_once(db, hanging_site, before)


def test_scan_answers_sigterm_at_once(tmp_path: Path, hanging_site: SiteServer) -> None:
    site = hanging_site
    config = tmp_path / "scan.toml"
    config.write_text(
        f'name = "printers"\ndb = "slow.db"\nseeds = ["{site.url(PRINTER_HOST, "/gen/0")}"]\n'
        "[limits]\ndepth = 10\nmax_pages = 100\ntimeout = 120\n"
        f'[crawl]\nresolve_only = true\nresolve = {{ "{PRINTER_HOST}" = "{site.address}" }}\n'
        f'allow_hosts = ["{PRINTER_HOST}:{site.port}"]\n'
        "[crawl.settings]\nDOWNLOAD_DELAY = 0\nAUTOTHROTTLE_ENABLED = false\n"
        'CONCURRENT_REQUESTS_PER_DOMAIN = 8\nSCAMLINES_STORE_BATCH = 1\nSCAMLINES_RENDER = "never"\n',
        encoding="utf-8",
    )
    db = tmp_path / "slow.db"
    with Running("scan", "--config", str(config), "--quiet", "--format", "json") as scan:
        hanging(db, site, scan)
        scan.signal(signal.SIGTERM)  # systemd stopping the unit, or RuntimeMaxSec
        line = scan.says("interrupted: stopping")
        assert_stored_at_most(line, SLOW_FROM)
        assert line.endswith("(the next scan crawls them again)"), line
        assert scan.ends() == 0  # README: a scan that did not finish is not an error
    summary = json.loads(scan.stdout.splitlines()[-1])  # --quiet still prints an unfinished scan
    assert (summary["status"], summary["reason"], summary["pages"]) == (
        "interrupted", "shutdown", SLOW_FROM)
    assert any(note.startswith("WARNING: the crawl did not finish") for note in summary["notes"])


# --- plain-Python loops over a store ---------------------------------------------------------

#: A Delta "help desk" page with twenty fictional numbers: many report rows per finding.
NUMBERS = [f"+1{area}55501{n:02d}" for area in (844, 855, 866, 877) for n in range(5)]


def big_store(path: Path, pages: int) -> None:
    """One finished scan of ``pages`` flagged pages (one body, analysed once)."""
    html = page("Delta Air Lines", N1, *NUMBERS)
    report = detector.analyze(html, url="http://delta-help.weebly.com/", allowlist=AL,
                              content_type="text/html")  # fmt: skip
    with open_store(path) as store:
        run_id = store.start_run("scan", ["http://delta-help.weebly.com/"], {}, AL)
        batch = []
        for n in range(pages):
            url = f"http://delta-help{n % 40}.weebly.com/{n}.html"
            fetch = FetchRecord(url=url, final_url=url, status=200, body=html.encode(),
                                fetched_at=utc_now(), content_type="text/html")  # fmt: skip
            batch.append((fetch, report))
        store.record_pages(run_id, batch)
        store.finish_run(run_id, "finished", {})


def has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` has ``path`` open (it is past start-up, in the command)."""
    try:
        links = [str(fd.readlink()) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return str(path) in links


def test_rescan_answers_ctrl_c_and_keeps_what_it_did(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    big_store(db, 1500)
    with Running("rescan", "--db", str(db), "--quiet") as rescan:
        wait_until(lambda: count(db, "SELECT count(*) AS n FROM runs") == 2, "the rescan run",
                   rescan)  # fmt: skip
        time.sleep(0.3)
        rescan.signal(signal.SIGINT)
        line = rescan.says("interrupted: stopping")
        assert line.endswith("pages re-analysed are kept in rescan run 2"), line
        assert " of 1500 pages " in line, line
        assert rescan.ends() == 1  # README: rescan interrupted, what it did kept
    assert "Rescan run 2 of run 1 interrupted: " in rescan.stdout
    run = query(db, "SELECT * FROM runs WHERE id = 2")[0]
    assert (run["status"], run["finish_reason"]) == ("interrupted", "shutdown")
    recorded = count(db, "SELECT count(*) AS n FROM page_runs WHERE run_id = 2")
    stats = json.loads(run["stats"])
    assert recorded == stats["analysed"] + stats["kept"]
    assert 0 < recorded < 1500


def test_html_report_answers_ctrl_c_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    big_store(db, 1500)  # 30 000 rows: seconds of rendering
    out = tmp_path / "report.html"
    with Running("report", "--format", "html", "--db", str(db), "-o", str(out)) as report:
        wait_until(lambda: has_open(report.process.pid, db), "the report to open the store",
                   report)  # fmt: skip
        time.sleep(0.3)
        report.signal(signal.SIGINT)
        assert report.says("interrupted: stopping") == "interrupted: stopping; no report written"
        assert report.ends() == 1
    assert not out.exists()
    assert "Aborted" not in report.stderr


# --- the mechanism, in this process ----------------------------------------------------------


def test_a_signal_in_a_plain_loop_says_what_is_kept_and_raises(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = signal.getsignal(signal.SIGTERM)
    done = 0
    with pytest.raises(interrupts.Interrupted), interrupts.stoppable(lambda: f"{done} kept"):
        done = 3
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler raises here, at once
    assert capsys.readouterr().err == "interrupted: stopping; 3 kept\n"
    assert signal.getsignal(signal.SIGTERM) is before  # put back


def test_a_polled_loop_is_asked_to_stop(capsys: pytest.CaptureFixture[str]) -> None:
    with interrupts.stoppable(lambda: "all", interrupts.keep_going) as stop:
        assert not stop.requested
        os.kill(os.getpid(), signal.SIGINT)
        deadline = time.monotonic() + 5
        while not stop.requested and time.monotonic() < deadline:
            time.sleep(0.01)
    assert stop.signum == signal.SIGINT
    assert capsys.readouterr().err == "interrupted: stopping; all\n"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
