"""Shared fixtures. Crawl fixtures: a loopback site server and a way to run ``scamlines crawl``.

Every crawl test talks only to servers on 127.0.0.1/127.0.0.2: the virtual hosts of
``tests/site/`` are reached with ``--resolve HOST=127.0.0.1 --resolve-only`` (no DNS query is
sent), and the loopback servers the guard must refuse record every hit they get.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from crawlhelp import CrawlResult, run_scamlines, site_args
from sitemock import SiteServer


@pytest.fixture
def secret_server() -> Iterator[SiteServer]:
    """A loopback server the crawl must never reach (another port on 127.0.0.1)."""
    with SiteServer(address="127.0.0.1") as server:
        yield server


@pytest.fixture
def alt_loopback_server() -> Iterator[SiteServer]:
    """A server on 127.0.0.2, another loopback address the crawl must never reach."""
    with SiteServer(address="127.0.0.2") as server:
        yield server


@pytest.fixture
def site(secret_server: SiteServer) -> Iterator[SiteServer]:
    """The fixture sites, with links to the secret server's port filled in."""
    with SiteServer(substitutions={"SECRET_PORT": secret_server.port}) as server:
        yield server


@pytest.fixture
def crawl(tmp_path: Path, site: SiteServer):  # type: ignore[no-untyped-def]
    """``crawl(*seeds_and_options, db=None, timeout=90)`` against ``site``, JSON summary."""

    def run(*args: str, db: Path | None = None, timeout: float = 90) -> CrawlResult:
        db = db or tmp_path / "crawl.db"
        return run_scamlines(
            "crawl", *args, "--db", str(db), "--format", "json", "--quiet", *site_args(site),
            timeout=timeout,
        )  # fmt: skip

    return run


@pytest.fixture(scope="module")
def crawl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a module's report tests keep the one crawl they share."""
    return tmp_path_factory.mktemp("crawl")


@pytest.fixture
def report_db(crawl, site: SiteServer, crawl_dir: Path, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A private copy of a store built by crawling the fixture site (crawled once per module)."""
    from reporthelp import crawled_copy

    return crawled_copy(crawl, site, crawl_dir, tmp_path)
