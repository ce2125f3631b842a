"""Search providers: where candidate URLs come from, behind one small interface.

A provider answers :meth:`SearchProvider.search` with ranked :class:`Result` objects or
raises :class:`ProviderError` with a message for the analyst. Two ship with scamlines:

* :class:`crawler.discovery.searxng.SearxngProvider`: a SearXNG instance's JSON API;
* :class:`crawler.discovery.urllist.UrlListProvider`: a file (or stdin) of URLs, one per
  line, for results gathered elsewhere. It ignores queries (``uses_queries = False``).

:func:`crawler.discovery.choose.make_provider` builds one from command-line style settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from crawler.netguard import AllowedHost

__all__ = [
    "PROVIDERS",
    "ProviderError",
    "ProviderSettings",
    "RateLimited",
    "Result",
    "SearchProvider",
]

PROVIDERS = ("searxng", "urls")


@dataclass(frozen=True, slots=True)
class Result:
    """One search result: ``rank`` is its 1-based position in the provider's answer."""

    url: str
    title: str = ""
    snippet: str = ""
    rank: int = 0


class ProviderError(Exception):
    """A search failed. ``partial`` holds what earlier result pages returned, if any."""

    def __init__(self, message: str, partial: Sequence[Result] = ()) -> None:
        super().__init__(message)
        self.partial = tuple(partial)


class RateLimited(ProviderError):
    """The provider kept answering HTTP 429 (or asked for a longer wait than allowed)."""


class SearchProvider(Protocol):
    """What discovery needs from a source of search results."""

    #: Recorded with every result (``discoveries.provider``).
    name: str
    #: False: the provider answers the same whatever the query; it is asked once.
    uses_queries: bool

    def search(self, query: str, max_results: int) -> list[Result]:
        """Up to ``max_results`` results for ``query``, best first; raises ProviderError."""
        ...


@dataclass(frozen=True)
class ProviderSettings:
    """How to reach a provider, as the command line gives it."""

    name: str = "searxng"
    searxng_url: str | None = None
    urls_file: str | None = None
    timeout: float = 10.0  #: seconds per provider request
    max_wait: float = 30.0  #: longest Retry-After honoured before giving up on a query
    delay: float = 1.0  #: seconds between provider requests
    allow: tuple[AllowedHost, ...] = ()
