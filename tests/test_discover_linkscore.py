"""Link scoring for focused crawls: the pure scorer, then the spider using it on links and
sitemaps (fabricated responses, no crawl)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

import allowlist
from crawler.linkscore import (
    ANCHOR_STRONG,
    ANCHOR_WEAK,
    BRAND,
    FIRST,
    MAX_SCORE,
    PER_NUMBER,
    LinkScorer,
    ParentPage,
    brand_terms,
    phone_count,
)
from crawler.spiders.scamlines import ScamlinesSpider


@pytest.fixture(scope="module")
def scorer() -> LinkScorer:
    return LinkScorer(brand_terms(allowlist.load()))


def test_support_anchor_beats_help_anchor_beats_plain(scorer: LinkScorer) -> None:
    plain = scorer.score("https://x.example/p/1", "Our recipes")
    weak = scorer.score("https://x.example/p/2", "Help with your garden")
    strong = scorer.score("https://x.example/p/3", "Toll free helpline")
    assert (plain, weak, strong) == (0, ANCHOR_WEAK, ANCHOR_STRONG)


def test_url_words_count_without_anchor_text(scorer: LinkScorer) -> None:
    assert scorer.score("https://x.example/customer-care-number.html") > 0
    assert scorer.score("https://x.example/topics/customer%20service/") > 0
    # The host is not scored: on a scam host every link would score alike.
    assert scorer.score("https://amazon-helpline.example/p/1") == 0


def test_brand_in_anchor_or_url(scorer: LinkScorer) -> None:
    assert scorer.score("https://x.example/p/1", "Netflix shows this week") == BRAND
    assert scorer.score("https://x.example/paypal-deals", "Deals") == BRAND
    # An alias counts; a short name only as a whole word.
    assert scorer.score("https://x.example/p/2", "Prime Video tips") == BRAND
    assert scorer.score("https://x.example/p/3", "HP printer offline") == BRAND
    assert scorer.score("https://x.example/p/4", "Shipping costs") == 0


def test_all_signals_add_up_brand_support_link_first(scorer: LinkScorer) -> None:
    scam = scorer.score(
        "https://x.example/helpline/amazon-refund-phone-number.html", "Amazon refund phone number"
    )
    contact = scorer.score("https://x.example/contact/", "Contact us")
    brand_only = scorer.score("https://x.example/p/9", "Best Amazon deals")
    assert scam > contact > 0
    assert scam > brand_only > 0


def test_linking_page_numbers_and_score_raise_its_links(scorer: LinkScorer) -> None:
    url, anchor = "https://x.example/p/7", "More"
    assert scorer.score(url, anchor, ParentPage()) == 0
    assert scorer.score(url, anchor, ParentPage(numbers=2)) == 2 * PER_NUMBER
    assert scorer.score(url, anchor, ParentPage(numbers=50)) == 5 * PER_NUMBER  # capped
    assert scorer.score(url, anchor, ParentPage(score=40)) == 20  # half the parent's score


def test_scores_are_bounded(scorer: LinkScorer) -> None:
    parent = ParentPage(score=10_000, numbers=10)
    assert scorer.score("https://x.example/amazon-helpline", "Amazon helpline", parent) == MAX_SCORE


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Call 1-888-555-0142 or (888) 555-0142 or +1 888.555.0142", 1),  # one number
        ("Call 1-888-555-0142, 1-877-555-0199 and +44 20 7946 0958", 3),
        ('<a href="tel:+18885550142">Call +1 888 555 0142</a>', 1),
        ("Order 12345678901, posted 2026-11-22, price $1,299.00, id 8885550142", 0),
        ("<p>No phone numbers here, only words.</p>", 0),
    ],
)
def test_phone_count(text: str, count: int) -> None:
    assert phone_count(text) == count


# --- the spider ------------------------------------------------------------------------------


def spider(**settings: Any) -> ScamlinesSpider:
    crawler = get_crawler(ScamlinesSpider, {"SCAMLINES_SEEDS": ["http://s.example/"], **settings})
    return ScamlinesSpider.from_crawler(crawler)


def page(url: str, html: str, score: int = 0) -> HtmlResponse:
    request = Request(url, meta={"scamlines_priority": score, "scamlines_score": score})
    return HtmlResponse(url, body=html.encode(), encoding="utf-8", request=request)


def priorities(requests: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for request in requests:
        assert isinstance(request, Request)
        out[request.url] = request.priority
        assert request.meta["scamlines_priority"] == request.priority  # what pages.priority gets
    return out


LINKS = (
    '<a href="/p/1">Our recipes</a> <a href="/contact">Contact us</a>'
    ' <a href="/amazon-care">Amazon customer care number</a>'
)


def test_spider_orders_links_by_score_and_numbers_on_the_page() -> None:
    quiet = priorities(spider()._links(page("http://s.example/", LINKS)))
    assert quiet["http://s.example/amazon-care"] > quiet["http://s.example/contact"]
    assert quiet["http://s.example/contact"] > quiet["http://s.example/p/1"] == 0
    scam = page("http://s.example/", LINKS + " Call 1-888-555-0142 or 1-877-555-0199 now")
    loud = priorities(spider()._links(scam))
    assert loud["http://s.example/p/1"] == 2 * PER_NUMBER


def test_seeds_come_first_and_pass_on_no_rank() -> None:
    async def seeds(crawl_spider: ScamlinesSpider) -> list[Request]:
        return [request async for request in crawl_spider.start()]

    (seed,) = asyncio.run(seeds(spider()))
    assert (seed.priority, seed.meta["scamlines_priority"]) == (FIRST, FIRST)
    assert seed.meta["scamlines_score"] == 0  # its links inherit nothing from being a seed
    (plain,) = asyncio.run(seeds(spider(SCAMLINES_FOCUSED=False)))
    assert plain.priority == 0


def test_a_links_score_is_passed_on_to_its_own_links() -> None:
    (link,) = spider()._links(page("http://s.example/", '<a href="/amazon-care">Amazon care</a>'))
    assert link.meta["scamlines_score"] == link.priority > 0


def test_spider_breadth_first_when_focus_is_off() -> None:
    links = spider(SCAMLINES_FOCUSED=False)._links(page("http://s.example/", LINKS, score=50))
    assert set(priorities(links).values()) == {0}


SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://s.example/blog/recipes</loc></url>
  <url><loc>http://s.example/about</loc></url>
  <url><loc>http://s.example/contact</loc></url>
  <url><loc>http://s.example/amazon-customer-care-number</loc></url>
  <url><loc>http://other.example/amazon-helpline</loc></url>
</urlset>"""


