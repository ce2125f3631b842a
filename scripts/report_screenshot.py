"""Render the HTML report of the fixture sites and screenshot it in headless Chromium.

    python scripts/report_screenshot.py [--out docs/report-screenshot.png]

Crawls the test fixture sites (``tests/site/``, served on 127.0.0.1; nothing leaves the
machine) into a temporary store, writes ``scamlines report --format html`` and saves a
1280x900 screenshot. Needs Debian's ``chromium``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from crawlhelp import run_scamlines, site_args  # after the sys.path line above
from reporthelp import seeds
from sitemock import SiteServer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "report-screenshot.png")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        report = crawl_and_report(Path(tmp))
        screenshot(chromium, report, args.out.resolve(), Path(tmp) / "profile")
    print(args.out)
    return 0


def crawl_and_report(tmp: Path) -> Path:
    db, report = tmp / "fixtures.db", tmp / "report.html"
    with SiteServer() as beacon, SiteServer(
        substitutions={"SECRET_PORT": beacon.port, "BEACON_PORT": beacon.port}
    ) as site:
        crawled = run_scamlines("crawl", *seeds(site), "--depth", "0", "--db", db, "--quiet",
                                *site_args(site))  # fmt: skip
        if crawled.returncode != 0:
            raise SystemExit(f"crawl failed:\n{crawled.stderr}")
    done = run_scamlines("report", "--format", "html", "--db", db, "-o", report)
    if done.returncode != 0:
        raise SystemExit(f"report failed:\n{done.stderr}")
    return report


def screenshot(chromium: str, page: Path, out: Path, profile: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", "--hide-scrollbars",
         f"--screenshot={out}", "--window-size=1280,900", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
