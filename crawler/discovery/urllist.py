"""A provider that is just a list of URLs: a file or stdin, one URL per line.

For results found elsewhere (a commercial search API, a colleague's spreadsheet, an abuse
report). Blank lines and ``#`` comments are skipped; a ``#`` after a space ends the URL
(``#`` right after a URL is a fragment). Queries do not apply: the whole list is one answer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Self, TextIO

from crawler.discovery.providers import ProviderError, Result

__all__ = ["UrlListProvider"]


class UrlListProvider:
    """The URLs of a list, in order, as ranked results (``uses_queries = False``)."""

    name = "urls"
    uses_queries = False

    def __init__(self, urls: list[str], source: str = "-") -> None:
        self.urls = urls
        self.source = source

    @classmethod
    def open(cls, path: str, stdin: TextIO | None = None) -> Self:
        """Read ``path`` (``-``: stdin) now; raises ProviderError when it cannot be read."""
        if path == "-":
            return cls(parse_url_list((stdin or sys.stdin).read()), "stdin")
        try:
            text = Path(path).expanduser().read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ProviderError(f"{path}: no such URL list") from None
        except (OSError, UnicodeDecodeError) as err:
            raise ProviderError(f"{path}: cannot read the URL list ({err})") from None
        return cls(parse_url_list(text), path)

    def search(self, query: str, max_results: int) -> list[Result]:
        """The first ``max_results`` URLs (0: all), whatever ``query`` is."""
        urls = self.urls[:max_results] if max_results else self.urls
        return [Result(url, rank=rank) for rank, url in enumerate(urls, start=1)]


def parse_url_list(text: str) -> list[str]:
    """The URLs of a list's text, comments and blank lines removed, in order."""
    urls = []
    for line in text.splitlines():
        value = line.split(" #", 1)[0].strip()
        if value and not value.startswith("#"):
            urls.append(value)
    return urls
