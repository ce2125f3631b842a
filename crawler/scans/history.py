"""What changed between two runs: pages, findings and numbers as new, still, gone or back.

``diff_runs(store, before_id, after_id)`` compares run *A* (``before_id``, or None for "no
earlier run") with a later run *B* (``after_id``). For each page, finding (page x brand) and
phone number:

``still``
    seen by A and by B;
``gone``
    seen by A, not by B;
``back``
    seen by B, not by A, but by a run *older than A*: it was there, disappeared, and was
    revived (scammers do that with pages and numbers);
``new``
    seen by B, not by A, and by no run older than A (with no A: by no run older than B).

*Seen*: a page is seen when the run fetched it with an HTTP status below 400 (a page that now
answers 404 is gone); a finding when the run recorded it; a number when the run saw it on any
page. Only **finished** runs count as older sightings (crawls, scans and rescans alike):
killed and failed runs are ignored, so a scan killed half way cannot make the next scan's
pages look ``back``. Something first seen by a run *between* A and B is ``new`` in the A..B
diff: it is new since A.

Each finding also carries its *effective verdict* in A and B: the run's verdict, except that
a finding an analyst marked ``false_positive`` reads ``false_positive`` as long as every number
it shows was shown when it was marked (see :mod:`crawler.scans.triage`). A finding is *newly
flagged* when its effective verdict in B is ``flagged`` and in A was not (or it was absent):
that is what ``scan --fail-on-new`` counts.

The default pair (:func:`default_pair`) is the latest finished scan or rescan and the run it
is compared with (:func:`base_run`): for a scan, the previous finished scan or rescan of the
same configuration file; for a rescan, the run it re-analysed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = [
    "CHANGES",
    "FindingChange",
    "HistoryError",
    "NumberChange",
    "PageChange",
    "RunDiff",
    "base_run",
    "classify",
    "default_pair",
    "diff_runs",
]

#: The classes, in the order they are listed.
CHANGES = ("new", "back", "gone", "still")

#: Run kinds ``diff`` compares by default (crawls are compared only when named).
DIFF_KINDS = ("scan", "rescan")

#: Number statuses that make a number count as flagged on a flagged page.
BAD_STATUSES = ("unverified", "invalid")


class HistoryError(Exception):
    """The runs asked for cannot be compared (unknown id, wrong order, no scan yet)."""


def classify(in_before: bool, in_after: bool, seen_earlier: bool) -> str | None:
    """The class of one item, or None when neither run saw it."""
    if in_before and in_after:
        return "still"
    if in_before:
        return "gone"
    if in_after:
        return "back" if seen_earlier else "new"
    return None


@dataclass(frozen=True)
class PageChange:
    """One page's change; ``before``/``after`` are its verdict in A and B (None: unseen or
    not analysed)."""

    change: str
    page_id: int
    url: str
    domain: str | None
    before: str | None
    after: str | None


@dataclass(frozen=True)
class FindingChange:
    """One finding's change, with its effective verdicts (see the module docstring).

    ``numbers`` are those it shows in B (in A when gone), ``numbers_before`` those it showed
    in A; ``undismissed`` lists the numbers a false-positive mark does not cover, which is
    why the finding is flagged again.
    """

    change: str
    finding_id: int
    page_id: int
    url: str
    brand: str
    before: str | None
    after: str | None
    status: str
    numbers: tuple[str, ...]
    score: float | None
    undismissed: tuple[str, ...] = ()
    numbers_before: tuple[str, ...] = ()  #: those it showed in A (empty when new or back)

    @property
    def newly_flagged(self) -> bool:
        return self.after == "flagged" and self.before != "flagged"

    @property
    def numbers_changed(self) -> bool:
        return self.change == "still" and set(self.numbers) != set(self.numbers_before)


@dataclass(frozen=True)
class NumberChange:
    """One number's change: on how many pages the run showing it had it (B, or A when
    gone), whether any of them flagged it (undismissed) there and in A (``flagged_before``),
    and the brands it was shown for."""

    change: str
    e164: str
    pages: int
    flagged: bool
    brands: tuple[str, ...]
    flagged_before: bool = False


@dataclass
class RunDiff:
    """The comparison of run ``before`` (None: nothing earlier) with run ``after``."""

    before: dict[str, Any] | None
    after: dict[str, Any]
    pages: list[PageChange]
    findings: list[FindingChange]
    numbers: list[NumberChange]
    brands: tuple[str, ...] = ()  #: the brand filter applied to findings and numbers

    def counts(self) -> dict[str, dict[str, int]]:
        """``{"pages": {"new": n, ...}, "findings": {...}, "numbers": {...}}``."""
        groups: dict[str, Sequence[Any]] = {
            "pages": self.pages,
            "findings": self.findings,
            "numbers": self.numbers,
        }
        return {
            name: {change: sum(1 for item in items if item.change == change) for change in CHANGES}
            for name, items in groups.items()
        }

    @property
    def newly_flagged(self) -> list[FindingChange]:
        """Findings flagged in ``after`` that were not flagged (or not there) in ``before``."""
        return [finding for finding in self.findings if finding.newly_flagged]

    @property
    def has_news(self) -> bool:
        """Anything new or back, or a newly flagged finding: what ``--quiet`` reports."""
        items: list[Any] = [*self.pages, *self.findings, *self.numbers]
        return any(item.change in ("new", "back") for item in items) or bool(self.newly_flagged)

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` object (every item, ``still`` ones included)."""
        return {
            "before": _run_brief(self.before),
            "after": _run_brief(self.after),
            "brands": list(self.brands),
            "counts": self.counts(),
            "newly_flagged": len(self.newly_flagged),
            "pages": [asdict(page) for page in self.pages],
            "findings": [asdict(finding) for finding in self.findings],
            "numbers": [asdict(number) for number in self.numbers],
        }


