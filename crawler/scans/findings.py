"""Listing findings: ``scamlines findings`` and the selection ``triage`` acts on in bulk.

``FindingQuery`` is what the analyst typed (brand in any case, ``--since RUN|DATE``, a number
in any format, a domain, host or URL); :func:`select_findings` resolves it against the store
(:mod:`crawler.store.filters`, the same rules as ``report`` and ``takedown``) and returns the
matching findings newest first; :func:`list_findings` wraps each as a :class:`FindingLine`
with its text, JSON and CSV forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.scans.terminal import for_terminal
from crawler.store.filters import normalise_domain, normalise_number, parse_since, resolve_brand

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = ["CSV_COLUMNS", "DEFAULT_VERDICTS", "FindingLine", "FindingQuery", "list_findings",
           "select_findings"]  # fmt: skip

#: What ``findings`` lists unless ``--verdict`` says otherwise (as ``report``): what needs a human.
DEFAULT_VERDICTS = ("flagged", "suspicious")

#: ``--format csv`` columns, in order.
CSV_COLUMNS = ("finding_id", "verdict", "score", "status", "brand", "numbers", "url",
               "final_url", "domain", "first_seen", "last_seen", "last_run", "page_id", "note")  # fmt: skip


@dataclass(frozen=True)
class FindingQuery:
    """Which findings: empty tuples and None mean any (``verdicts`` empty: every verdict)."""

    verdicts: tuple[str, ...] = DEFAULT_VERDICTS
    statuses: tuple[str, ...] = ()
    brand: str | None = None
    since: str | None = None  #: a run id or an ISO date/time
    number: str | None = None  #: any format; read as E.164 (North American by default)
    domain: str | None = None  #: a registrable domain, a host or a URL
    ids: tuple[int, ...] = ()
    limit: int | None = None

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond verdicts and statuses picks the findings (bulk triage
        refuses to change every finding of a verdict at once)."""
        return any(v is not None for v in (self.brand, self.since, self.number, self.domain)) \
            or bool(self.ids)  # fmt: skip


def select_findings(store: Store, query: FindingQuery) -> list[dict[str, Any]]:
    """The findings ``query`` names, newest first (:meth:`Store.search_findings` rows).

    Raises :class:`crawler.store.filters.FilterError` for an unknown run, a bad date, an
    unknown brand (naming the known ones) or something that is not a phone number.
    """
    since_run, since_time = parse_since(store, query.since) if query.since else (None, None)
    brand = resolve_brand(query.brand, store.brands_found()) if query.brand else None
    return store.search_findings(
        verdicts=query.verdicts, statuses=query.statuses, brand=brand, since_run=since_run,
        since_time=since_time, ids=query.ids, limit=query.limit,
        number=normalise_number(query.number) if query.number else None,
        domain=normalise_domain(query.domain) if query.domain else None,
    )  # fmt: skip


@dataclass(frozen=True)
class FindingLine:
    """One finding as ``findings`` lists it."""

    finding_id: int
    verdict: str
    score: float
    status: str
    brand: str
    numbers: tuple[str, ...]
    url: str
    final_url: str
    domain: str
    first_seen: str
    last_seen: str
    last_run: int | None
    page_id: int
    note: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> FindingLine:
        return cls(
            finding_id=int(row["id"]), verdict=row["verdict"] or "",
            score=round(float(row["score"] or 0.0), 3), status=row["status"] or "",
            brand=row["brand"] or "", numbers=tuple(row["numbers"] or ()), url=row["url"] or "",
            final_url=row["final_url"] or "", domain=row["domain"] or "",
            first_seen=row["first_seen"] or "", last_seen=row["last_seen"] or "",
            last_run=row["last_run"], page_id=int(row["page_id"]), note=row["note"] or "",
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` object (one per line)."""
        return {column: _value(getattr(self, column)) for column in CSV_COLUMNS}

    def csv_row(self) -> list[Any]:
        """The cells of the ``--format csv`` row (written through ``reports.csvsafe``)."""
        return [getattr(self, column) for column in CSV_COLUMNS]

    def to_text(self) -> str:
        """``#ID  VERDICT  SCORE  STATUS  BRAND  NUMBERS  URL  last TIME``, on one line."""
        numbers = ",".join(self.numbers) or "-"
        return (
            f"#{self.finding_id:<5} {self.verdict:<10} {self.score:.2f}  {self.status:<14} "
            f"{for_terminal(self.brand) or '-'}  {numbers}  {for_terminal(self.url)}  "
            f"last {self.last_seen[:16]}"
        )


def _value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def list_findings(store: Store, query: FindingQuery) -> list[FindingLine]:
    """:func:`select_findings` as :class:`FindingLine` objects, newest first."""
    return [FindingLine.from_row(row) for row in select_findings(store, query)]
