"""Rendering a page in Debian's Chromium without letting the browser open a connection.

Used by ``scamlines check --render`` (:mod:`crawler.checks.render`) and by crawls through
scrapy-playwright (:mod:`crawler.renderhandler`). The browser is a renderer only:

* every request a page makes (the document itself, scripts, XHR/fetch, images, iframes) is
  intercepted by :class:`PageGuard` (``page.route``) and answered with a response the caller
  fetched through its own guarded path (the crawl's downloader with its network guard, pinned
  DNS and size caps; the one-page fetch of ``check``), or refused;
* the page never leaves itself: ``location =``, ``<meta refresh>`` and form posts of the top
  frame are answered "204 No Content" (the render is of the page that was fetched);
* WebSockets are answered by nobody (``page.route_web_socket``), service workers are blocked,
  downloads refused, popups closed (and any request from them aborted at the context),
  permission prompts denied (none granted), dialogs dismissed;
* as a second wall, Chromium is started with a proxy that does not exist and a resolver that
  resolves nothing, so a request that slipped past interception (a preconnect, a DNS
  prefetch) still reaches no host.

Limits per page (:class:`RenderLimits`): render time, DOM size and number of subrequests. A
page that exceeds one is analysed from what was rendered, and the limit is named
(``render_timeout``, ``render_dom_capped``, ``render_subrequests_capped``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from crawler.store import Screenshot, utc_now

if TYPE_CHECKING:
    from playwright.async_api import Page, Route, WebSocketRoute
    from playwright.async_api import Request as BrowserRequest

__all__ = [
    "CONTEXT_OPTIONS",
    "RENDER_MODES",
    "Fetcher",
    "PageGuard",
    "Refused",
    "RenderLimits",
    "RenderState",
    "Screenshot",
    "SubResponse",
    "chromium_path",
    "launch_options",
    "needs_render",
    "settle_and_capture",
]

logger = logging.getLogger(__name__)

#: ``--render``: ``never``; ``auto`` (pages with little text but scripts, and pages that
#: need a screenshot); ``always``.
RENDER_MODES = ("never", "auto", "always")

#: Chromium switches: no background traffic of its own, and a dead proxy plus a resolver that
#: resolves nothing, so whatever escapes interception goes nowhere.
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-first-run",
    "--no-pings",
    "--dns-prefetch-disable",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    ("--disable-features=NetworkPrediction,InterestFeedContentSuggestions,Translate,"
     "OptimizationHints,MediaRouter,AutofillServerCommunication"),
)

#: Browser context: no service workers, no downloads, no permissions, a desktop viewport.
CONTEXT_OPTIONS: dict[str, Any] = {
    "service_workers": "block",
    "accept_downloads": False,
    "permissions": [],
    "viewport": {"width": 1280, "height": 900},
    "java_script_enabled": True,
    "bypass_csp": False,
}

#: Headers a fulfilled response keeps (the body is already decoded; lengths are recomputed).
_KEEP_HEADERS = ("content-type", "content-language", "last-modified", "cache-control")


def chromium_path() -> str | None:
    """The Chromium to drive: ``SCAMLINES_CHROMIUM``, else ``chromium`` on PATH (Debian)."""
    configured = os.environ.get("SCAMLINES_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_options(executable: str) -> dict[str, Any]:
    """Playwright ``launch()`` keyword arguments for the system Chromium."""
    return {
        "executable_path": executable,
        "headless": True,
        "args": list(LAUNCH_ARGS),
        "handle_sigint": False,  # Ctrl-C stops the crawl, which closes the browser
        "handle_sigterm": False,
    }


@dataclass(frozen=True)
class RenderLimits:
    """What one render may spend; exceeding one ends the render, not the page."""

    timeout: float = 15.0  #: seconds from navigation to the last screenshot
    max_dom_chars: int = 4 * 1024 * 1024  #: rendered HTML kept for the detector
    max_subrequests: int = 150  #: requests answered for one page (document included)
    full_page_height: int = 8000  #: full-page screenshots are cut at this height (px)
    settle: float = 1.5  #: seconds without network activity that count as "loaded"


# --- deciding to render -------------------------------------------------------------------------

_SCRIPT = re.compile(rb"<script\b", re.IGNORECASE)
_HIDDEN = re.compile(rb"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(rb"<[^>]*>")
_SPACE = re.compile(rb"\s+")

#: Served pages with fewer visible characters than this, and a script, are rendered.
LITTLE_TEXT = 400


def needs_render(body: bytes, mode: str) -> bool:
    """Whether a served HTML page should be rendered for its text under ``mode``.

    ``auto``: the page has a ``<script>`` and fewer than :data:`LITTLE_TEXT` visible
    characters (help-desk portals and site builders that build the page in the browser).
    A cheap scan of the first 512 KiB, not a parse: it runs in the crawl's reactor.
    """
    if mode == "always":
        return True
    if mode != "auto":
        return False
    head = body[: 512 * 1024]
    if not _SCRIPT.search(head):
        return False
    visible = _SPACE.sub(b" ", _TAG.sub(b" ", _HIDDEN.sub(b" ", head))).strip()
    return len(visible) < LITTLE_TEXT


# --- guarding the page ---------------------------------------------------------------------------


class Refused(Exception):
    """A subrequest the guard did not answer; the message says why."""


@dataclass(slots=True)
class SubResponse:
    """A response fetched on the browser's behalf (redirects already followed)."""

    status: int
    headers: dict[str, str]
    body: bytes