def _run_brief(run: dict[str, Any] | None) -> dict[str, Any] | None:
    if run is None:
        return None
    keys = ("id", "kind", "status", "started_at", "finished_at", "finish_reason")
    return {key: run.get(key) for key in keys}


# --- choosing the runs --------------------------------------------------------------------------


def base_run(store: Store, run: dict[str, Any]) -> dict[str, Any] | None:
    """The run ``run`` is compared with by default (None: it is the first of its line).

    A rescan: the run it re-analysed. A scan: the previous finished scan or rescan of the
    same configuration file. A crawl: the previous finished crawl.
    """
    settings = run.get("settings") or {}
    if run["kind"] == "rescan" and settings.get("base_run") is not None:
        return store.run(int(settings["base_run"]))
    if run["kind"] == "crawl":
        return store.latest_finished_run(("crawl",), before=run["id"])
    return store.latest_finished_run(
        DIFF_KINDS, before=run["id"], scan_config=settings.get("SCAMLINES_SCAN_CONFIG")
    )


def default_pair(store: Store, after_id: int | None = None) -> tuple[int | None, int]:
    """``(before_id, after_id)`` for ``scamlines diff [RUN]``: ``after_id`` (default: the
    latest finished scan or rescan) and its :func:`base_run`."""
    if after_id is None:
        latest = store.latest_finished_run(DIFF_KINDS)
        if latest is None:
            raise HistoryError(f"{store.path}: no finished scan or rescan to show")
    else:
        latest = _run(store, after_id)
    base = base_run(store, latest)
    return (None if base is None else int(base["id"])), int(latest["id"])


def _run(store: Store, run_id: int) -> dict[str, Any]:
    run = store.run(run_id)
    if run is None:
        known = [r["id"] for r in store.runs()]
        span = f"runs are {known[0]}..{known[-1]}" if known else "it has no runs"
        raise HistoryError(f"{store.path}: no run {run_id} ({span})")
    return run


# --- the comparison -----------------------------------------------------------------------------


def diff_runs(
    store: Store,
    before_id: int | None,
    after_id: int,
    *,
    brands: Iterable[str] = (),
) -> RunDiff:
    """Compare run ``before_id`` (None: nothing earlier) with the later run ``after_id``.

    ``brands``, when given, keeps only findings for those brands and numbers shown for them.
    Raises :class:`HistoryError` for unknown runs or runs in the wrong order.
    """
    after = _run(store, after_id)
    before = None if before_id is None else _run(store, before_id)
    if before is not None and before["id"] >= after["id"]:
        raise HistoryError(
            f"run {before['id']} is not older than run {after['id']}: "
            "give the earlier run first (RUN_A RUN_B)"
        )
    wanted = frozenset(brands)
    earlier = store.seen_before(after_id, cutoff=after_id if before_id is None else before_id)
    dismissed = _dismissed(store)
    return RunDiff(
        before=before,
        after=after,
        pages=_page_changes(store, before_id, after_id, earlier["pages"]),
        findings=_finding_changes(store, before_id, after_id, earlier["findings"], dismissed,
                                  wanted),
        numbers=_number_changes(store, before_id, after_id, earlier["numbers"], dismissed,
                                wanted),
        brands=tuple(sorted(wanted)),
    )


@dataclass
class _Dismissed:
    by_finding: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    pairs: set[tuple[int, str]] = field(default_factory=set)  # (page_id, e164)


