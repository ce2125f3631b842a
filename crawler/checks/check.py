"""``scamlines check``: analyse local files and single URLs, one report per page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import detector
from crawler.fetch import FetchError, fetch
from crawler.netguard import AllowedHost
from detector.report import PageReport, Reason

if TYPE_CHECKING:
    from allowlist import Allowlist

PAGE_SUFFIXES = {".html": "text/html", ".htm": "text/html", ".xhtml": "text/html",
                 ".txt": "text/plain", ".text": "text/plain"}


class InputError(Exception):
    """An input that cannot be analysed: missing file, binary body, failed fetch."""


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


def note_truncated(report: PageReport, message: str) -> None:
    """Say in ``report`` that only the beginning of the page was analysed (once)."""
    if not any(reason.code == "page_truncated" for reason in report.reasons):
        report.reasons.append(Reason("page_truncated", message))


def check_one(item: str, allowlist: Allowlist, *, url: str | None = None,
              allow: tuple[AllowedHost, ...] = (), timeout: float = 20.0) -> PageReport:
    """Analyse one file or URL; raises InputError with a message for the analyst."""
    try:
        if item.startswith(("http://", "https://")):
            page = fetch(item, timeout=timeout, allow=allow)
            if page.status >= 400:
                # An error page is not the page asked about: never "clean" (as in a crawl).
                raise InputError(f"{item}: not analysed: HTTP {page.status}")
            report = detector.analyze(page.body, url=page.final_url, allowlist=allowlist,
                                      content_type=page.content_type, source=item)
            if page.cut_short:
                note_truncated(report, "the server stopped before the end of the page; only "
                                       "what arrived was analysed")
            return report
        path = Path(item)
        if path.is_dir():
            raise InputError(f"{item}: no .html, .htm or .txt files in this folder")
        content_type = PAGE_SUFFIXES.get(path.suffix.lower())
        return detector.analyze(path.read_bytes(), url=url, allowlist=allowlist,
                                content_type=content_type, source=item)
    except FetchError as error:
        raise InputError(str(error)) from None
    except detector.UnsupportedContent as error:
        raise InputError(f"{item}: {error}") from None
    except FileNotFoundError:
        raise InputError(f"{item}: no such file") from None
    except OSError as error:
        raise InputError(f"{item}: {error.strerror or error}") from None
