"""Helpers for scan tests: a watch-list site that changes between scans, and scan configs.

:class:`WatchSite` writes a small two-host site into a temporary folder served by
:class:`sitemock.SiteServer`; its methods change it the way scammers do (a page added, a page
removed and restored, a number swapped). :func:`write_config` writes a scan configuration that
reaches the site through ``--resolve``-style pins in its ``[crawl]`` table, so a scan needs no
command-line options and runs from any directory.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from crawlhelp import query, run_scamlines
from sitemock import SiteServer

import allowlist
import detector
from crawler.scans.reputation import apply_reputation
from crawler.store import FetchRecord, Store, utc_now

#: The two hosts: a Delta "help desk" on a free site builder and a United one on a blog host.
DELTA = "delta-help-desk.weebly.com"
UNITED = "airline-care-247.blogspot.com"

#: Fictional toll-free numbers (555-01xx): N1 on two brands' pages, N2 on the refund page,
#: N3 replaces N1 on the Delta contact page.
N1, N2, N3 = "+18445550101", "+18665550102", "+18775550104"

_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{brand} Customer Service Number - Toll Free 24/7</title></head>
<body><h1>Call {brand} {topic}</h1>
<p>Need to change a flight or get a refund? Call the {brand} customer care helpline toll
free: <a href="tel:{e164}">{printed}</a>. Agents are available 24/7.</p>
<p><a href="/">Home</a></p></body></html>
"""

_INDEX = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Delta Air Lines Help Desk</title></head>
<body><h1>Delta Air Lines Help Desk</h1><p>Independent help for Delta Air Lines travellers.</p>
<ul>{links}</ul></body></html>
"""


def printed(e164: str) -> str:
    """``+18445550101`` as a page prints it: ``+1 (844) 555-0101``."""
    return f"+1 ({e164[2:5]}) {e164[5:8]}-{e164[8:]}"


class WatchSite:
    """The site under ``root``: ``/``, ``/contact.html`` and ``/refund.html`` on DELTA, ``/`` on
    UNITED (United Airlines, N1). ``links`` are the Delta pages the index links to."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.links: list[str] = []
        (root / DELTA).mkdir(parents=True)
        (root / UNITED).mkdir(parents=True)
        self.page(DELTA, "contact.html", "Delta Air Lines", N1, "Reservations")
        self.page(DELTA, "refund.html", "Delta Air Lines", N2, "Refunds")
        self.page(UNITED, "index.html", "United Airlines", N1, "Reservations")
        self.link("contact.html", "refund.html")

    def page(self, host: str, name: str, brand: str, e164: str, topic: str = "Support") -> None:
        """Write (or rewrite) a support page advertising ``e164`` for ``brand``."""
        html = _PAGE.format(brand=brand, topic=topic, e164=e164, printed=printed(e164))
        (self.root / host / name).write_text(html, encoding="utf-8")

    def link(self, *names: str) -> None:
        """Add Delta pages to the index's links."""
        self.links += [name for name in names if name not in self.links]
        self._index()

    def remove(self, name: str) -> None:
        """Delete a Delta page and its link (it 404s and nothing links to it)."""
        (self.root / DELTA / name).rename(self.root / f"{name}.removed")
        self.links.remove(name)
        self._index()

    def restore(self, name: str) -> None:
        """Put a removed page back, link included."""
        (self.root / f"{name}.removed").rename(self.root / DELTA / name)
        self.link(name)

    def _index(self) -> None:
        items = "".join(f'<li><a href="/{name}">{name}</a></li>' for name in self.links)
        (self.root / DELTA / "index.html").write_text(_INDEX.format(links=items), "utf-8")


def write_config(path: Path, site: SiteServer, *, db: str = "data/watch.db", extra: str = "",
                 pins: bool = True, settings: str = "") -> Path:
    """A scan configuration for ``site`` at ``path`` (relative ``db``, as a user writes it).

    With ``pins`` the ``[crawl]`` table pins both hosts to the loopback server and allows
    them, so ``scamlines scan --config PATH`` needs nothing else; ``settings`` adds lines to
    ``[crawl.settings]``.
    """
    seeds = ", ".join(f'"{site.url(host)}"' for host in (DELTA, UNITED))
    text = f'name = "airlines"\ndb = "{db}"\nseeds = [{seeds}]\n{extra}\n'
    text += "[limits]\ndepth = 2\nmax_pages = 50\ntimeout = 60\n"
    if pins:
        resolve = ", ".join(f'"{host}" = "{site.address}"' for host in (DELTA, UNITED))
        allow = ", ".join(f'"{host}:{site.port}"' for host in (DELTA, UNITED))
        text += f"[crawl]\nresolve_only = true\nresolve = {{ {resolve} }}\nallow_hosts = [{allow}]\n"
    text += f"[crawl.settings]\nDOWNLOAD_DELAY = 0\nAUTOTHROTTLE_ENABLED = false\n{settings}\n"
    (path.parent / "data").mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def scan(config: Path, *args: str, timeout: float = 90) -> Any:
    """``scamlines scan --config CONFIG --format json ARGS`` in a subprocess."""
    return run_scamlines("scan", "--config", str(config), "--format", "json", *args,
                         timeout=timeout)


def rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """Rows from the store, read-only; [] when a table does not exist yet."""
    try:
        return query(db, sql, params)
    except sqlite3.OperationalError:
        return []


# --- stores built in-process ---------------------------------------------------------------------
# Runs recorded through Store.record_pages with real detector reports, as a crawl's page
# worker records them, without a crawl: for fast tests of history, clusters and queries.

AL = allowlist.load()
A, B, C = "http://delta-help.weebly.com/a.html", "http://delta-help.weebly.com/b.html", (
    "http://united-care.blogspot.com/"
)


def page(brand: str, *numbers: str) -> str:
    """A support page advertising ``numbers`` for ``brand`` (one paragraph each)."""
    first, *more = numbers
    html = _PAGE.format(brand=brand, topic="Support", e164=first, printed=printed(first))
    extra = "".join(f'<p>Or call <a href="tel:{n}">{printed(n)}</a> toll free.</p>' for n in more)
    return html.replace("</body>", extra + "</body>")


DELTA_N1, DELTA_N2, UNITED_N1 = page("Delta Air Lines", N1), page("Delta Air Lines", N2), page(
    "United Airlines", N1
)


def run(
    store: Store,
    pages: dict[str, str | tuple[int, str]],
    *,
    status: str = "finished",
    kind: str = "scan",
    config: str = "/watch/scan.toml",
    reputation: bool = False,
) -> int:
    """Record one run of ``pages`` ({url: html or (http status, html)}); returns its id."""
    run_id = store.start_run(kind, list(pages), {"SCAMLINES_SCAN_CONFIG": config}, AL)
    batch = []
    for url, content in pages.items():
        code, html = content if isinstance(content, tuple) else (200, content)
        report = detector.analyze(html, url=url, allowlist=AL, content_type="text/html")
        if reputation:
            report = apply_reputation(store, report, url=url, before_run=run_id)
        fetch = FetchRecord(url=url, final_url=url, status=code, body=html.encode(),
                            fetched_at=utc_now(), content_type="text/html")  # fmt: skip
        batch.append((fetch, report))
    store.record_pages(run_id, batch)
    if status != "running":
        store.finish_run(run_id, status, {})
    return run_id
