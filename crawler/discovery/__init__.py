"""Discovery: find the pages that advertise support numbers (``scamlines discover``).

Analysts do not know the URLs of fake support pages in advance; scammers place them where
victims search. This package turns the allowlist's brands into the queries a victim types
(:mod:`.queries`), asks a search provider (:mod:`.providers`: SearXNG, or a URL list),
normalises and records the results (:mod:`.urls`, :mod:`.run`), and hands them to the
crawler as seeds. No Scrapy here: the crawl is :func:`crawler.runner.run_crawl`'s.
"""

from crawler.discovery.choose import make_provider
from crawler.discovery.providers import (
    PROVIDERS,
    ProviderError,
    ProviderSettings,
    RateLimited,
    Result,
    SearchProvider,
)
from crawler.discovery.queries import (
    DEFAULT_QUERIES,
    Query,
    QueryError,
    build_queries,
    load_templates,
    select_brands,
)
from crawler.discovery.run import (
    Candidate,
    DiscoverOptions,
    DiscoverySummary,
    QueryOutcome,
    run_discovery,
)
from crawler.discovery.urls import normalise_url

__all__ = [
    "DEFAULT_QUERIES",
    "PROVIDERS",
    "Candidate",
    "DiscoverOptions",
    "DiscoverySummary",
    "ProviderError",
    "ProviderSettings",
    "Query",
    "QueryError",
    "QueryOutcome",
    "RateLimited",
    "Result",
    "SearchProvider",
    "build_queries",
    "load_templates",
    "make_provider",
    "normalise_url",
    "run_discovery",
    "select_brands",
]
