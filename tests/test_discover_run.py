"""A discovery run with a scripted provider and a real store: de-duplication across queries
and runs, skipped results, failures per query."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import allowlist
from crawler.discovery import (
    DiscoverOptions,
    ProviderError,
    Query,
    QueryOutcome,
    RateLimited,
    Result,
    run_discovery,
)
from crawler.store import Store, open_store


class Scripted:
    """A provider answering from a dict: a list of URLs, or an exception to raise."""

    name = "scripted"
    uses_queries = True

    def __init__(self, answers: dict[str, list[str] | ProviderError]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, int]] = []

    def search(self, query: str, max_results: int) -> list[Result]:
        self.asked.append((query, max_results))
        answer = self.answers.get(query, [])
        if isinstance(answer, ProviderError):
            raise answer
        return [Result(url, f"title {n}", "", n) for n, url in enumerate(answer, start=1)]


def q(text: str, brand: str = "Amazon") -> Query:
    return Query(text, brand, "en")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "d.db") as opened:
        yield opened


@pytest.fixture(scope="module")
def al() -> allowlist.Allowlist:
    return allowlist.load()


def test_duplicates_across_queries_and_runs(store: Store, al: allowlist.Allowlist) -> None:
    provider = Scripted({
        "amazon helpline": ["https://scam.example/a?utm_source=x", "https://scam.example/b"],
        "amazon toll free": ["HTTPS://SCAM.example/a#top", "https://scam.example/c"],
    })  # fmt: skip
    queries = [q("amazon helpline"), q("amazon toll free")]
    first = run_discovery(store, DiscoverOptions(provider, queries, 10, al))
    assert [c.url for c in first.candidates] == [
        "https://scam.example/a", "https://scam.example/b", "https://scam.example/c",
    ]  # fmt: skip
    assert [o.candidates for o in first.outcomes] == [2, 1]
    assert all(c.new for c in first.candidates)
    assert provider.asked == [("amazon helpline", 10), ("amazon toll free", 10)]

    second = run_discovery(store, DiscoverOptions(provider, queries[1:], 10, al))
    assert [(c.url, c.new, c.times_seen) for c in second.candidates] == [
        ("https://scam.example/a", False, 3),  # helpline + toll free, then toll free again
        ("https://scam.example/c", False, 2),
    ]
    rows = {row["url"]: row for row in store.discoveries()}
    assert len(rows) == 3
    a = rows["https://scam.example/a"]
    # The first sighting's provenance is kept; the last run is updated.
    assert (a["query"], a["brand"], a["rank"], a["provider"]) == (
        "amazon helpline", "Amazon", 1, "scripted",
    )  # fmt: skip
    assert (a["run_id"], a["last_run"]) == (first.run_id, second.run_id)
    assert a["first_seen"] <= a["last_seen"]
    assert {r["url"] for r in store.discoveries(run_id=second.run_id)} == {
        "https://scam.example/a", "https://scam.example/c",
    }  # fmt: skip


def test_official_domains_and_non_http_results_are_skipped(
    store: Store, al: allowlist.Allowlist
) -> None:
    provider = Scripted({"amazon care": [
        "https://www.amazon.com/gp/help/customer/contact-us",  # the brand's own site
        "https://answers.microsoft.com/en-us/thread/123",  # user content on a brand's domain
        "mailto:help@scam.example",
        "https://scam.example/amazon-care",
    ]})  # fmt: skip
    summary = run_discovery(store, DiscoverOptions(provider, [q("amazon care")], 10, al))
    assert [c.url for c in summary.candidates] == [
        "https://answers.microsoft.com/en-us/thread/123",
        "https://scam.example/amazon-care",
    ]
    assert summary.skipped == {"official": 1, "not an http(s) URL": 1}
    assert any("www.amazon.com" in example for example in summary.skipped_examples)


def test_failed_queries_are_reported_and_the_run_goes_on(
    store: Store, al: allowlist.Allowlist
) -> None:
    partial = ProviderError("HTTP 500 from the SearXNG instance",
                            partial=[Result("https://scam.example/p", rank=1)])  # fmt: skip
    provider = Scripted({
        "broken": ProviderError("malformed JSON in the answer"),
        "limited": RateLimited("rate limited (HTTP 429) 3 times in a row"),
        "half": partial,
        "fine": ["https://scam.example/ok"],
    })  # fmt: skip
    queries = [q("broken"), q("limited"), q("half"), q("fine")]
    seen: list[QueryOutcome] = []
    summary = run_discovery(store, DiscoverOptions(provider, queries, 10, al),
                            on_outcome=seen.append)  # fmt: skip
    assert [(o.query, o.status) for o in summary.outcomes] == [
        ("broken", "failed"), ("limited", "rate_limited"), ("half", "partial"), ("fine", "ok"),
    ]  # fmt: skip
    assert seen == summary.outcomes
    assert summary.worked
    assert summary.outcomes[0].error == "malformed JSON in the answer"
    assert {c.url for c in summary.candidates} == {"https://scam.example/p", "https://scam.example/ok"}
    text = summary.to_text()
    assert 'FAILED failed: "broken": malformed JSON' in text
    assert 'FAILED rate_limited: "limited"' in text
    run = store.discovery_run(summary.run_id)
    assert run is not None
    assert run["status"] == "finished"
    assert run["stats"]["queries_failed"] == 2


def test_a_run_where_every_query_failed(store: Store, al: allowlist.Allowlist) -> None:
    provider = Scripted({"x": ProviderError("HTTP 500"), "y": ProviderError("HTTP 502")})
    summary = run_discovery(store, DiscoverOptions(provider, [q("x"), q("y")], 10, al))
    assert not summary.worked
    assert summary.candidates == []
    run = store.discovery_run(summary.run_id)
    assert run is not None and run["status"] == "failed"


def test_queryless_provider_is_asked_once(store: Store, al: allowlist.Allowlist) -> None:
    provider = Scripted({"": ["https://scam.example/1", "https://scam.example/2"]})
    provider.uses_queries = False
    summary = run_discovery(store, DiscoverOptions(provider, [q("a"), q("b")], 0, al))
    assert provider.asked == [("", 0)]
    assert [(c.query, c.brand) for c in summary.candidates] == [(None, None), (None, None)]
    assert "2 candidate URLs from the list" in summary.to_text()


def test_interrupted_run_keeps_what_it_found(store: Store, al: allowlist.Allowlist) -> None:
    class Interrupted(Scripted):
        def search(self, query: str, max_results: int) -> list[Result]:
            if query == "second":
                raise KeyboardInterrupt
            return super().search(query, max_results)

    provider = Interrupted({"first": ["https://scam.example/1"]})
    summary = run_discovery(store, DiscoverOptions(provider, [q("first"), q("second")], 10, al))
    # The summary is still given (the CLI prints it and exits 1), saying it was stopped.
    assert summary.interrupted and summary.to_dict()["status"] == "interrupted"
    assert "interrupted" in summary.to_text().splitlines()[0]
    assert [c.url for c in summary.candidates] == ["https://scam.example/1"]
    run = store.discovery_run(1)
    assert run is not None and run["status"] == "interrupted"
    assert run["stats"]["candidates"] == 1
    assert [d["url"] for d in store.discoveries()] == ["https://scam.example/1"]