#: ``fetcher(url, method, headers, body) -> SubResponse``; raises :class:`Refused`.
Fetcher = Callable[[str, str, dict[str, str], bytes | None], Awaitable[SubResponse]]


@dataclass
class RenderState:
    """One render: its inputs (served document, fetcher, limits) and what it produced."""

    url: str
    fetcher: Fetcher
    limits: RenderLimits = field(default_factory=RenderLimits)
    served: SubResponse | None = None  #: answers the first navigation without a second fetch
    screenshots_wanted: bool = True
    started: float = field(default_factory=time.monotonic)
    subrequests: int = 0
    refused: list[str] = field(default_factory=list)
    limits_hit: dict[str, str] = field(default_factory=dict)
    html: str | None = None
    screenshots: list[Screenshot] = field(default_factory=list)
    error: str | None = None

    def remaining(self) -> float:
        return max(0.0, self.limits.timeout - (time.monotonic() - self.started))


class PageGuard:
    """Answer every request of a page through :attr:`RenderState.fetcher`, or refuse it."""

    def __init__(self, state: RenderState) -> None:
        self.state = state
        self._document_served = False

    async def install(self, page: Page) -> None:
        """Route everything on ``page``; abort what any other page of its context asks."""
        await page.context.route("**/*", _abort)
        await page.route("**/*", self._handle)
        await page.route_web_socket("**/*", self._websocket)
        page.on("popup", _close_popup)
        page.on("dialog", _dismiss)
        page.on("download", _cancel_download)

    async def _handle(self, route: Route, request: BrowserRequest) -> None:
        state = self.state
        url = request.url
        if not url.startswith(("http://", "https://")):
            await self._refuse(route, url, "scheme")
            return
        if (state.served is not None and not self._document_served
                and request.is_navigation_request() and _same(url, state.url)):
            self._document_served = True
            await _fulfil(route, state.served)
            return
        if request.is_navigation_request() and request.frame.parent_frame is None:
            # The page leaving itself (``location =``, ``<meta refresh>``, a form): the render
            # is of this page, so the navigation is not followed. 204 No Content keeps the
            # current document where an abort would replace it with an error page.
            self.state.refused.append(f"{url} (navigation away)")
            with contextlib.suppress(Exception):  # the page may be gone already
                await route.fulfill(status=204, body=b"")
            return
        state.subrequests += 1
        if state.subrequests > state.limits.max_subrequests:
            state.limits_hit["render_subrequests_capped"] = str(state.limits.max_subrequests)
            await self._refuse(route, url, "subrequest cap")
            return
        # Only content negotiation travels; cookies, referrers and the browser's own
        # identity do not (the fetcher sends the crawl's User-Agent).
        headers = {"Accept": request.headers.get("accept", "*/*")}
        try:
            answer = await asyncio.wait_for(
                state.fetcher(url, request.method, headers, request.post_data_buffer),
                timeout=max(0.1, state.remaining()),
            )
        except (Refused, TimeoutError) as error:
            await self._refuse(route, url, str(error) or type(error).__name__)
            return
        except Exception as error:  # noqa: BLE001 - any failure is a refusal, never a leak
            await self._refuse(route, url, f"{type(error).__name__}: {error}")
            return
        await _fulfil(route, answer)

    async def _refuse(self, route: Route, url: str, why: str) -> None:
        self.state.refused.append(f"{url} ({why})")
        logger.debug("Render refused %s: %s", url, why)
        with contextlib.suppress(Exception):  # the page may be gone already
            await route.abort("blockedbyclient")

    async def _websocket(self, ws: WebSocketRoute) -> None:
        # Never connect_to_server(): the socket talks to nobody and is closed at once.
        self.state.refused.append(f"{ws.url} (websocket)")
        with contextlib.suppress(Exception):  # the page may be gone already
            await ws.close(code=1008, reason="refused")


