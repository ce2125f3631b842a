"""The ceiling ``benchmarks/crawl.py`` compares scamlines with: a plain Scrapy spider.

``python benchmarks/plainspider.py URL MAX_PAGES`` crawls from URL with a ``LinkExtractor``,
follows every link on the same host, and does nothing with the pages (no items, no storage):
what Scrapy itself costs on the site. Same caps and concurrency as the scamlines crawl in the
benchmark (robots.txt obeyed, no delay, 32 requests in flight, the page limit). Prints one JSON
object: pages, elapsed seconds, pages per second.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.http import Response
from scrapy.linkextractors import LinkExtractor


class PlainSpider(Spider):
    name = "plain"

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.links = LinkExtractor(unique=True)

    async def start(self) -> Any:
        yield Request(self.url)

    def parse(self, response: Response) -> Any:
        self.crawler.stats.inc_value("plain/pages")
        for link in self.links.extract_links(response):
            yield Request(link.url)


def main(url: str, max_pages: int) -> None:
    process = AsyncCrawlerProcess(
        {
            "LOG_LEVEL": "ERROR",
            "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": 32,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
            "CLOSESPIDER_PAGECOUNT": max_pages,
            "DEPTH_LIMIT": 100,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    crawler = process.create_crawler(PlainSpider)
    started = time.monotonic()
    process.crawl(crawler, url=url)
    process.start()
    # Spider open to close, as the scamlines summary measures it.
    elapsed = crawler.stats.get_value("elapsed_time_seconds") or time.monotonic() - started
    pages = int(crawler.stats.get_value("plain/pages", 0))
    print(json.dumps({"pages": pages, "elapsed_seconds": elapsed,
                      "pages_per_second": pages / elapsed}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
