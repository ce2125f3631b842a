"""URL normalisation: one spelling per page, for de-duplication and as the crawl seed."""

from __future__ import annotations

import pytest

from crawler.discovery.urls import normalise_url, redact_credentials, robots_urls
from crawler.seeds import parse_seeds


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("HTTP://Scam.EXAMPLE/Amazon-Care", "http://scam.example/Amazon-Care"),
        ("https://scam.example/x#call-now", "https://scam.example/x"),
        ("https://scam.example", "https://scam.example/"),
        ("https://scam.example:443/x", "https://scam.example/x"),
        ("http://scam.example:8080/x", "http://scam.example:8080/x"),
        ("https://scam.example/x?utm_source=g&utm_medium=cpc&id=7", "https://scam.example/x?id=7"),
        ("https://scam.example/x?fbclid=abc&gclid=def", "https://scam.example/x"),
        ("https://scam.example/x?UTM_Campaign=z&b=2&a=1", "https://scam.example/x?b=2&a=1"),
        ("https://scam.example/x?q=a%20b&flag", "https://scam.example/x?q=a%20b&flag"),
        ("  https://scam.example/a b  ", "https://scam.example/a%20b"),
        ("https://Bücher.example/", "https://xn--bcher-kva.example/"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ],
)
def test_normalise(raw: str, normalised: str) -> None:
    assert normalise_url(raw) == normalised


@pytest.mark.parametrize(
    "raw", ["ftp://scam.example/", "mailto:a@scam.example", "javascript:alert(1)", "/relative",
            "http://", "http://scam.example:99999/", "not a url"],
)  # fmt: skip
def test_not_http_urls_are_refused(raw: str) -> None:
    assert normalise_url(raw) is None


def test_normalised_url_is_the_crawl_seed_unchanged() -> None:
    # discoveries.url must join pages.url: the seed parser must not respell it.
    for raw in ("HTTPS://A.example", "http://a.example/x y?utm_source=1&k=v#f"):
        url = normalise_url(raw)
        assert url is not None
        assert parse_seeds([url]).urls == (url,)


def test_robots_urls_one_per_site() -> None:
    urls = ["https://a.example/x", "https://a.example/y", "http://b.example:8080/z"]
    assert robots_urls(urls) == ["https://a.example/robots.txt", "http://b.example:8080/robots.txt"]


def test_credentials_are_not_recorded() -> None:
    assert redact_credentials("https://me:secret@searx.example/") == "https://***@searx.example/"
    assert redact_credentials("https://searx.example/a@b") == "https://searx.example/a@b"
