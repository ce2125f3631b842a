"""The HTML report in a real browser: a scam page's script never runs and loads nothing.

The fixture page ``tests/site/norton-helpdesk-support.net/`` puts ``<script>``, ``<img
onerror>``, ``javascript:`` links and an ``<img>`` pointing at a local *beacon* server into its
title and next to its phone number. It is crawled, the report rendered and opened in headless
Chromium; the beacon records any request. Three runs:

- the captured scam page itself (control): its script must run and hit the beacon, which
  proves the harness would notice;
- the report: the title stays, no request reaches the beacon, no element the page asked for
  exists, while the report's own script did run;
- the report with its Content-Security-Policy removed: the same, so escaping alone holds and
  the CSP is a second layer, not the only one.

Skipped when Debian's ``chromium`` is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from reporthelp import PAYLOAD_HOST, foreign_elements, run_cli
from sitemock import SiteServer

from crawler.store import open_store

CHROMIUM = shutil.which("chromium")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)"),
]


def chromium(target: Path, profile: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Open ``target`` in headless Chromium with the given options (``--dump-dom``, …)."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}",
        # Run timers and pending loads before the DOM is dumped (onerror fires asynchronously).
        "--virtual-time-budget=3000",
        *options, target.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def beacon() -> Iterator[SiteServer]:
    """A loopback server that records every request: any hit means page code ran or loaded."""
    with SiteServer(address="127.0.0.1") as server:
        yield server


@pytest.fixture
def site(secret_server: SiteServer, beacon: SiteServer) -> Iterator[SiteServer]:
    """conftest's ``site``, with the beacon's port filled into the payload page."""
    substitutions = {"SECRET_PORT": secret_server.port, "BEACON_PORT": beacon.port}
    with SiteServer(substitutions=substitutions) as server:
        yield server


@pytest.fixture
def report(report_db: Path, tmp_path: Path) -> Path:
    out = tmp_path / "report.html"
    result = run_cli("report", "--format", "html", "--db", report_db, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def hits_during(beacon: SiteServer, action: Any) -> list[str]:
    with beacon._lock:
        beacon.hits.clear()
    action()
    return beacon.paths_hit()


def test_control_the_scam_page_itself_runs_its_script(
    report_db: Path, beacon: SiteServer, tmp_path: Path
) -> None:
    with open_store(report_db) as store:
        page = next(p for p in store.pages() if p["host"] == PAYLOAD_HOST)
        body = store.body(page["body_sha256"])
    assert body is not None and f":{beacon.port}/".encode() in body
    scam = tmp_path / "scam.html"
    scam.write_bytes(body)
    done: dict[str, Any] = {}
    hits = hits_during(beacon, lambda: done.update(run=chromium(scam, tmp_path / "p", "--dump-dom")))
    assert "<title>pwned</title>" in done["run"].stdout
    assert "/page-script" in hits or "/page-img" in hits


def test_report_runs_no_page_code(report: Path, beacon: SiteServer, tmp_path: Path) -> None:
    assert_inert(report, beacon, tmp_path)


def test_escaping_alone_holds_without_the_csp(
    report: Path, beacon: SiteServer, tmp_path: Path
) -> None:
    html = report.read_text()
    stripped = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    assert stripped != html and "Content-Security-Policy" not in stripped
    bare = tmp_path / "no-csp.html"
    bare.write_text(stripped)
    assert_inert(bare, beacon, tmp_path)


def assert_inert(page: Path, beacon: SiteServer, tmp_path: Path) -> None:
    done: dict[str, Any] = {}
    hits = hits_during(beacon, lambda: done.update(run=chromium(page, tmp_path / "p", "--dump-dom")))
    assert hits == []
    dom = lxml.html.document_fromstring(done["run"].stdout)
    assert dom.findtext(".//title") == "scamlines report"
    assert foreign_elements(dom) == []
    assert len(dom.xpath("//script")) == 1
    assert [el.tag for el in dom.iter() if any(a.startswith("on") for a in el.attrib)] == []
    # The report's own script ran (it fills in the row count), so scripts were not just off.
    rows = len(dom.xpath("//tbody/tr"))
    assert dom.get_element_by_id("shown").text_content() == f"{rows} of {rows} rows shown"
    # And the payload is there, as text, highlighted number included.
    row = next(tr for tr in dom.iter("tr") if PAYLOAD_HOST in tr.text_content())
    assert "<script>document.title='pwned'</script>" in row.text_content()
    assert [m.text for m in row.iter("mark")] == ["1-888-555-0166"]


def test_screenshot(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    chromium(report, tmp_path / "p", f"--screenshot={shot}", "--window-size=1280,900",
             "--hide-scrollbars")  # fmt: skip
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 900)