def _dismissed(store: Store) -> _Dismissed:
    dismissed = _Dismissed()
    for row in store.dismissed_numbers():
        dismissed.by_finding[row["finding_id"]].add(row["e164"])
        dismissed.pairs.add((row["page_id"], row["e164"]))
    return dismissed


def _ordered(items: list[Any], key: str) -> list[Any]:
    return sorted(items, key=lambda item: (CHANGES.index(item.change), getattr(item, key)))


def _page_changes(
    store: Store, before_id: int | None, after_id: int, earlier: set[int]
) -> list[PageChange]:
    before = _seen_pages(store, before_id)
    after = _seen_pages(store, after_id)
    changes = []
    for page_id in before.keys() | after.keys():
        old, new = before.get(page_id), after.get(page_id)
        change = classify(old is not None, new is not None, page_id in earlier)
        row = new or old
        assert row is not None and change is not None
        changes.append(PageChange(
            change, page_id, row["url"], row["domain"],
            old["verdict"] if old else None, new["verdict"] if new else None,
        ))  # fmt: skip
    return _ordered(changes, "url")


def _seen_pages(store: Store, run_id: int | None) -> dict[int, dict[str, Any]]:
    if run_id is None:
        return {}
    return {
        row["page_id"]: row
        for row in store.run_pages(run_id)
        if row["http_status"] is None or row["http_status"] < 400
    }


def _finding_changes(
    store: Store,
    before_id: int | None,
    after_id: int,
    earlier: set[int],
    dismissed: _Dismissed,
    brands: frozenset[str],
) -> list[FindingChange]:
    before = _run_findings(store, before_id, brands)
    after = _run_findings(store, after_id, brands)
    changes = []
    for finding_id in before.keys() | after.keys():
        old, new = before.get(finding_id), after.get(finding_id)
        change = classify(old is not None, new is not None, finding_id in earlier)
        row = new or old
        assert row is not None and change is not None
        was, _ = _effective(old, dismissed)
        now, undismissed = _effective(new, dismissed)
        changes.append(FindingChange(
            change, finding_id, row["page_id"], row["url"], row["brand"], was, now,
            row["status"], tuple(row["numbers"] or ()), row["score"], undismissed,
            tuple(old["numbers"] or ()) if old else (),
        ))  # fmt: skip
    return _ordered(changes, "url")


def _run_findings(
    store: Store, run_id: int | None, brands: frozenset[str]
) -> dict[int, dict[str, Any]]:
    if run_id is None:
        return {}
    rows = store.run_findings(run_id)
    return {row["finding_id"]: row for row in rows if not brands or row["brand"] in brands}


def _effective(
    row: dict[str, Any] | None, dismissed: _Dismissed
) -> tuple[str | None, tuple[str, ...]]:
    """A finding's verdict in a run, read through the analyst's false-positive mark."""
    if row is None:
        return None, ()
    verdict = row["verdict"]
    if row["status"] != "false_positive" or verdict not in ("flagged", "suspicious"):
        return verdict, ()
    covered = dismissed.by_finding.get(row["finding_id"], set())
    undismissed = tuple(n for n in row["numbers"] or () if n not in covered)
    return ("false_positive", ()) if not undismissed else (verdict, undismissed)


def _number_changes(
    store: Store,
    before_id: int | None,
    after_id: int,
    earlier: set[str],
    dismissed: _Dismissed,
    brands: frozenset[str],
) -> list[NumberChange]:
    before = _run_numbers(store, before_id)
    after = _run_numbers(store, after_id)
    changes = []
    for e164 in before.keys() | after.keys():
        rows = after.get(e164) or before[e164]
        shown_for = {row["brand"] for row in [*after.get(e164, []), *before.get(e164, [])]}
        if brands and not shown_for & brands:
            continue
        change = classify(e164 in before, e164 in after, e164 in earlier)
        assert change is not None
        flagged = any(_flags(row, dismissed) for row in rows)
        was_flagged = any(_flags(row, dismissed) for row in before.get(e164, []))
        shown = tuple(sorted({row["brand"] for row in rows if row["brand"]}))
        changes.append(NumberChange(change, e164, len({r["page_id"] for r in rows}), flagged,
                                    shown, was_flagged))
    return _ordered(changes, "e164")


def _run_numbers(store: Store, run_id: int | None) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if run_id is not None:
        for row in store.run_numbers(run_id):
            grouped[row["e164"]].append(row)
    return grouped


def _flags(row: dict[str, Any], dismissed: _Dismissed) -> bool:
    return (
        row["page_verdict"] == "flagged"
        and row["status"] in BAD_STATUSES
        and (row["page_id"], row["e164"]) not in dismissed.pairs
    )