def _same(a: str, b: str) -> bool:
    return urldefrag(a)[0].rstrip("/") == urldefrag(b)[0].rstrip("/")


async def _fulfil(route: Route, answer: SubResponse) -> None:
    headers = {k: v for k, v in answer.headers.items() if k.lower() in _KEEP_HEADERS}
    with contextlib.suppress(Exception):  # the page may be gone already
        await route.fulfill(status=answer.status or 200, headers=headers, body=answer.body)


async def _abort(route: Route) -> None:
    with contextlib.suppress(Exception):  # the page may be gone already
        await route.abort("blockedbyclient")


#: Tasks started from event handlers, kept until done (asyncio holds only weak references).
_BACKGROUND: set[asyncio.Future[None]] = set()


def _later(awaitable: Awaitable[Any]) -> None:
    task = asyncio.ensure_future(_quietly(awaitable))
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


def _close_popup(popup: Page) -> None:
    _later(popup.close())


def _dismiss(dialog: Any) -> None:
    _later(dialog.dismiss())


def _cancel_download(download: Any) -> None:
    _later(download.cancel())


async def _quietly(awaitable: Awaitable[Any]) -> None:
    with contextlib.suppress(Exception):  # the page may be gone already
        await awaitable


# --- letting it load, then capturing -------------------------------------------------------------


async def settle_and_capture(page: Page, state: RenderState) -> RenderState:
    """Wait (within the time limit) for the page to load and go quiet, then keep its DOM and
    take the screenshots. Never raises: a failure is ``state.error``."""
    try:
        await _settle(page, state)
        html = await page.content()
        if len(html) > state.limits.max_dom_chars:
            state.limits_hit["render_dom_capped"] = f"{state.limits.max_dom_chars:,} characters"
            html = html[: state.limits.max_dom_chars]
        state.html = html
        if state.screenshots_wanted:
            await take_screenshots(page, state)
    except Exception as error:  # noqa: BLE001 - a broken page must cost the render only
        state.error = f"{type(error).__name__}: {error}"
        logger.info("Render of %s failed: %s", state.url, state.error)
    return state


async def _settle(page: Page, state: RenderState) -> None:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    for load_state in ("load", "networkidle"):
        wait = state.remaining() if load_state == "load" else min(state.remaining(),
                                                                  state.limits.settle + 0.5)
        try:
            await page.wait_for_load_state(load_state, timeout=max(1.0, wait * 1000))
        except PlaywrightTimeout:
            if load_state == "load" or state.remaining() <= 0:
                state.limits_hit["render_timeout"] = f"{state.limits.timeout:g}"
                return


async def take_screenshots(page: Page, state: RenderState) -> None:
    """The viewport, and the full page up to :attr:`RenderLimits.full_page_height`."""
    viewport = page.viewport_size or CONTEXT_OPTIONS["viewport"]
    width = int(viewport["width"])
    png = await page.screenshot(type="png", timeout=max(1000.0, state.remaining() * 1000))
    state.screenshots.append(Screenshot("viewport", png, utc_now(), width,
                                        int(viewport["height"])))
    height = int(await page.evaluate(
        "() => Math.max(document.documentElement.scrollHeight, document.body ? "
        "document.body.scrollHeight : 0)"))
    height = max(1, min(height, state.limits.full_page_height))
    png = await page.screenshot(type="png", full_page=True,
                                clip={"x": 0, "y": 0, "width": width, "height": height},
                                timeout=max(1000.0, state.remaining() * 1000))
    state.screenshots.append(Screenshot("full_page", png, utc_now(), width, height))
