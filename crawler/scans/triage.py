"""An analyst's decision on a finding: confirmed, false positive, reported, resolved.

``triage(store, finding_id, "false_positive")`` records the status (crawls never change it),
a line in the ``triage`` table, and the numbers the finding shows at that moment. From then
on the finding is still recorded by every scan and rescan, but its verdict reads
``false_positive`` — it is not counted as newly flagged, ``--fail-on-new`` ignores it, and
its numbers no longer count as flagged elsewhere (:mod:`crawler.scans.reputation`) — **as long as
the page shows no number beyond those dismissed**. If the page starts showing another
number, the finding is flagged again, and ``diff`` names the number the mark does not cover.
Marking the finding with another status lifts the dismissal.

:func:`triage_many` makes the same decision on many findings (``triage 3 4 5``, or every
finding showing a number, on a domain or for a brand: :mod:`crawler.scans.findings`), one
finding per transaction, so Ctrl-C (or SIGTERM) keeps the decisions already made and says
how many.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crawler.interrupts import keep_going, stoppable

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = ["TRIAGE_STATUSES", "TriageError", "TriageOutcome", "triage", "triage_many"]

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


@dataclass
class TriageOutcome:
    """What :func:`triage_many` did: the findings it changed (updated rows), those already
    at the status (left alone), and whether Ctrl-C stopped it before the end."""

    changed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    interrupted: bool = False


def triage_many(
    store: Store,
    findings: Sequence[dict[str, Any]],
    status: str,
    note: str | None = None,
    on_each: Callable[[int, int], None] | None = None,
) -> TriageOutcome:
    """Set ``status`` on each of ``findings`` (rows with ``id`` and ``status``) not already at
    it; ``on_each(done, total)`` after each. Ctrl-C or SIGTERM stops between findings: the
    outcome keeps what was done and says ``interrupted``."""
    if status not in TRIAGE_STATUSES:
        raise TriageError(f"status must be one of {', '.join(TRIAGE_STATUSES)}, not {status!r}")
    outcome = TriageOutcome()

    def kept() -> str:  # in the signal handler: counters only
        changed = len(outcome.changed)
        return f"{changed} finding{'' if changed == 1 else 's'} changed to {status} are kept"

    try:
        with stoppable(kept, keep_going) as stop:
            for done, finding in enumerate(findings, start=1):
                if stop.requested:
                    break
                if finding["status"] == status and note is None:
                    outcome.unchanged.append(finding)
                else:
                    outcome.changed.append(triage(store, int(finding["id"]), status, note))
                if on_each is not None:
                    on_each(done, len(findings))
    except KeyboardInterrupt:  # Ctrl-C where no handler of ours is installed (a thread)
        outcome.interrupted = True
    outcome.interrupted = outcome.interrupted or stop.requested
    return outcome
