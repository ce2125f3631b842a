"""Helpers for report tests: one crawl of the fixture sites per test module, copied per test.

:func:`crawled_copy` runs the ``crawl`` fixture (conftest.py) the first time a module asks and
hands every test its own copy of the database, so tests that mark findings ``reported`` do
not see each other. :func:`run_cli` runs ``scamlines`` in-process (reports need no reactor).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from crawlhelp import NEWS_HOST, OFFICIAL_HOST, PRINTER_HOST, SCAM_HOST, CrawlResult, query
from sitemock import SiteServer

from crawler.cli import cli

#: The fixture page whose title and number context carry HTML/script payloads.
PAYLOAD_HOST = "norton-helpdesk-support.net"
PAYLOAD_NUMBER = "+18885550166"

#: Pages crawled (depth 0: exactly these, so the expected findings are known).
SEED_PATHS = (
    (SCAM_HOST, "/contact.html"),  # flagged, Amazon, +18885550142 (text and tel:)
    (SCAM_HOST, "/refund-help.html"),  # flagged, Amazon, obfuscated +18445550163
    (SCAM_HOST, "/redirect/moved-contact.html"),  # flagged through a 301
    (PRINTER_HOST, "/contact.html"),  # flagged, HP, +18775550199
    (PRINTER_HOST, "/canon.html"),  # flagged, Canon, +18555550188
    (OFFICIAL_HOST, "/gp/help/contact-us.html"),  # official, Amazon's verified number
    (NEWS_HOST, "/2026/fake-support-numbers.html"),  # clean: a news story quoting a scam number
    (PAYLOAD_HOST, "/"),  # flagged, Norton, +18885550166, with payloads
)


def seeds(site: SiteServer) -> list[str]:
    return [site.url(host, path) for host, path in SEED_PATHS]


def crawled_copy(crawl: Any, site: SiteServer, crawl_dir: Path, tmp_path: Path) -> Path:
    """A private copy of one crawl of :data:`SEED_PATHS`, run into ``crawl_dir`` on first use.

    Test modules call this from a function-scoped fixture with a module-scoped ``crawl_dir``,
    so the ``crawl`` fixture runs once per module and each test gets its own database.
    """
    source = crawl_dir / "crawl.db"
    if not source.exists():
        # Served text: these tests are about what pages say as served (a rendered payload page
        # would retitle itself); screenshots in reports are tested in test_render.py.
        result: CrawlResult = crawl(*seeds(site), "--depth", "0", "--render", "never", db=source)
        assert result.returncode == 0, result.stderr
    return copy_db(source, tmp_path / "report.db")


def copy_db(source: Path, copy: Path) -> Path:
    """``source`` copied to ``copy`` with SQLite's backup API, which copies a WAL database
    consistently (a file copy could miss the WAL)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(copy)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return copy


def run_cli(*args: Any) -> Result:
    """``scamlines ARGS`` in-process; stdout and stderr kept apart."""
    return CliRunner().invoke(cli, [str(arg) for arg in args], catch_exceptions=False)


def findings(db: Path, **where: Any) -> list[dict[str, Any]]:
    """Findings joined with their page URL, filtered by equality on findings' columns."""
    clause = " AND ".join(f"f.{column} = ?" for column in where) or "1"
    return query(
        db,
        f"SELECT f.*, p.url, p.host FROM findings f JOIN pages p ON p.id = f.page_id "
        f"WHERE {clause} ORDER BY f.id",
        tuple(where.values()),
    )


def is_screenshot(element: Any) -> bool:
    """True for the report's own screenshot images: a PNG ``data:`` URI inside
    ``<figure class="shot">``, and no attribute but ``src``, ``alt`` and ``data-sha256``."""
    parent = element.getparent()
    return (
        element.tag == "img"
        and parent is not None and parent.tag == "figure" and parent.get("class") == "shot"
        and str(element.get("src", "")).startswith("data:image/png;base64,")
        and set(element.attrib) <= {"src", "alt", "data-sha256"}
    )  # fmt: skip


def foreign_elements(doc: Any) -> list[Any]:
    """Elements that could load or link anything, other than our own screenshots."""
    found = doc.xpath("//img | //a | //iframe | //object | //embed | //link | //svg")
    return [element for element in found if not is_screenshot(element)]
