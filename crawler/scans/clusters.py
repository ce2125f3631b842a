"""Number clusters: every phone number with the pages, domains and brands it was seen on.

One scam operation shows the same number on many throw-away pages, often for several
brands. ``number_clusters(store, min_pages=2)`` lists each number seen on at least
``min_pages`` pages, the most widespread first, with per page: its verdict, whether the
page's latest run still showed the number (``now``) or not (``gone``), the brands the number
was shown for there, when, and the findings (with their analyst status) that cite it.

A number is ``flagged`` when some page shows it as an unverified or invalid line and is
judged ``flagged``, and an analyst has not dismissed that page and number as a false
positive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.store.filters import resolve_brand

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = ["ClusterPage", "NumberCluster", "number_clusters"]

_BAD_STATUSES = ("unverified", "invalid")


@dataclass(frozen=True)
class ClusterPage:
    """One page a number was seen on."""

    page_id: int
    url: str
    domain: str | None
    verdict: str | None  #: the page's latest verdict
    status: str | None  #: the number's latest status there (verified, unverified, ...)
    brands: tuple[str, ...]
    first_seen: str
    last_seen: str
    current: bool  #: the page's latest run still showed the number
    dismissed: bool  #: an analyst marked the page's finding for it a false positive
    findings: tuple[dict[str, Any], ...] = ()  #: ``{id, brand, verdict, status}``

    @property
    def flags(self) -> bool:
        return self.verdict == "flagged" and self.status in _BAD_STATUSES and not self.dismissed


@dataclass
class NumberCluster:
    """One number and every page it was seen on."""

    e164: str
    type: str | None
    region: str | None
    first_seen: str
    last_seen: str
    pages: list[ClusterPage] = field(default_factory=list)

    @property
    def domains(self) -> list[str]:
        return sorted({page.domain for page in self.pages if page.domain})

    @property
    def brands(self) -> list[str]:
        return sorted({brand for page in self.pages for brand in page.brands})

    @property
    def flagged(self) -> bool:
        return any(page.flags for page in self.pages)

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` object (one per line)."""
        data = asdict(self)
        data.update(domains=self.domains, brands=self.brands, flagged=self.flagged,
                    page_count=len(self.pages))  # fmt: skip
        return data

    def to_text(self) -> str:
        """A header line, then one line per page."""
        pages, domains = len(self.pages), len(self.domains)
        head = (
            f"{self.e164}  {self.type or '?'}  {pages} page{'s' * (pages != 1)} on "
            f"{domains} domain{'s' * (domains != 1)}  brands: {', '.join(self.brands) or '-'}  "
            f"first {self.first_seen[:16]}  last {self.last_seen[:16]}"
            + ("  FLAGGED" if self.flagged else "")
        )
        return "\n".join([head, *(_page_line(page) for page in self.pages)])


def _page_line(page: ClusterPage) -> str:
    findings = " ".join(
        f"#{f['finding_id']}[{f['status']}]" for f in page.findings
    ) or "-"
    seen = "now " if page.current else "gone"
    dismissed = " (dismissed: false positive)" if page.dismissed else ""
    return (
        f"  {page.verdict or '-':<10} {seen} {page.status or '-':<11} {findings:<22} "
        f"{', '.join(page.brands) or '-'}  {page.url}  last {page.last_seen[:16]}{dismissed}"
    )


def number_clusters(
    store: Store, min_pages: int = 1, brand: str | None = None
) -> list[NumberCluster]:
    """Numbers seen on at least ``min_pages`` pages, most pages first, then by number.

    ``brand`` (any case; :class:`crawler.store.filters.FilterError` naming the known brands
    when no finding or sighting names it): only numbers shown for that brand somewhere, each
    with all its pages (the other brands it is shown for are part of the picture).
    """
    findings = _findings_by_pair(store)
    dismissed = {(row["page_id"], row["e164"]) for row in store.dismissed_numbers()}
    clusters: dict[str, NumberCluster] = {}
    for row in store.number_pages():
        cluster = clusters.get(row["e164"])
        if cluster is None:
            cluster = clusters[row["e164"]] = NumberCluster(
                row["e164"], row["type"], row["region"], row["number_first_seen"],
                row["number_last_seen"],
            )  # fmt: skip
        pair = (row["page_id"], row["e164"])
        cluster.pages.append(ClusterPage(
            row["page_id"], row["url"], row["domain"], row["page_verdict"], row["status"],
            tuple(sorted(row["brands"] or ())), row["first_seen"], row["last_seen"],
            bool(row["current"]), pair in dismissed, tuple(findings.get(pair, ())),
        ))  # fmt: skip
    chosen = [c for c in clusters.values() if len(c.pages) >= min_pages]
    if brand is not None:
        known = {*store.brands_found(), *(b for c in clusters.values() for b in c.brands)}
        wanted = resolve_brand(brand, known)
        chosen = [c for c in chosen if wanted in c.brands]
    return sorted(chosen, key=lambda c: (-len(c.pages), c.e164))


def _findings_by_pair(store: Store) -> dict[tuple[int, str], list[dict[str, Any]]]:
    found: dict[tuple[int, str], list[dict[str, Any]]] = defaultdict(list)
    for row in store.number_findings():
        found[(row["page_id"], row["e164"])].append(
            {k: row[k] for k in ("finding_id", "brand", "verdict", "status")}
        )
    return found
