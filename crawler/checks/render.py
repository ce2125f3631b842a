"""Rendering one page for ``scamlines check --render``: Playwright and the one-page fetch.

Every request the page makes is fetched with :func:`crawler.fetch.fetch` (each redirect hop
resolved and refused when private, unless ``--allow-host``; 8 MiB cap) in a thread, and
answered to the browser by :class:`crawler.render.PageGuard`; nothing else reaches the
network. The served document is handed to the browser as fetched, not fetched again.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from crawler.fetch import FetchError, fetch
from crawler.render import (
    CONTEXT_OPTIONS,
    PageGuard,
    Refused,
    RenderLimits,
    RenderState,
    SubResponse,
    launch_options,
    settle_and_capture,
)

if TYPE_CHECKING:
    from crawler.netguard import AllowedHost

__all__ = ["render_page"]


def render_page(url: str, served: SubResponse, *, executable: str,
                allow: tuple[AllowedHost, ...] = (), fetch_timeout: float = 20.0,
                limits: RenderLimits | None = None, screenshots: bool = True) -> RenderState:
    """Render ``served`` as the document at ``url``; the state holds the DOM, screenshots,
    the limits hit and the refused requests. Raises nothing for a bad page (``state.error``)."""
    limits = limits or RenderLimits()

    async def fetcher(sub_url: str, method: str, headers: dict[str, str],
                      body: bytes | None) -> SubResponse:
        if method.upper() not in ("GET", "HEAD"):
            raise Refused(f"{method} is not fetched for a page render")
        loop = asyncio.get_running_loop()
        try:
            got = await loop.run_in_executor(
                None, lambda: fetch(sub_url, timeout=min(fetch_timeout, limits.timeout),
                                    allow=allow))
        except FetchError as error:
            raise Refused(str(error)) from None
        content_type = {"content-type": got.content_type} if got.content_type else {}
        return SubResponse(got.status, content_type, got.body)

    state = RenderState(url=url, fetcher=fetcher, limits=limits, served=served,
                        screenshots_wanted=screenshots)
    return asyncio.run(_render(state, executable))


async def _render(state: RenderState, executable: str) -> RenderState:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options(executable))
        try:
            context = await browser.new_context(**CONTEXT_OPTIONS)
            page = await context.new_page()
            await PageGuard(state).install(page)
            try:
                await page.goto(state.url, wait_until="commit",
                                timeout=max(1000.0, state.remaining() * 1000))
            except Exception as error:  # noqa: BLE001 - analysed from what there is
                state.error = f"{type(error).__name__}: {error}"
                return state
            await settle_and_capture(page, state)
        finally:
            await browser.close()
    return state
