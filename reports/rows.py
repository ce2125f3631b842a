"""Report rows: one per finding and number, built from the store's read methods.

Every export (CSV, JSON Lines, HTML, Markdown, MISP) starts from the same rows, so a field an
analyst filters on means the same thing in each. A finding with no phone number still gets
one row (with empty number fields), so nothing the store judged is silently dropped.

Progress: every writer takes an optional ``on_progress(done, total)`` (:data:`Progress`),
called as findings are read or written; the CLI passes its ticker (``reports`` never prints).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from crawler.store import FINDING_STATUSES
from crawler.store.filters import FilterError, parse_since, resolve_brand

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = [
    "COLUMNS",
    "DEFAULT_VERDICTS",
    "VERDICTS",
    "Filters",
    "FindingTally",
    "Progress",
    "Reason",
    "ReportError",
    "ReportRow",
    "build_rows",
    "parse_since",
    "resolve_brand",
]

#: Page verdicts, most severe first (the detector's order; repeated to keep ``reports`` light).
VERDICTS = ("flagged", "suspicious", "clean", "official")

#: What ``scamlines report`` shows unless ``--verdict`` says otherwise: what needs a human.
DEFAULT_VERDICTS = ("flagged", "suspicious")

#: ``on_progress(done, total)``: findings done so far, and in all (None when not known).
Progress = Callable[[int, int | None], None]


class ReportError(FilterError):
    """A report cannot be made as asked: unknown run, bad date, unknown brand, empty store.

    ``--since`` and ``--brand`` are read by :mod:`crawler.store.filters` (re-exported here),
    which raises its base class :class:`~crawler.store.filters.FilterError`."""


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason the detector gave: a stable code and a sentence."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One finding and one number it shows (number fields empty when the finding has none)."""

    finding_id: int
    page_id: int
    run_id: int | None  #: the last run that saw the finding
    verdict: str
    score: float
    status: str  #: the analyst's status (new, confirmed, reported, resolved, false_positive)
    brand: str
    url: str
    final_url: str
    domain: str
    host: str
    title: str
    fetched_at: str
    first_seen: str
    last_seen: str
    e164: str
    raw: str  #: the number as printed on the page
    number_type: str  #: toll_free, voip, fixed_line, …
    number_status: str  #: verified, retired, other_brand, unverified, invalid
    context: str
    sources: tuple[str, ...]  #: text, tel, jsonld, title, meta, url, attr
    reasons: tuple[Reason, ...]
    body_sha256: str
    note: str = ""

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    def record(self) -> dict[str, Any]:
        """The flat record exported as CSV and JSON Lines (lists stay lists here)."""
        values = asdict(self)
        values["sources"] = list(self.sources)
        values["reasons"] = self.reason_codes
        return {column: values[column] for column in COLUMNS}


#: Export columns, in order (CSV header, JSON Lines keys).
COLUMNS = (
    "finding_id",
    "run_id",
    "verdict",
    "score",
    "status",
    "brand",
    "url",
    "final_url",
    "domain",
    "host",
    "title",
    "fetched_at",
    "first_seen",
    "last_seen",
    "e164",
    "raw",
    "number_type",
    "number_status",
    "context",
    "sources",
    "reasons",
    "body_sha256",
    "page_id",
    "note",
)


@dataclass(frozen=True)
class Filters:
    """Which findings a report covers. Empty tuples and None mean "any"."""

    verdicts: tuple[str, ...] = DEFAULT_VERDICTS
    statuses: tuple[str, ...] = ()
    brand: str | None = None
    since_run: int | None = None  #: findings last seen by this run or a later one
    since_time: str | None = None  #: findings last seen at or after this UTC time

    def describe(self) -> str:
        """The filters in words, for report headers."""
        parts = [f"verdict {'/'.join(self.verdicts) or 'any'}"]
        if self.statuses:
            parts.append(f"status {'/'.join(self.statuses)}")
        if self.brand is not None:
            parts.append(f"brand {self.brand}")
        if self.since_run is not None:
            parts.append(f"since run {self.since_run}")
        if self.since_time is not None:
            parts.append(f"since {self.since_time}")
        return ", ".join(parts)

    def keeps(self, finding: dict[str, Any]) -> bool:
        """Whether a finding row (as :meth:`Store.findings` returns it) passes."""
        return (
            (not self.verdicts or finding["verdict"] in self.verdicts)
            and (not self.statuses or finding["status"] in self.statuses)
            and (self.brand is None or finding["brand"] == self.brand)
            and (self.since_run is None or (finding["last_run"] or 0) >= self.since_run)
            and (self.since_time is None or (finding["last_seen"] or "") >= self.since_time)
        )


