"""``scamlines check``: analyse local files and single URLs, one report per page.

HTML is judged as served, or as a browser rendered it (``--render``, :mod:`crawler.render`);
PDF files and PDF bodies are read with :mod:`crawler.documents` and judged as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import detector
from crawler.analysis import add_reasons, analyse_pdf, limit_reasons, note_truncated
from crawler.documents import is_pdf, locate_pages
from crawler.fetch import FetchError, fetch
from crawler.netguard import AllowedHost
from crawler.render import RenderLimits, SubResponse, needs_render
from detector.report import PageReport

if TYPE_CHECKING:
    from allowlist import Allowlist
    from crawler.render import Screenshot

PAGE_SUFFIXES = {".html": "text/html", ".htm": "text/html", ".xhtml": "text/html",
                 ".txt": "text/plain", ".text": "text/plain", ".pdf": "application/pdf"}

#: Verdicts whose page gets a screenshot (and so a render) under ``--render auto``.
SCREENSHOT_VERDICTS = ("flagged", "suspicious")

#: The address a saved file is rendered at when ``--url`` does not say (resolves nowhere).
_LOCAL_URL = "https://saved-page.invalid/"


class InputError(Exception):
    """An input that cannot be analysed: missing file, binary body, failed fetch."""


@dataclass(slots=True)
class Checked:
    """One checked page: the report, which text was judged, and the render's evidence."""

    report: PageReport
    text_source: str = "served"  #: ``served``, ``rendered`` or ``document``
    screenshots: list[Screenshot] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  #: requests the render refused
    doc_pages: dict[str, list[int]] = field(default_factory=dict)  #: e164 → PDF pages
    render_error: str | None = None


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How ``check`` renders: the mode, the Chromium to use (None: none) and the limits."""

    mode: str = "never"
    executable: str | None = None
    limits: RenderLimits = field(default_factory=RenderLimits)


def expand(inputs: list[str]) -> Iterator[str]:
    """Inputs as given, folders replaced by the page files inside them (sorted)."""
    for item in inputs:
        path = Path(item)
        if not item.startswith(("http://", "https://")) and path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES)
            if not files:
                yield item  # reported as an error by check_one
            yield from (str(p) for p in files)
        else:
            yield item


def check_one(item: str, allowlist: Allowlist, *, url: str | None = None,
              allow: tuple[AllowedHost, ...] = (), timeout: float = 20.0) -> PageReport:
    """Analyse one file or URL as served; raises InputError with a message for the analyst."""
    return check_page(item, allowlist, url=url, allow=allow, timeout=timeout).report


def check_page(item: str, allowlist: Allowlist, *, url: str | None = None,
               allow: tuple[AllowedHost, ...] = (), timeout: float = 20.0,
               render: RenderOptions | None = None) -> Checked:
    """Analyse one file or URL (rendering it when ``render`` says so); raises InputError."""
    render = render or RenderOptions()
    try:
        body, page_url, content_type, cut_short = _load(item, url, allow, timeout)
        if is_pdf(body, content_type, item):
            try:
                return _document(item, body, page_url, allowlist)
            except InputError:
                # A PDF signature in front of a web page must not hide the page: when the
                # PDF reader gives up on a body served or named as HTML, judge it as HTML.
                if "html" not in (content_type or "").lower():
                    raise
        report = detector.analyze(body, url=page_url, allowlist=allowlist,
                                  content_type=content_type, source=item)
        if cut_short:
            report = note_truncated(report, "the server stopped before the end of the page; "
                                            "only what arrived was analysed")
    except FetchError as error:
        raise InputError(str(error)) from None
    except detector.UnsupportedContent as error:
        raise InputError(f"{item}: {error}") from None
    except FileNotFoundError:
        raise InputError(f"{item}: no such file") from None
    except OSError as error:
        raise InputError(f"{item}: {error.strerror or error}") from None
    checked = Checked(report)
    if _wants_render(render, body, content_type, report):
        _render_into(checked, item, body, page_url, content_type, allowlist, allow, timeout,
                     render)
    return checked


def _load(item: str, url: str | None, allow: tuple[AllowedHost, ...],
          timeout: float) -> tuple[bytes, str | None, str | None, bool]:
    """``(body, url, content type, cut short)`` of a file or a fetched URL."""
    if item.startswith(("http://", "https://")):
        page = fetch(item, timeout=timeout, allow=allow)
        if page.status >= 400:
            # An error page is not the page asked about: never "clean" (as in a crawl).
            raise InputError(f"{item}: not analysed: HTTP {page.status}")
        return page.body, page.final_url, page.content_type, page.cut_short
    path = Path(item)
    if path.is_dir():
        raise InputError(f"{item}: no .html, .htm, .txt or .pdf files in this folder")
    return path.read_bytes(), url, PAGE_SUFFIXES.get(path.suffix.lower()), False


def _document(item: str, body: bytes, url: str | None, allowlist: Allowlist) -> Checked:
    report, document = analyse_pdf(body, url=url, allowlist=allowlist, source=item)
    if report is None:
        raise InputError(f"{item}: {document.message() or 'the PDF has no text'}")
    texts = sorted((s for s in report.sightings if s.source == "text"), key=lambda s: s.start)
    pages: dict[str, list[int]] = {}
    for sighting, page in zip(texts, locate_pages([s.raw for s in texts], document.pages),
                              strict=True):
        if page is not None and page not in pages.setdefault(sighting.e164, []):
            pages[sighting.e164].append(page)
    return Checked(report, "document", doc_pages=pages)


def _wants_render(render: RenderOptions, body: bytes, content_type: str | None,
                  report: PageReport) -> bool:
    if render.mode == "never" or render.executable is None:
        return False
    if content_type and "html" not in content_type.lower():
        return False
    return needs_render(body, render.mode) or report.verdict in SCREENSHOT_VERDICTS


def _render_into(checked: Checked, item: str, body: bytes, url: str | None,
                 content_type: str | None, allowlist: Allowlist,
                 allow: tuple[AllowedHost, ...], timeout: float, render: RenderOptions) -> None:
    from crawler.checks.render import render_page

    assert render.executable is not None
    served = SubResponse(200, {"content-type": content_type or "text/html"}, body)
    state = render_page(url or _LOCAL_URL, served, executable=render.executable, allow=allow,
                        fetch_timeout=timeout, limits=render.limits)
    checked.screenshots, checked.refused = state.screenshots, state.refused
    checked.render_error = state.error
    if state.html is None:
        return  # the served text stands; the error says why
    try:
        report = detector.analyze(state.html, url=url, allowlist=allowlist,
                                  content_type="text/html", source=item)
    except detector.UnsupportedContent:
        return
    # What was said about reading the served page (cut short by the server) still holds.
    carried = [r for r in checked.report.reasons if r.code == "page_truncated"]
    checked.report = add_reasons(report, [*carried, *limit_reasons(state.limits_hit)])
    checked.text_source = "rendered"
