"""Helpers for crawl tests: run ``scamlines`` in a subprocess against the loopback site."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitemock import SiteServer

REPO = Path(__file__).resolve().parent.parent

#: The virtual hosts of tests/site/, by role.
SCAM_HOST = "amazon-care-helpdesk.blogspot.com"
PRINTER_HOST = "tech-support-printers.weebly.com"
OFFICIAL_HOST = "www.amazon.com"
NEWS_HOST = "news.scamwatch-daily.org"


@dataclass
class CrawlResult:
    """A finished ``scamlines crawl`` subprocess."""

    returncode: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        """The ``--format json`` summary (the last stdout line)."""
        lines = [line for line in self.stdout.splitlines() if line.strip()]
        assert lines, f"no output; stderr:\n{self.stderr}"
        return json.loads(lines[-1])


def scamlines_command(*args: str) -> list[str]:
    """The command line of ``scamlines ARGS`` through this interpreter."""
    return [sys.executable, "-m", "crawler", *map(str, args)]


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    # tldextract must never go to the network; point its cache at nothing usable anyway.
    env["TLDEXTRACT_CACHE"] = str(Path(os.devnull))
    return env


def run_scamlines(*args: str, timeout: float = 90, cwd: Path | None = None) -> CrawlResult:
    """Run ``scamlines ARGS`` in a subprocess (one crawl per process: Twisted's reactor)."""
    done = subprocess.run(
        scamlines_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or REPO,
        env=subprocess_env(),
        check=False,
    )
    return CrawlResult(done.returncode, done.stdout, done.stderr)


def site_args(site: SiteServer, *, allow: bool = True) -> list[str]:
    """Pin every virtual host of ``site`` to its address (no DNS) and allow its port."""
    args = ["--resolve-only"]
    for host in site.hosts():
        args += ["--resolve", f"{host}={site.address}"]
        if allow:
            args += ["--allow-host", f"{host}:{site.port}"]
    # Tests need no politeness delays against their own loopback server.
    args += ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=false"]
    args += ["--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
    # Crawl tests judge pages as served; tests/test_render.py renders (--render overrides this).
    args += ["--set", "SCAMLINES_RENDER=never"]
    return args


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Rows from the crawl's database, read-only (the crawl may still be writing)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, params)]
    finally:
        conn.close()


EXAMPLES = REPO / "examples" / "site"