def build_rows(
    store: Store, filters: Filters, on_progress: Progress | None = None
) -> list[ReportRow]:
    """The rows for every finding passing ``filters``, in finding order; ``on_progress``
    after each finding read."""
    for status in filters.statuses:
        if status not in FINDING_STATUSES:
            raise ReportError(f"unknown finding status {status!r}")
    findings = [f for f in store.findings() if filters.keeps(f)]
    pages = store.pages_by_id(f["page_id"] for f in findings)
    types = {number["e164"]: number["type"] for number in store.numbers()}
    sightings: dict[int, list[dict[str, Any]]] = {}
    rows: list[ReportRow] = []
    for done, finding in enumerate(findings, 1):
        page_id = finding["page_id"]
        if page_id not in sightings:
            sightings[page_id] = store.sightings(page_id)
        rows.extend(_finding_rows(finding, pages.get(page_id, {}), sightings[page_id], types))
        if on_progress is not None:
            on_progress(done, len(findings))
    return rows


class FindingTally:
    """Counts the findings whose rows a writer has used, for ``on_progress``.

    A finding counts once, when its first row is done: a writer calls the tally with each
    row it has used (or iterates :meth:`each`), whatever the order of the rows.
    """

    def __init__(self, rows: Iterable[ReportRow], on_progress: Progress | None) -> None:
        self.on_progress = on_progress
        self.total = len({row.finding_id for row in rows}) if on_progress is not None else 0
        self.done: set[int] = set()

    def __call__(self, row: ReportRow) -> None:
        if self.on_progress is not None and row.finding_id not in self.done:
            self.done.add(row.finding_id)
            self.on_progress(len(self.done), self.total)

    def each(self, rows: Iterable[ReportRow]) -> Iterator[ReportRow]:
        """``rows``, counting each once the caller has used it."""
        for row in rows:
            yield row
            self(row)


def _finding_rows(
    finding: dict[str, Any],
    page: dict[str, Any],
    sightings: Sequence[dict[str, Any]],
    types: dict[str, str],
) -> list[ReportRow]:
    base = _finding_fields(finding, page)
    numbers = list(finding.get("numbers") or [])
    if not numbers:
        return [ReportRow(**base, **_number_fields("", [], types))]
    return [
        ReportRow(**base, **_number_fields(e164, [s for s in sightings if s["e164"] == e164], types))
        for e164 in numbers
    ]


def _finding_fields(finding: dict[str, Any], page: dict[str, Any]) -> dict[str, Any]:
    reasons = tuple(
        Reason(str(r.get("code", "")), str(r.get("message", "")))
        for r in finding.get("reasons") or []
    )
    return {
        "finding_id": finding["id"],
        "page_id": finding["page_id"],
        "run_id": finding.get("last_run"),
        "verdict": finding["verdict"] or "",
        "score": round(float(finding["score"] or 0.0), 3),
        "status": finding["status"],
        "brand": finding["brand"] or "",
        "url": finding["url"] or "",
        "final_url": finding.get("final_url") or "",
        "domain": finding.get("domain") or "",
        "host": page.get("host") or "",
        "title": finding.get("title") or "",
        "fetched_at": page.get("fetched_at") or "",
        "first_seen": finding.get("first_seen") or "",
        "last_seen": finding.get("last_seen") or "",
        "reasons": reasons,
        "body_sha256": page.get("body_sha256") or "",
        "note": finding.get("note") or "",
    }


def _number_fields(
    e164: str, sightings: Sequence[dict[str, Any]], types: dict[str, str]
) -> dict[str, Any]:
    # The visible-text sighting reads best in context; a tel: href or a URL slug is the fallback.
    ranked = sorted(sightings, key=lambda s: (s["source"] != "text", s["start"] or 0))
    best = ranked[0] if ranked else {}
    return {
        "e164": e164,
        "raw": best.get("raw") or "",
        "number_type": types.get(e164, "") or "",
        "number_status": next((s["status"] for s in ranked if s.get("status")), "") or "",
        "context": best.get("context") or "",
        "sources": tuple(sorted({s["source"] for s in sightings})),
    }
