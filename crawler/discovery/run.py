"""One discovery run: queries → provider → candidate URLs, recorded in the store.

``run_discovery(options) -> DiscoverySummary`` is what ``scamlines discover`` does before
its optional crawl. Each query is asked separately; a query that fails (HTTP error,
timeout, bad JSON, rate limit) is reported in the summary and the run goes on. Results are
normalised (:func:`crawler.discovery.urls.normalise_url`) and de-duplicated across queries
and runs by the store. Results on a protected brand's own domain are not candidates (a
search for "Amazon customer care number" finds amazon.com first), unless the page is
user content there (forums, Google Sites), where fake numbers are posted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crawler.discovery.providers import ProviderError, RateLimited, Result, SearchProvider
from crawler.discovery.queries import Query
from crawler.discovery.urls import normalise_url
from crawler.interrupts import stoppable
from crawler.store import Store

__all__ = [
    "Candidate",
    "DiscoverOptions",
    "DiscoverySummary",
    "QueryOutcome",
    "run_discovery",
]

#: Examples of skipped results kept in the summary.
SKIPPED_EXAMPLES = 5


@dataclass
class DiscoverOptions:
    """What one discovery run needs; ``queries`` is ignored by query-less providers."""

    provider: SearchProvider
    queries: Sequence[Query]
    max_results: int = 20  #: per query; 0: all the provider gives
    allowlist: Any = None  #: results on its brands' domains are skipped
    settings: dict[str, Any] = field(default_factory=dict)  #: recorded with the run


@dataclass(frozen=True)
class Candidate:
    """A URL worth crawling, as first found in this run."""

    url: str
    query: str | None
    brand: str | None
    rank: int
    provider: str
    title: str = ""
    new: bool = True  #: no earlier run had found it
    times_seen: int = 1

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` line."""
        return asdict(self)

    def to_text(self) -> str:
        """``URL  #RANK  "QUERY"`` (``new`` marks URLs no earlier run found)."""
        where = f'"{self.query}"' if self.query else self.provider
        mark = "new" if self.new else f"seen {self.times_seen}x"
        return f"{self.url}  #{self.rank} {where}  ({mark})"


@dataclass
class QueryOutcome:
    """How one query went: ``ok``, ``partial`` (a later result page failed), ``failed``
    or ``rate_limited``."""

    query: str | None
    brand: str | None
    language: str | None
    status: str
    results: int = 0  #: usable results returned
    candidates: int = 0  #: URLs not already found by an earlier query of this run
    error: str | None = None

    @property
    def worked(self) -> bool:
        return self.status in ("ok", "partial")


