"""How a run's fetches went, in one place: what counts as a failed fetch, and when failures
are the run's result rather than a detail of it.

A crawl in which nothing could be fetched (DNS failures, refused connections, no route, every
seed refused by the guard) must not look like a quiet night: its run is ``failed``
(``nothing_fetched``), and ``crawl``/``scan`` say so on stderr and exit non-zero even under
``--quiet``. When most fetches failed (:data:`FAILURE_SHARE`, at least :data:`MIN_FAILURES`),
the run keeps its pages but is reported the same way.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FAILURE_SHARE", "MIN_FAILURES", "NOTHING_FETCHED", "failures", "nothing_fetched",
           "problem"]

#: Share of attempted fetches that failed above which a run is reported as a failure.
FAILURE_SHARE = 0.5
#: ... provided at least this many failed (one dead link of a two-page site is not news).
MIN_FAILURES = 3
#: The finish reason of a run in which no page could be fetched.
NOTHING_FETCHED = "nothing_fetched"

_FAILED = "scamlines/fetch_failed/"
_REFUSED = "scamlines/refused_"


def failures(stats: dict[str, Any]) -> dict[str, int]:
    """Failed fetches by kind (``DNSLookupError``, ``TimeoutError``…), refusals excluded."""
    return {key[len(_FAILED):]: int(value) for key, value in sorted(stats.items())
            if key.startswith(_FAILED) and isinstance(value, int)}


def _pages(stats: dict[str, Any]) -> int:
    return int(stats.get("scamlines/pages", 0) or 0)


def _not_reached(stats: dict[str, Any]) -> int:
    """Requests that got no page: failed, refused by the guard, forbidden by robots.txt."""
    refused = sum(int(v) for k, v in stats.items() if k.startswith(_REFUSED) and isinstance(v, int))
    return sum(failures(stats).values()) + refused + int(stats.get("robotstxt/forbidden", 0) or 0)


def nothing_fetched(stats: dict[str, Any]) -> bool:
    """True when the run tried and got no page at all."""
    return _pages(stats) == 0 and _not_reached(stats) > 0


def problem(stats: dict[str, Any]) -> str | None:
    """What the analyst must be told about the run's fetches, or None when they went well."""
    failed = failures(stats)
    detail = ", ".join(f"{n} {kind}" for kind, n in failed.items())
    if nothing_fetched(stats):
        missed = _not_reached(stats)
        return (f"nothing could be fetched: {missed} request{'s' * (missed != 1)} got no page"
                + (f" ({detail})" if detail else " (refused or forbidden by robots.txt)"))
    total_failed = sum(failed.values())
    attempted = total_failed + _pages(stats)
    if total_failed >= MIN_FAILURES and total_failed > FAILURE_SHARE * attempted:
        return (f"most fetches failed: {total_failed} of {attempted} ({detail}); "
                "the results are incomplete")
    return None
