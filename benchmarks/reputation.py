"""The number-reputation look-up's time per page as the store grows: ``python
benchmarks/reputation.py`` (``benchmarks/crawl.py`` prints the same line).

Fills one store through the real write path (``Store.record_pages``) with flagged support pages
that share 40 fake toll-free numbers (as a content farm does), in runs of 5,000 pages (so the
50k store holds 10 runs), and at
each size times the look-up a page worker makes for a flagged page (``Store.number_reputation``
with the page's numbers, earlier runs, other pages), and the query it replaced, for comparison.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

#: The query ``Store.number_reputation`` ran before the aggregate (tests keep it as reference).
from test_store_reputation import REFERENCE

import allowlist
import detector
from crawler.store import FetchRecord, open_store, utc_now

NUMBERS = 40
RUN_PAGES = 5000
LOOKUPS = 300


def _reports() -> list[tuple[str, detector.PageReport]]:
    al = allowlist.load()
    reports = []
    for n in range(NUMBERS):
        printed = f"1-888-555-{n:04d}"
        html = (
            "<html><head><title>Amazon Customer Service Number - Toll Free 24/7</title></head>"
            f"<body><p>Call the Amazon customer care helpline toll free at {printed} now, "
            "agents available 24/7 for refunds.</p></body></html>"
        )
        report = detector.analyze(html, url="https://a.example/", allowlist=al)
        assert report.verdict == "flagged", report.verdict
        reports.append((html, report))
    return reports


def measure(sizes: list[int]) -> list[tuple[int, float, float]]:
    """``[(stored pages, ms per look-up now, ms per look-up with the old query)]``."""
    reports = _reports()
    results = []
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "rep.db") as store:
        stored = 0
        for size in sorted(sizes):
            while stored < size:
                count = min(RUN_PAGES, size - stored)
                run_id = store.start_run("crawl", [], {}, None)
                batch = []
                for i in range(stored, stored + count):
                    html, report = reports[i % NUMBERS]
                    url = f"https://farm{i % 50}.example/p/{i}"
                    fetch = FetchRecord(url=url, final_url=url, status=200, body=html.encode(),
                                        fetched_at=utc_now(), content_type="text/html")  # fmt: skip
                    batch.append((fetch, report))
                for start in range(0, len(batch), 500):
                    store.record_pages(run_id, batch[start : start + 500])
                store.finish_run(run_id, "finished", {})
                stored += count
            before = store.start_run("crawl", [], {}, None)
            new, old = [], []
            for k in range(LOOKUPS):
                e164 = reports[k % NUMBERS][1].numbers[0].e164
                url = f"https://farm{k % 50}.example/p/{k}"
                started = time.perf_counter()
                store.number_reputation([e164], before_run=before, exclude_url=url)
                new.append(time.perf_counter() - started)
                if k < 30:  # the old query is slow at size: a few samples are enough
                    started = time.perf_counter()
                    list(store.db.query(REFERENCE, [e164, before, url]))
                    old.append(time.perf_counter() - started)
            store.finish_run(before, "finished", {})
            results.append((size, statistics.median(new) * 1e3, statistics.median(old) * 1e3))
    return results


def report_lines(results: list[tuple[int, float, float]]) -> list[str]:
    lines = [
        f"reputation look-up, {size:6d} stored pages: {new:.3f} ms/page "
        f"(the per-sighting query it replaced: {old:.2f} ms)"
        for size, new, old in results
    ]
    first, last = results[0][1], results[-1][1]
    flat = last <= 1.5 * first
    lines.append(
        f"reputation look-up {results[0][0]} -> {results[-1][0]} pages: x{last / first:.2f} "
        f"({'flat' if flat else 'NOT flat'}; it reads one row per brand and domain that "
        "flagged the number, never one per run or page)"
    )
    return lines


if __name__ == "__main__":
    sizes = [int(s) for s in (sys.argv[1:] or ["1000", "50000"])]
    print("\n".join(report_lines(measure(sizes))))