@dataclass
class DiscoverySummary:
    """What ``scamlines discover`` prints at the end (text, or one JSON object)."""

    run_id: int
    provider: str
    outcomes: list[QueryOutcome]
    candidates: list[Candidate]
    skipped: dict[str, int]
    skipped_examples: list[str]
    db: str
    interrupted: bool = False  #: stopped by Ctrl-C or SIGTERM: the queries asked so far

    @property
    def worked(self) -> bool:
        """At least one query got an answer (exit status 0)."""
        return any(outcome.worked for outcome in self.outcomes)

    @property
    def failed(self) -> list[QueryOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.worked]

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` summary object."""
        return {
            "summary": "discover",
            "status": "interrupted" if self.interrupted else "finished",
            "run_id": self.run_id,
            "provider": self.provider,
            "queries": len(self.outcomes),
            "queries_ok": sum(o.worked for o in self.outcomes),
            "queries_failed": len(self.failed),
            "candidates": len(self.candidates),
            "new": sum(c.new for c in self.candidates),
            "skipped": self.skipped,
            "skipped_examples": self.skipped_examples,
            "outcomes": [asdict(o) for o in self.outcomes],
            "db": self.db,
        }

    def to_text(self) -> str:
        """The human summary."""
        new = sum(c.new for c in self.candidates)
        ok = len(self.outcomes) - len(self.failed)
        found = f"{len(self.candidates)} candidate URLs"
        if any(outcome.query is not None for outcome in self.outcomes):
            found = f"{ok} of {len(self.outcomes)} queries answered, {found}"
        else:
            found += " from the list"
        stopped = ", interrupted" if self.interrupted else ""
        lines = [f"Discovery run {self.run_id} ({self.provider}{stopped}): {found} ({new} new)"]
        if self.skipped:
            detail = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
            lines.append(f"  skipped results: {detail}")
        for outcome in self.failed:
            lines.append(f"  FAILED {outcome.status}: \"{outcome.query}\": {outcome.error}")
        for outcome in self.outcomes:
            if outcome.status == "partial":
                lines.append(f"  partial: \"{outcome.query}\": {outcome.error}")
        lines.append(f"  database: {self.db}")
        return "\n".join(lines)


def run_discovery(
    store: Store,
    options: DiscoverOptions,
    on_candidate: Callable[[Candidate], None] | None = None,
    on_outcome: Callable[[QueryOutcome], None] | None = None,
) -> DiscoverySummary:
    """Ask the provider every query, record the results, and summarise.

    ``on_candidate`` is called as each new candidate of this run is recorded, and
    ``on_outcome`` after each query (so the CLI prints as results arrive). Never raises
    for a failed query; :class:`crawler.store.StoreError` only. Ctrl-C or SIGTERM ends it at
    once: the run is recorded ``interrupted`` and its summary says so (``interrupted``).
    """
    provider = options.provider
    run_id = store.start_discovery(provider.name, options.settings)
    queries: Sequence[Query | None] = options.queries if provider.uses_queries else [None]
    run = _Run(store, run_id, options, on_candidate)

    def kept() -> str:  # in the signal handler: counters only
        found = len(run.candidates)
        return (f"{found} candidate URL{'' if found == 1 else 's'} found are kept "
                f"(discovery run {run_id})")

    try:
        # Ctrl-C or SIGTERM raises here, ending a wait on the provider at once.
        with stoppable(kept):
            for query in queries:
                outcome = run.ask(query)
                if on_outcome is not None:
                    on_outcome(outcome)
    except KeyboardInterrupt:
        # What was found so far is stored; say so rather than leave the run "running".
        summary = run.summary()
        summary.interrupted = True
        store.finish_discovery(run_id, "interrupted", summary.to_dict())
        return summary
    summary = run.summary()
    store.finish_discovery(run_id, "finished" if summary.worked else "failed", summary.to_dict())
    return summary


class _Run:
    """The state of one run: what has been found so far, and how each query went."""

    def __init__(
        self,
        store: Store,
        run_id: int,
        options: DiscoverOptions,
        on_candidate: Callable[[Candidate], None] | None,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.options = options
        self.on_candidate = on_candidate
        self.outcomes: list[QueryOutcome] = []
        self.candidates: list[Candidate] = []
        self.found: set[str] = set()
        self.skipped: Counter[str] = Counter()
        self.skipped_examples: list[str] = []

    def summary(self) -> DiscoverySummary:
        return DiscoverySummary(
            run_id=self.run_id,
            provider=self.options.provider.name,
            outcomes=self.outcomes,
            candidates=self.candidates,
            skipped=dict(self.skipped),
            skipped_examples=self.skipped_examples,
            db=str(Path(self.store.path)),
        )

    def ask(self, query: Query | None) -> QueryOutcome:
        text = query.text if query else ""
        outcome = QueryOutcome(
            query=query.text if query else None,
            brand=query.brand if query else None,
            language=query.language if query else None,
            status="ok",
        )
        try:
            results = self.options.provider.search(text, self.options.max_results)
        except ProviderError as err:
            results = list(err.partial)
            outcome.error = str(err)
            if results:
                outcome.status = "partial"
            else:
                outcome.status = "rate_limited" if isinstance(err, RateLimited) else "failed"
        outcome.results = len(results)
        outcome.candidates = self._record(query, results)
        self.outcomes.append(outcome)
        return outcome

    def _record(self, query: Query | None, results: list[Result]) -> int:
        usable: dict[str, Result] = {}
        for result in results:
            url = self._usable(result.url)
            if url is not None:
                usable.setdefault(url, result)
        rows = self.store.record_discoveries(
            self.run_id,
            self.options.provider.name,
            query.text if query else None,
            query.brand if query else None,
            [(url, r.rank, r.title, r.snippet) for url, r in usable.items()],
        )
        fresh = [row for row in rows if row["url"] not in self.found]
        for row in fresh:
            self.found.add(row["url"])
            candidate = Candidate(
                url=row["url"],
                query=query.text if query else None,
                brand=query.brand if query else None,
                rank=usable[row["url"]].rank,
                provider=self.options.provider.name,
                title=usable[row["url"]].title,
                new=row["run_id"] == self.run_id,  # no earlier run had found it
                times_seen=int(row["times_seen"]),
            )
            self.candidates.append(candidate)
            if self.on_candidate is not None:
                self.on_candidate(candidate)
        return len(fresh)

    def _usable(self, raw: str) -> str | None:
        url = normalise_url(raw)
        reason = "not an http(s) URL" if url is None else _official(url, self.options.allowlist)
        if reason is None:
            return url
        self.skipped[reason] += 1
        if len(self.skipped_examples) < SKIPPED_EXAMPLES:
            self.skipped_examples.append(f"{raw} ({reason})")
        return None


def _official(url: str, allowlist: Any) -> str | None:
    """``"official"`` when ``url`` is on a protected brand's own domain (not user content)."""
    if allowlist is None:
        return None
    from detector.domains import is_user_content

    owner = allowlist.domain_owner(url)
    if owner is None or is_user_content(url):
        return None
    return "official"

