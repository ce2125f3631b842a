"""An analyst's decision on a finding: confirmed, false positive, reported, resolved.

``triage(store, finding_id, "false_positive")`` records the status (crawls never change it),
a line in the ``triage`` table, and the numbers the finding shows at that moment. From then
on the finding is still recorded by every scan and rescan, but its verdict reads
``false_positive`` — it is not counted as newly flagged, ``--fail-on-new`` ignores it, and
its numbers no longer count as flagged elsewhere (:mod:`crawler.scans.reputation`) — **as long as
the page shows no number beyond those dismissed**. If the page starts showing another
number, the finding is flagged again, and ``diff`` names the number the mark does not cover.
Marking the finding with another status lifts the dismissal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = ["TRIAGE_STATUSES", "TriageError", "triage"]

#: What an analyst can set (``new`` is where every finding starts).
TRIAGE_STATUSES = ("confirmed", "false_positive", "reported", "resolved")


class TriageError(Exception):
    """No such finding, or a status analysts cannot set."""


def triage(store: Store, finding_id: int, status: str, note: str | None = None) -> dict[str, Any]:
    """Set a finding's analyst status (and note); returns the updated finding."""
    if status not in TRIAGE_STATUSES:
        raise TriageError(f"status must be one of {', '.join(TRIAGE_STATUSES)}, not {status!r}")
    finding = store.triage_finding(finding_id, status, note)
    if finding is None:
        raise TriageError(f"{store.path}: no finding {finding_id}")
    return finding
