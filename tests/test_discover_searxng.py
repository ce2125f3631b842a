"""The SearXNG provider against a loopback server speaking its JSON API, failures included."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from searxmock import Answer, SearxServer

from crawler.discovery.choose import make_provider
from crawler.discovery.providers import ProviderError, ProviderSettings, RateLimited
from crawler.discovery.searxng import SearxngProvider
from crawler.discovery.urllist import UrlListProvider, parse_url_list
from crawler.netguard import parse_allowed_host

URLS = [f"http://scam{n}.example/amazon-care-{n}" for n in range(1, 36)]


@pytest.fixture
def searx() -> Iterator[SearxServer]:
    with SearxServer(stall=3) as server:
        yield server


def provider(server: SearxServer) -> SearxngProvider:
    allow = (parse_allowed_host(server.allow),)
    return SearxngProvider(server.url, timeout=1.0, max_wait=2.0, delay=0.0, allow=allow)


def test_results_are_ranked_across_pages_until_max(searx: SearxServer) -> None:
    searx.answers["amazon helpline"] = Answer(URLS)
    results = provider(searx).search("amazon helpline", 25)
    assert [r.url for r in results] == URLS[:25]
    assert [r.rank for r in results] == list(range(1, 26))
    assert results[0].title == "Result 1 for amazon helpline"
    assert results[0].snippet == "snippet 1"
    assert searx.hits == [("amazon helpline", 1), ("amazon helpline", 2), ("amazon helpline", 3)]


def test_max_results_zero_means_every_page(searx: SearxServer) -> None:
    searx.answers["q"] = Answer(URLS)
    assert len(provider(searx).search("q", 0)) == len(URLS)


def test_stops_when_a_page_brings_nothing_new(searx: SearxServer) -> None:
    searx.answers["q"] = Answer(URLS[:12])
    assert len(provider(searx).search("q", 100)) == 12
    assert [page for _, page in searx.hits] == [1, 2, 3]  # page 3 was empty


@pytest.mark.parametrize(
    ("fail", "message"),
    [
        ("500", "HTTP 500"),
        ("malformed", "malformed JSON"),
        ("html", "not JSON"),
        ("403", "allow JSON"),
        ("timeout", "no answer within 1 s"),
    ],
)
def test_failures_raise_a_clear_provider_error(
    searx: SearxServer, fail: str, message: str
) -> None:
    searx.answers["q"] = Answer(URLS, fail=fail)
    started = time.monotonic()
    with pytest.raises(ProviderError, match=message) as caught:
        provider(searx).search("q", 10)
    assert caught.value.partial == ()
    assert time.monotonic() - started < 2.5  # the 3 s stall was not waited out


def test_failure_on_a_later_page_keeps_the_earlier_results(searx: SearxServer) -> None:
    searx.answers["q"] = Answer(URLS, fail="500", page=2)
    with pytest.raises(ProviderError) as caught:
        provider(searx).search("q", 30)
    assert [r.url for r in caught.value.partial] == URLS[:10]


def test_rate_limit_honours_retry_after_then_succeeds(searx: SearxServer) -> None:
    searx.answers["q"] = Answer(URLS[:3], fail="429", times=1, retry_after="1")
    started = time.monotonic()
    results = provider(searx).search("q", 10)
    assert len(results) == 3
    assert time.monotonic() - started >= 1.0
    assert searx.queries_asked() == ["q", "q", "q"]  # 429, page 1, empty page 2


def test_rate_limit_longer_than_the_cap_gives_up_at_once(searx: SearxServer) -> None:
    searx.answers["q"] = Answer(URLS, fail="429", retry_after="3600")
    with pytest.raises(RateLimited, match="wait 3600 s"):
        provider(searx).search("q", 10)
    assert len(searx.hits) == 1


def test_rate_limit_that_persists_gives_up_after_the_retries(searx: SearxServer) -> None:
    searx.answers["q"] = Answer(URLS, fail="429", retry_after="0")
    with pytest.raises(RateLimited, match="3 times"):
        provider(searx).search("q", 10)
    assert len(searx.hits) == 3


def test_http_date_retry_after(searx: SearxServer) -> None:
    searx.answers["q"] = Answer(URLS, fail="429", retry_after="Wed, 21 Oct 2099 07:28:00 GMT")
    with pytest.raises(RateLimited, match="more than the 2 s allowed"):
        provider(searx).search("q", 10)


def test_loopback_instance_needs_allow_host(searx: SearxServer) -> None:
    settings = ProviderSettings("searxng", searxng_url=searx.url)
    with pytest.raises(ProviderError, match=r"loopback.*--allow-host"):
        make_provider(settings)
    assert searx.hits == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (ProviderSettings("searxng"), "needs --searxng-url"),
        (ProviderSettings("searxng", searxng_url="ftp://x.example"), "not an http"),
        (ProviderSettings("urls"), "needs --urls-file"),
        (ProviderSettings("urls", urls_file="/nonexistent/urls.txt"), "no such URL list"),
        (ProviderSettings("bing"), "unknown provider"),
    ],
)
def test_misconfigured_providers(settings: ProviderSettings, message: str) -> None:
    with pytest.raises(ProviderError, match=message):
        make_provider(settings)


def test_url_list_provider_reads_comments_and_ignores_the_query() -> None:
    text = "# found by hand\nhttps://a.example/x\n\nhttps://b.example/y  # from a report\n"
    listing = UrlListProvider(parse_url_list(text))
    assert [(r.url, r.rank) for r in listing.search("anything", 0)] == [
        ("https://a.example/x", 1),
        ("https://b.example/y", 2),
    ]
    assert len(listing.search("", 1)) == 1
    assert listing.uses_queries is False
