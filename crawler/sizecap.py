"""Keep the beginning of a page over the crawl's size cap instead of dropping it.

See documentation in docs/topics/downloader-middleware.rst (Scrapy), "Stopping the download
of a Response".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import NotConfigured, StopDownload
from scrapy.utils._compression import _DecompressionMaxSizeExceeded

from crawler.inflate import ZLIB_ENCODINGS, inflate_prefix

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["TRUNCATED", "PageSizeCapMiddleware", "TruncatingCompressionMiddleware"]

logger = logging.getLogger(__name__)

#: Request meta key set on a response whose body was cut at the cap.
TRUNCATED = "scamlines_truncated"
_RECEIVED = "_scamlines_received"


class PageSizeCapMiddleware:
    """Cut every response body at ``DOWNLOAD_MAXSIZE`` bytes and keep what came before.

    Scrapy's own limit cancels the download, so a scam page padded past the cap would vanish
    from the crawl (no page row) while ``scamlines check`` flags it. Here the handler's limit
    is lifted for each request (``download_maxsize`` meta 0) and a ``bytes_received`` handler
    stops the download (``StopDownload(fail=False)``: the partial body becomes the response)
    once the cap is passed. The response is cut to the cap and its request meta says
    ``scamlines_truncated``; the page worker adds the reason ``page_truncated``.

    The limit is put back before ``HttpCompressionMiddleware`` (590) decompresses the body,
    so a decompression bomb is still refused. Stats: ``scamlines/truncated``.
    """

    def __init__(self, crawler: Crawler, cap: int) -> None:
        self.crawler = crawler
        self.cap = cap
        crawler.signals.connect(self._bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        cap = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        if cap <= 0:
            raise NotConfigured
        return cls(crawler, cap)

    def process_request(self, request: Request) -> None:
        # Lifted for the download handler only: this middleware enforces the cap.
        request.meta["download_maxsize"] = 0
        request.meta.pop(_RECEIVED, None)
        request.meta.pop(TRUNCATED, None)  # a redirect's request copies the meta

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta["download_maxsize"] = self.cap  # for decompression, which comes next
        if len(response.body) <= self.cap and not request.meta.get(TRUNCATED):
            return response
        _kept_beginning(request, self.crawler.stats, self.cap, response.url)
        return response.replace(body=response.body[: self.cap])

    def _bytes_received(self, data: bytes, request: Request) -> None:
        received = request.meta.get(_RECEIVED, 0) + len(data)
        request.meta[_RECEIVED] = received
        if received > self.cap:
            request.meta[TRUNCATED] = True
            raise StopDownload(fail=False)


class TruncatingCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, except that a gzip or deflate page decompressing past
    ``DOWNLOAD_MAXSIZE`` keeps its first ``DOWNLOAD_MAXSIZE`` bytes (``scamlines_truncated``)
    instead of being dropped: padding a compressed scam page must not hide it. Decompression
    still stops at the cap, so a bomb costs no more than a page at the cap. Brotli and zstd
    bodies over the cap are refused as Scrapy does."""

    _cut = False  # set by _handle_encoding for the response being processed

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        self._cut = False
        result = super().process_response(request, response)
        if self._cut:
            cap = request.meta.get("download_maxsize", self._max_size)
            _kept_beginning(request, self.stats, cap, response.url)
        return result

    def _handle_encoding(self, body: bytes, content_encoding: list[bytes],
                         max_size: int) -> tuple[bytes, list[bytes]]:
        try:
            return super()._handle_encoding(body, content_encoding, max_size)
        except _DecompressionMaxSizeExceeded:
            to_decode, to_keep = self._split_encodings(content_encoding)
            if max_size <= 0 or len(to_decode) != 1 or to_decode[0].decode() not in ZLIB_ENCODINGS:
                raise
            self._cut = True
            return inflate_prefix(body, max_size), to_keep


def _kept_beginning(request: Request, stats: Any, cap: int, url: str) -> None:
    """Mark a response cut at the cap: request meta, ``scamlines/truncated``, one log line."""
    request.meta[TRUNCATED] = True
    if stats is not None:
        stats.inc_value("scamlines/truncated")
    logger.info("Kept the first %d bytes of %s (over DOWNLOAD_MAXSIZE)", cap, url)