def sitemap_response(body: str = SITEMAP) -> XmlResponse:
    request = Request("http://s.example/sitemap.xml", meta={"scamlines_seed": True})
    return XmlResponse("http://s.example/sitemap.xml", body=body.encode(), request=request)


def test_sitemap_entries_best_first_in_scope_only() -> None:
    requests = list(spider()._sitemap_requests(sitemap_response()))
    urls = [r.url for r in requests]
    assert urls[:2] == ["http://s.example/amazon-customer-care-number", "http://s.example/contact"]
    assert urls[2:] == ["http://s.example/blog/recipes", "http://s.example/about"]  # sitemap order
    assert requests[0].priority > requests[1].priority > requests[2].priority == 0
    assert all(r.meta["scamlines_seed"] for r in requests)


def test_sitemap_cap_keeps_the_best_entries() -> None:
    crawl_spider = spider(SCAMLINES_SITEMAP_MAX_URLS=2)
    urls = [r.url for r in crawl_spider._sitemap_requests(sitemap_response())]
    assert urls == ["http://s.example/amazon-customer-care-number", "http://s.example/contact"]
    assert crawl_spider.crawler.stats.get_value("scamlines/sitemap_urls_dropped") == 2


def test_sitemap_order_kept_when_focus_is_off() -> None:
    requests = list(spider(SCAMLINES_FOCUSED=False)._sitemap_requests(sitemap_response()))
    assert [r.url for r in requests][:2] == ["http://s.example/blog/recipes", "http://s.example/about"]
    assert {r.priority for r in requests} == {0}


def test_nested_sitemaps_and_robots_come_before_pages() -> None:
    index = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>http://s.example/sitemap-posts.xml</loc></sitemap>
</sitemapindex>"""
    (nested,) = spider()._sitemap_requests(sitemap_response(index))
    assert nested.url == "http://s.example/sitemap-posts.xml"
    assert nested.priority == FIRST
    robots = TextResponse(
        "http://s.example/robots.txt",
        body=b"User-agent: *\nSitemap: http://s.example/sitemap.xml\n",
        request=Request("http://s.example/robots.txt", meta={"scamlines_seed": True}),
    )
    (listed,) = spider()._sitemap_requests(robots)
    assert (listed.url, listed.priority) == ("http://s.example/sitemap.xml", FIRST)
