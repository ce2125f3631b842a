"""A ``file:`` download handler that reads only under the crawl's seed folders.

Scrapy's own ``FileDownloadHandler`` reads any path, so a page (or a seed list) pointing at
``file:///etc/passwd`` would be read and stored. This handler serves local seeds, for
example the bundled ``examples/site``, and refuses everything else; with no local seeds it
serves nothing. The network guard refuses the same URLs earlier; this is the second lock.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.asyncio import run_in_thread

from crawler.config import CrawlConfig
from crawler.links import file_path, under_roots
from crawler.middlewares import spider_file_roots

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["RootedFileDownloadHandler"]


class RootedFileDownloadHandler(BaseDownloadHandler):
    """Serve ``file:`` URLs under ``SCAMLINES_FILE_ROOTS`` (or the spider's seed folders)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.roots = CrawlConfig.from_settings(crawler.settings).file_roots
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    async def download_request(self, request: Request) -> Response:
        path = file_path(request.url)
        roots = self.roots + spider_file_roots(self.crawler)
        if path is None or not under_roots(path, roots):
            raise IgnoreRequest(f"{request.url}: outside the seed folders")
        body = await run_in_thread(self._read, path)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = Headers({"Content-Type": content_type})
        respcls = responsetypes.from_args(headers=headers, filename=str(path), body=body)
        return respcls(url=request.url, body=body, headers=headers)

    def _read(self, path: Path) -> bytes:
        if not self.maxsize:
            return path.read_bytes()
        # One byte more than the cap: crawler.sizecap cuts it and says page_truncated.
        with path.open("rb") as file:
            return file.read(self.maxsize + 1)
