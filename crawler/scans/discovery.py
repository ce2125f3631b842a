"""A scan's ``[discovery]``: search before the crawl; the candidates join the seeds.

:func:`discover_for_scan` runs :func:`crawler.discovery.run_discovery` with the table's
provider and queries (the options of ``scamlines discover``), recorded in the store's
discovery tables like any discovery run. It never raises for the search itself: a provider
that cannot be built (no SearXNG URL, refused by the network guard, unreadable URL list) or
queries that all fail are reported in :class:`ScanDiscovery` and the scan crawls its
configured seeds anyway.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.discovery import (
    DiscoverOptions,
    DiscoverySummary,
    ProviderError,
    ProviderSettings,
    Query,
    QueryError,
    QueryOutcome,
    build_queries,
    load_templates,
    make_provider,
    run_discovery,
    select_brands,
)
from crawler.discovery.urls import redact_credentials

if TYPE_CHECKING:
    from crawler.scans.config import DiscoverySpec, ScanConfig
    from crawler.store import Store

__all__ = ["ScanDiscovery", "discover_for_scan"]


@dataclass
class ScanDiscovery:
    """What the scan's search found (``summary``), or why it did not search (``problem``)."""

    summary: DiscoverySummary | None = None
    problem: str | None = None
    query_count: int = 0

    @property
    def urls(self) -> list[str]:
        return [c.url for c in self.summary.candidates] if self.summary else []

    def notes(self) -> list[str]:
        """The summary's ``discovery:`` lines, one per failed query."""
        if self.summary is None:
            count = self.query_count
            what = f"the {count} [discovery] quer{'y was' if count == 1 else 'ies were'}"
            return [f"discovery: {what} not searched: {self.problem}"]
        found = self.summary
        new = sum(c.new for c in found.candidates)
        ok = len(found.outcomes) - len(found.failed)
        asked = f"{ok} of {len(found.outcomes)} queries answered, " if found.outcomes and \
            found.outcomes[0].query is not None else ""  # fmt: skip
        notes = [(f"discovery: run {found.run_id} ({found.provider}): {asked}"
                 f"{len(found.candidates)} candidate URLs ({new} new) added to the seeds")]
        notes += [f"discovery FAILED {o.status}: \"{o.query or found.provider}\": {o.error}"
                  for o in found.failed]
        return notes

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.summary.to_dict() if self.summary else {"summary": "discover"}
        data.update(problem=self.problem, urls=self.urls)
        return data


def discover_for_scan(
    store: Store,
    config: ScanConfig,
    allow: tuple[Any, ...],
    on_outcome: Callable[[QueryOutcome], None] | None = None,
) -> ScanDiscovery:
    """Search as ``config.discovery`` says; the candidates are in the result's ``urls``."""
    import allowlist

    spec = config.discovery
    assert spec is not None
    try:
        al = config.allowlist.load()
        queries = _queries(spec, al)
    except (allowlist.AllowlistError, QueryError) as err:
        return ScanDiscovery(problem=str(err).splitlines()[0], query_count=len(spec.queries))
    url = spec.searxng_url or os.environ.get("SCAMLINES_SEARXNG_URL")
    settings = ProviderSettings(spec.provider, url, str(spec.urls_file or "") or None,
                                spec.timeout, spec.max_wait, spec.delay, allow)
    try:
        provider = make_provider(settings)
    except ProviderError as err:
        problem = str(err)
        if spec.provider == "searxng" and not url:
            problem = "no SearXNG URL (set [discovery] searxng_url or SCAMLINES_SEARXNG_URL)"
        return ScanDiscovery(problem=problem, query_count=len(queries))
    max_results = spec.max_results if spec.max_results is not None else \
        (20 if provider.uses_queries else 0)  # fmt: skip
    recorded = {"scan_config": str(config.path), "brands": list(spec.brands),
                "languages": list(spec.languages), "queries": list(spec.queries),
                "max_results": max_results, "searxng_url": redact_credentials(url) if url else None,
                "urls_file": str(spec.urls_file) if spec.urls_file else None}  # fmt: skip
    options = DiscoverOptions(provider, queries, max_results, al, recorded)
    summary = run_discovery(store, options, on_outcome=on_outcome)
    if summary.interrupted:
        raise KeyboardInterrupt  # the scan stops there, as for a stop during its crawl
    return ScanDiscovery(summary=summary, query_count=len(queries))


def _queries(spec: DiscoverySpec, al: Any) -> list[Query]:
    if spec.provider == "urls":
        return []
    literal = [Query(text, "", "") for text in spec.queries]
    if not spec.brands:
        return literal
    templates = load_templates(spec.queries_file)
    return literal + build_queries(select_brands(al, spec.brands), templates, spec.languages)
