"""Focused crawling against breadth-first on the same 1,000-page site, 200 pages each.

The site (:mod:`focussite`) is a content farm where 20 pages advertise fake support numbers,
four links deep. With a budget of 200 pages the focused crawl must reach at least 18 of
them; breadth-first, the same crawl (``SCAMLINES_FOCUSED=false``) must do worse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from crawlhelp import query, run_scamlines
from focussite import HOST, PAGES, SUPPORT_PAGES, MemorySite, Site, make_site

pytestmark = pytest.mark.slow

BUDGET = 200


@pytest.fixture(scope="module")
def farm() -> Iterator[tuple[Site, MemorySite]]:
    site = make_site()
    assert len(site.support) == SUPPORT_PAGES
    with MemorySite(site.pages) as server:
        yield site, server


def crawl(server: MemorySite, db: Path, *, focused: bool) -> None:
    result = run_scamlines(
        "crawl", f"http://{HOST}:{server.port}/", "--db", str(db), "--format", "json",
        "--quiet", "--max-pages", str(BUDGET), "--depth", "10",
        "--resolve", f"{HOST}=127.0.0.1", "--resolve-only",
        "--allow-host", f"{HOST}:{server.port}",
        "--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=false",
        "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "--set", f"SCAMLINES_FOCUSED={'true' if focused else 'false'}",
        # Ordering is measured as served: a render delays a page's item past the budget.
        "--render", "never",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert summary["status"] == "finished"
    assert summary["pages"] == BUDGET  # the budget, not the site, ended the crawl


def reached(db: Path, site: Site, port: int) -> list[dict[str, Any]]:
    """The support pages the crawl fetched, with their verdict and priority."""
    urls = [f"http://{HOST}:{port}{path}" for path in site.support]
    marks = ", ".join("?" for _ in urls)
    return query(db, f"SELECT url, verdict, priority FROM pages WHERE url IN ({marks})",
                 tuple(urls))  # fmt: skip


def test_focused_crawl_reaches_the_support_pages_first(
    farm: tuple[Site, MemorySite],
    tmp_path: Path,
    record_property: Callable[[str, object], None],
) -> None:
    site, server = farm
    focused_db, bfs_db = tmp_path / "focused.db", tmp_path / "bfs.db"
    crawl(server, focused_db, focused=True)
    crawl(server, bfs_db, focused=False)
    focused = reached(focused_db, site, server.port)
    breadth = reached(bfs_db, site, server.port)
    record_property("focused_support_pages", len(focused))
    record_property("breadth_first_support_pages", len(breadth))
    report = (
        f"support pages reached in {BUDGET} of {PAGES} pages: focused {len(focused)}/"
        f"{SUPPORT_PAGES}, breadth-first {len(breadth)}/{SUPPORT_PAGES}"
    )
    print(report)
    assert len(focused) >= 18, report
    assert len(breadth) < len(focused), report
    # Reaching them is the point; each is also judged a fake support page.
    assert all(page["verdict"] == "flagged" for page in focused), focused

    # The store shows why: the score that ordered the crawl is pages.priority.
    others = query(focused_db, "SELECT priority FROM pages WHERE url NOT LIKE '%/helpline/%'")
    ordinary = sorted(int(row["priority"]) for row in others)
    assert min(int(p["priority"]) for p in focused) > ordinary[len(ordinary) // 2]
    assert {row["priority"] for row in query(bfs_db, "SELECT priority FROM pages")} == {0}
