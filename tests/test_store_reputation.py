"""The number-reputation aggregate against the query it replaced.

``REFERENCE`` is the per-page query ``Store.number_reputation`` ran before the aggregate
(migration 0005): it reads every earlier sighting of a number, so its cost grew with the store.
Every test here builds real stores of runs (``scanhelp.run``) with pages sharing numbers across
brands and domains, runs that overlap, triage decisions, and compares what both say, per number:
how many other pages, which domains, which brands, since when.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scanhelp import AL, N1, N2, N3, page, run

import detector
from crawler.scans.triage import triage
from crawler.store import FetchRecord, Store, open_store, utc_now
from crawler.store.reputation import backfill

REFERENCE = (
    "SELECT nr.e164, nr.page_id, p.url, p.domain, nr.brand, min(r.started_at) AS since "
    "FROM number_runs nr JOIN runs r ON r.id = nr.run_id "
    "JOIN page_runs pr ON pr.run_id = nr.run_id AND pr.page_id = nr.page_id "
    "JOIN pages p ON p.id = nr.page_id WHERE nr.e164 = ? AND nr.run_id < ? "
    "AND p.url != ? AND pr.verdict = 'flagged' AND nr.status IN ('unverified', 'invalid') "
    "AND NOT EXISTS (SELECT 1 FROM false_positives fp JOIN findings f "
    "ON f.id = fp.finding_id WHERE fp.page_id = nr.page_id AND fp.e164 = nr.e164 "
    "AND f.status = 'false_positive') GROUP BY nr.e164, nr.page_id, nr.brand"
)

URLS = [
    "http://delta-help.weebly.com/a.html",
    "http://delta-help.weebly.com/b.html",
    "http://united-care.blogspot.com/",
    "http://united-care.blogspot.com/refund",
    "http://air-desk.wixsite.com/help",
]
BRANDS = ["Delta Air Lines", "United Airlines"]
NUMBERS = [N1, N2, N3]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "r.db") as opened:
        yield opened


def summary(rows: list[dict[str, Any]], *, aggregated: bool) -> tuple[Any, ...]:
    """What the reputation reasons read from rows: pages, domains, brands, first date."""
    if not rows:
        return ()
    pages = sum(r["pages"] for r in rows) if aggregated else len({r["page_id"] for r in rows})
    domains = {r["domain"] for r in rows if r["domain"]}
    brands = {r["brand"] for r in rows if r["brand"]}
    return pages, domains, brands, min(r["since"] for r in rows)


def agree(store: Store, before_run: int) -> int:
    """Assert the aggregate and the reference agree for every URL and number; how many
    (url, number) pairs had any history."""
    seen = 0
    for url in URLS:
        for e164 in NUMBERS:
            old = list(store.db.query(REFERENCE, [e164, before_run, url]))
            new = store.number_reputation([e164], before_run=before_run, exclude_url=url)
            assert summary(new, aggregated=True) == summary(old, aggregated=False), (url, e164)
            seen += bool(old)
    return seen


def random_pages(rng: random.Random) -> dict[str, str]:
    chosen = rng.sample(URLS, rng.randint(1, len(URLS)))
    return {
        url: page(rng.choice(BRANDS), *rng.sample(NUMBERS, rng.randint(1, 2))) for url in chosen
    }


def test_the_aggregate_says_what_the_full_query_said(store: Store) -> None:
    rng = random.Random(14)
    runs, with_history = [], 0
    for step in range(12):
        runs.append(run(store, random_pages(rng), status="running" if step % 5 == 4 else "finished"))
        if step % 4 == 3:  # an analyst dismisses a finding, or lifts a dismissal
            finding = rng.choice(list(store.db.query("SELECT id FROM findings")))["id"]
            triage(store, finding, rng.choice(["false_positive", "confirmed"]))
        for before in (runs[-1], runs[-1] + 1):
            with_history += agree(store, before)
    assert with_history > 20  # the comparison covered pages with history, not only empty ones


def test_an_older_run_recorded_after_a_newer_one_counts_from_its_own_run(store: Store) -> None:
    older = store.start_run("crawl", [URLS[0]], {}, None)
    run(store, {URLS[0]: page(BRANDS[0], N1)})  # a newer run records the page first
    html = page(BRANDS[0], N1)
    report = detector.analyze(html, url=URLS[0], allowlist=AL, content_type="text/html")
    fetch = FetchRecord(url=URLS[0], final_url=URLS[0], status=200, body=html.encode(),
                        fetched_at=utc_now(), content_type="text/html")  # fmt: skip
    store.record_pages(older, [(fetch, report)])
    for before in (older + 1, older + 2, older + 3):
        agree(store, before)
    assert store.number_reputation([N1], before_run=older + 1, exclude_url=URLS[1])


def test_the_migration_backfills_from_the_run_history(store: Store) -> None:
    rng = random.Random(5)
    for _ in range(6):
        run(store, random_pages(rng))
    triage(store, 1, "false_positive")
    kept = {t: sorted(map(tuple, store.db.execute(f"SELECT * FROM {t}").fetchall()))
            for t in ("flag_marks", "number_flags", "number_totals")}  # fmt: skip
    assert kept["number_flags"] and kept["number_totals"]
    for table in kept:
        store.db.execute(f"DELETE FROM {table}")
    backfill(store.db)
    for table, rows in kept.items():
        assert sorted(map(tuple, store.db.execute(f"SELECT * FROM {table}").fetchall())) == rows
