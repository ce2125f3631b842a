"""Rendering during a crawl: scrapy-playwright, with every browser request sent back through
the crawl's own downloader.

``SCAMLINES_RENDER`` (``--render``): ``never``, ``auto`` (default) or ``always``.
:func:`render_settings` installs scrapy-playwright's download handler for ``http``/``https``
(it only handles requests marked ``playwright``; every other request keeps Scrapy's handler)
with Debian's Chromium, and :class:`Renderer` (used by the spider) decides which served pages
to render and renders them:

* the served response is handed to the browser as the document (no second fetch);
* every other request the page makes goes through ``engine.download_async``, i.e. the crawl's
  downloader middlewares: the network guard (private addresses refused, pinned DNS), robots.txt,
  the size caps, redirects hop by hop. It runs in its own download slot
  (:data:`FETCH_SLOT`), so a render never waits for a slot its own page holds;
* scrapy-playwright's own request handler is told to abort everything
  (``PLAYWRIGHT_ABORT_REQUEST``): if :class:`crawler.render.PageGuard` were ever missing, the
  page would load nothing rather than let the browser connect.

Stats: ``scamlines/rendered``, ``scamlines/render_failed``, ``scamlines/render_refused``
(browser requests refused), ``scamlines/render_limit/<code>``.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from crawler.render import (
    CONTEXT_OPTIONS,
    PageGuard,
    Refused,
    RenderLimits,
    RenderState,
    SubResponse,
    chromium_path,
    launch_options,
    needs_render,
    settle_and_capture,
)
from crawler.stopping import is_stopping

if TYPE_CHECKING:
    from playwright.async_api import Page
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

    from crawler.items import PageItem

__all__ = [
    "FETCH_SLOT",
    "PAGE_SLOT",
    "Renderer",
    "abort_everything",
    "init_page",
    "render_settings",
    "resolve_render",
]

logger = logging.getLogger(__name__)

#: Download slots: the render requests themselves, and what their pages ask for.
PAGE_SLOT = "scamlines-render-pages"
FETCH_SLOT = "scamlines-render-fetch"
#: Pages rendered at once (each is a browser tab).
PAGES_AT_ONCE = 4

_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


def resolve_render(settings: dict[str, Any]) -> str:
    """Settle ``SCAMLINES_RENDER`` in a crawl's ``--set`` settings before it starts.

    ``auto`` without a browser becomes ``never`` (one warning on stderr); ``always`` without
    one raises ValueError (the command's exit 2). Sets ``SCAMLINES_CHROMIUM`` when rendering.
    """
    mode = str(settings.get("SCAMLINES_RENDER") or "auto").lower()
    if mode not in ("never", "auto", "always"):
        raise ValueError(f"SCAMLINES_RENDER must be never, auto or always, not {mode!r}")
    executable = None
    if mode != "never":
        executable = settings.get("SCAMLINES_CHROMIUM") or _browser()
    if mode != "never" and executable is None:
        why = "no Chromium found (install Debian's chromium, or set SCAMLINES_CHROMIUM)"
        if mode == "always":
            raise ValueError(f"--render always: {why}")
        print(f"warning: --render auto: {why}; pages are judged as served", file=sys.stderr)
        mode = "never"
    settings["SCAMLINES_RENDER"] = mode
    if executable:
        settings["SCAMLINES_CHROMIUM"] = executable
    return mode


def _browser() -> str | None:
    try:
        import scrapy_playwright  # noqa: F401 - only whether it is installed
    except ImportError:
        return None
    return chromium_path()


def render_settings(settings: BaseSettings) -> dict[str, Any]:
    """The Scrapy settings rendering needs (none when ``SCAMLINES_RENDER`` is ``never``)."""
    mode = settings.get("SCAMLINES_RENDER") or "never"
    executable = settings.get("SCAMLINES_CHROMIUM")
    if mode == "never" or not executable:
        return {}
    limits = render_limits(settings)
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    handlers.update(http=_HANDLER, https=_HANDLER)
    slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
    slots[PAGE_SLOT] = {"concurrency": PAGES_AT_ONCE, "delay": 0, "randomize_delay": False}
    slots[FETCH_SLOT] = {"concurrency": 8, "delay": 0, "randomize_delay": False}
    return {
        "DOWNLOAD_HANDLERS": handlers,
        "DOWNLOAD_SLOTS": slots,
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(executable),
        # No startup context: the browser starts with the first page that needs it.
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": PAGES_AT_ONCE,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": int(limits.timeout * 1000),
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.renderhandler.abort_everything",
        "PLAYWRIGHT_PROCESS_REQUEST_HEADERS": None,
    }


def render_limits(settings: BaseSettings) -> RenderLimits:
    """``SCAMLINES_RENDER_TIMEOUT``, ``_MAX_DOM``, ``_MAX_SUBREQUESTS`` as RenderLimits."""
    default = RenderLimits()
    return RenderLimits(
        timeout=settings.getfloat("SCAMLINES_RENDER_TIMEOUT", default.timeout),
        max_dom_chars=settings.getint("SCAMLINES_RENDER_MAX_DOM", default.max_dom_chars),
        max_subrequests=settings.getint("SCAMLINES_RENDER_MAX_SUBREQUESTS",
                                        default.max_subrequests),
    )


def abort_everything(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: scrapy-playwright's own route never lets a request out."""
    return True


async def init_page(page: Page, request: Request) -> None:
    """``playwright_page_init_callback``: put the guard in front of everything the page asks."""
    await PageGuard(request.meta["scamlines_render"]).install(page)


class Renderer:
    """Decides which served pages to render, renders them, and returns the page to record."""

    def __init__(self, crawler: Crawler, mode: str, limits: RenderLimits) -> None:
        self.crawler = crawler
        self.mode = mode
        self.limits = limits
        self._allowlist: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Renderer | None:
        """A renderer, or None when the crawl does not render (no handler installed)."""
        settings = crawler.settings
        mode = settings.get("SCAMLINES_RENDER") or "never"
        handlers = settings.getdict("DOWNLOAD_HANDLERS")
        if mode == "never" or handlers.get("https") != _HANDLER:
            return None
        return cls(crawler, mode, render_limits(settings))

    def wanted(self, response: Response, item: PageItem) -> tuple[bool, bool]:
        """``(render, screenshots)`` for a served page."""
        if item.replayed or item.text is None or item.fetch.content_type is None:
            return False, False
        if not response.url.startswith(("http://", "https://")):
            return False, False  # local files are judged as they are
        if "html" not in item.fetch.content_type.lower():
            return False, False
        if needs_render(response.body, self.mode):
            return True, True
        return (True, True) if self._would_flag(item) else (False, False)

    def _would_flag(self, item: PageItem) -> bool:
        """A page showing a number is judged now, to know whether it needs a screenshot."""
        from crawler.linkscore import phone_count

        assert item.text is not None
        if phone_count(item.text) == 0:
            return False
        import detector

        if self._allowlist is None:
            from crawler.config import CrawlConfig

            self._allowlist = CrawlConfig.from_settings(self.crawler.settings).allowlist.load()
        try:
            report = detector.analyze(item.text, url=item.fetch.final_url,
                                      allowlist=self._allowlist,
                                      content_type=item.fetch.content_type)
        except Exception:  # noqa: BLE001 - the worker judges it again and records any error
            return False
        return report.verdict in ("flagged", "suspicious")

    async def render(self, response: Response, item: PageItem) -> PageItem | None:
        """The item with the rendered DOM, screenshots and limits hit (the served one when
        the render failed); None when the crawl was stopped meanwhile (Ctrl-C, SIGTERM: the
        page is abandoned, and rendered again by ``--resume``)."""
        from scrapy_playwright.page import PageMethod

        stats = self.crawler.stats
        served = SubResponse(response.status, {"content-type": item.fetch.content_type or ""},
                             response.body)
        state = RenderState(url=response.url, fetcher=self._fetch, limits=self.limits,
                            served=served)
        request = Request(
            response.url, dont_filter=True,
            meta={
                "playwright": True,
                "playwright_context": "scamlines",
                "playwright_context_kwargs": dict(CONTEXT_OPTIONS),
                "playwright_page_init_callback": init_page,
                "playwright_page_goto_kwargs": {"wait_until": "commit"},
                "playwright_page_methods": [PageMethod(settle_and_capture, state)],
                "scamlines_render": state,
                "download_slot": PAGE_SLOT,
                "dont_obey_robotstxt": True,  # the page itself was fetched (and allowed)
                "dont_redirect": True, "dont_retry": True, "dont_cache": True,
                "handle_httpstatus_all": True,
                "download_timeout": self.limits.timeout + 15,
            },
        )
        try:
            await self.crawler.engine.download_async(request)
        except Exception as error:  # noqa: BLE001 - a failed render keeps the served page
            state.error = f"{type(error).__name__}: {error}"
        if is_stopping(self.crawler):  # its requests were refused: not the page as served
            return None
        stats.inc_value("scamlines/render_refused", len(state.refused))
        if state.html is None:
            stats.inc_value("scamlines/render_failed")
            logger.info("Render of %s failed (%s); judged as served", response.url, state.error)
            return item
        stats.inc_value("scamlines/rendered")
        for code in state.limits_hit:
            stats.inc_value(f"scamlines/render_limit/{code}")
        item.fetch = dataclasses.replace(
            item.fetch, text_source="rendered", rendered=state.html.encode("utf-8"),
            screenshots=tuple(state.screenshots), render_limits=tuple(state.limits_hit.items()),
            note=None)
        item.text = state.html
        item.encoding = None  # the rendered DOM crosses as text; the body is the served HTML
        return item

    async def _fetch(self, url: str, method: str, headers: dict[str, str],
                     body: bytes | None) -> SubResponse:
        """One browser request, through the crawl's downloader (guard, DNS pins, caps)."""
        request = Request(url, method=method, headers=headers, body=body, dont_filter=True,
                          meta={"download_slot": FETCH_SLOT, "autothrottle_dont_adjust_delay":
                                True, "dont_cache": True, "handle_httpstatus_all": True,
                                "scamlines_subrequest": True})
        try:
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest as error:
            raise Refused(str(error)) from None
        except Exception as error:  # noqa: BLE001 - DNS, timeouts, size caps: refused
            raise Refused(f"{type(error).__name__}: {error}") from None
        content_type = response.headers.get(b"Content-Type")
        headers_out = {"content-type": content_type.decode("latin-1")} if content_type else {}
        return SubResponse(response.status, headers_out, response.body)
