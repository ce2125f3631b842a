"""Per-brand verdicts: one page can abuse one brand and quote another's real number."""

from __future__ import annotations

from pathlib import Path

import pytest

import allowlist
import detector
from crawler.store import FetchRecord, open_store

TWO_BRANDS = """<html><head><title>KLM and Norton help</title></head><body>
<p>KLM customer service in the US: 1-800-618-0104.</p>
<p>Norton refund helpline: call Norton toll free at 1-888-276-4410 now.</p></body></html>"""


@pytest.fixture(scope="module")
def al() -> allowlist.Allowlist:
    return allowlist.load()


def test_each_brand_gets_its_own_verdict(al: allowlist.Allowlist) -> None:
    report = detector.analyze(TWO_BRANDS, allowlist=al)
    assert report.verdict == "flagged"
    by_brand = {f.brand: f for f in report.findings}
    assert set(by_brand) == set(report.brands) == {"Norton", "KLM Royal Dutch Airlines"}
    assert by_brand["Norton"].verdict == "flagged"
    assert by_brand["Norton"].numbers == ["+18882764410"]
    assert by_brand["KLM Royal Dutch Airlines"].verdict == "clean"
    assert [r.code for r in by_brand["KLM Royal Dutch Airlines"].reasons] == ["verified_number"]
    # Near each other on the page, but each number is offered for one brand only.
    assert "number_reused_across_brands" not in report.reason_codes()


def test_same_number_offered_for_two_brands_is_reuse(al: allowlist.Allowlist) -> None:
    page = ("<p>Expedia booking help: call Expedia agents at 1-888-276-4410.</p>"
            + "<p>filler text.</p>" * 40
            + "<p>Delta Air Lines reservations: call Delta Air Lines at 1-888-276-4410.</p>")
    report = detector.analyze(page, allowlist=al)
    assert "number_reused_across_brands" in report.reason_codes()


def test_official_page_findings_are_official(al: allowlist.Allowlist) -> None:
    report = detector.analyze(TWO_BRANDS, url="https://www.klm.com/contact", allowlist=al)
    assert report.verdict == "official"
    assert {f.verdict for f in report.findings} == {"official"}


def test_store_records_each_brand_verdict(al: allowlist.Allowlist, tmp_path: Path) -> None:
    report = detector.analyze(TWO_BRANDS, url="https://travel-help.example.org/",
                              allowlist=al)
    store = open_store(tmp_path / "s.db")
    run_id = store.start_run("crawl", ["https://travel-help.example.org/"], {}, al)
    fetch = FetchRecord(url="https://travel-help.example.org/",
                        final_url="https://travel-help.example.org/", status=200,
                        body=TWO_BRANDS.encode(), fetched_at="2026-11-22T00:00:00Z",
                        content_type="text/html")
    store.record_page(run_id, fetch, report)
    verdicts = {f["brand"]: f["verdict"] for f in store.findings()}
    assert verdicts == {"Norton": "flagged", "KLM Royal Dutch Airlines": "clean"}
    store.close()
