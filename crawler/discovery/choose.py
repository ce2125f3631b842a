"""Choose and build the search provider that command-line style settings name.

Kept apart from :mod:`crawler.discovery.providers` (the interface) so that the providers
import the interface and this module imports the providers: no import runs in a circle.
"""

from __future__ import annotations

from typing import TextIO

from crawler.discovery.providers import PROVIDERS, ProviderError, ProviderSettings, SearchProvider
from crawler.discovery.searxng import SearxngProvider
from crawler.discovery.urllist import UrlListProvider

__all__ = ["make_provider"]


def make_provider(settings: ProviderSettings, stdin: TextIO | None = None) -> SearchProvider:
    """The provider ``settings`` describe, checked before any search.

    Raises :class:`ProviderError` when it is misconfigured: unknown name, missing or
    unusable URL (refused by the network guard), unreadable URL list.
    """
    if settings.name == "searxng":
        if not settings.searxng_url:
            raise ProviderError("--provider searxng needs --searxng-url URL (your instance)")
        provider = SearxngProvider(
            settings.searxng_url,
            timeout=settings.timeout,
            max_wait=settings.max_wait,
            delay=settings.delay,
            allow=settings.allow,
        )
        provider.check()
        return provider
    if settings.name == "urls":
        if not settings.urls_file:
            raise ProviderError("--provider urls needs --urls-file FILE (or - for stdin)")
        return UrlListProvider.open(settings.urls_file, stdin=stdin)
    raise ProviderError(f"unknown provider {settings.name!r} (known: {', '.join(PROVIDERS)})")
