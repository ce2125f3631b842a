"""A number already flagged elsewhere raises the score of the page showing it again.

The detector judges one page on its own and never touches the store. After it has judged a
page, and before the page is recorded (in :class:`crawler.pageworker.PageProcessor` for
crawls and scans, in :mod:`crawler.scans.rescan` for rescans), this step asks the store where the page's bad numbers (unverified or invalid, and not
quoted as a scam) were *flagged* before: shown as such on another page that an **earlier run**
judged ``flagged``, unless an analyst dismissed that page and number as a false positive.
Only earlier runs count, so a page's result does not depend on the order in which one crawl
happened to fetch two pages sharing a number.

Two reasons may be added, each raising the score by :data:`BONUS` (capped at 1.0):

``number_seen_before``
    the number was flagged on another page before (the reason says how many, on how many
    domains, and since when);
``number_reused_across_brands``
    the number was flagged for a different protected brand elsewhere (not added when the
    detector already found the number shown for several brands on this very page).

The page and each of its brand findings (``PageReport.findings``, which the store records per
brand) are raised on their own, by the numbers each shows, and only when judged ``flagged`` or
``suspicious``. Verdicts are left as the detector gave them: history ranks pages, it does not
judge them (``scamlines check`` on the same page keeps giving the same verdict).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from crawler.store import StoreError
from detector.report import Reason

if TYPE_CHECKING:
    from crawler.store import Store
    from detector.report import BrandFinding, NumberReport, PageReport

__all__ = ["BONUS", "apply_reputation", "candidates", "with_reputation"]

logger = logging.getLogger(__name__)

#: Score added by each reputation reason.
BONUS = 0.1

_BAD_STATUSES = ("unverified", "invalid")
_JUDGED = ("flagged", "suspicious")


def candidates(report: PageReport) -> list[NumberReport]:
    """The numbers of ``report`` whose history can count against the page: unverified or
    invalid, not quoted as a scam, on a page (or brand finding) judged flagged or suspicious."""
    judged = report.verdict in _JUDGED or any(f.verdict in _JUDGED for f in report.findings)
    if not judged:
        return []
    return [n for n in report.numbers if n.status in _BAD_STATUSES and not n.warned]


def apply_reputation(store: Store, report: PageReport, *, url: str, before_run: int) -> PageReport:
    """``report`` with the reputation reasons its numbers earned in runs before
    ``before_run`` on pages other than ``url`` (the page's URL as requested).

    A store that cannot be read costs the reasons, never the page: ``report`` comes back
    unchanged (and a warning is logged).
    """
    numbers = candidates(report)
    if not numbers:
        return report
    try:
        rows = store.number_reputation(
            [n.e164 for n in numbers], before_run=before_run, exclude_url=url
        )
    except StoreError as err:
        logger.warning("Number reputation skipped for %s: %s", url, err)
        return report
    return with_reputation(report, rows)


def with_reputation(report: PageReport, rows: list[dict[str, Any]]) -> PageReport:
    """``report`` plus reasons from ``rows`` of :meth:`Store.number_reputation` (pure).

    The page and each brand finding (``report.findings``, what the store records per brand)
    are raised on their own: by the numbers they show, when their verdict is flagged or
    suspicious. Returns ``report`` itself when nothing is raised.
    """
    elsewhere: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        elsewhere[row["e164"]].append(row)
    known = {n.e164: n for n in candidates(report) if n.e164 in elsewhere}
    if not known:
        return report
    reasons, bonus = _raised(report.verdict, report.reasons, list(known.values()), elsewhere)
    findings = [_raised_finding(finding, known, elsewhere) for finding in report.findings]
    if not bonus and all(new is old for new, old in zip(findings, report.findings, strict=True)):
        return report
    return replace(report, reasons=reasons, score=min(1.0, report.score + bonus),
                   findings=findings)  # fmt: skip


def _raised_finding(
    finding: BrandFinding, known: dict[str, NumberReport], elsewhere: dict[str, list[Any]]
) -> BrandFinding:
    numbers = [known[e164] for e164 in finding.numbers if e164 in known]
    reasons, bonus = _raised(finding.verdict, finding.reasons, numbers, elsewhere)
    if not bonus:
        return finding
    return replace(finding, reasons=reasons, score=min(1.0, finding.score + bonus))


def _raised(
    verdict: str,
    reasons: list[Reason],
    numbers: list[NumberReport],
    elsewhere: dict[str, list[dict[str, Any]]],
) -> tuple[list[Reason], float]:
    """The reasons of a verdict on ``numbers``, with reputation added, and the bonus."""
    if verdict not in _JUDGED or not numbers:
        return reasons, 0.0
    added = [_seen_before(numbers, elsewhere)]
    reused = [(n, _other_brands(n, elsewhere[n.e164])) for n in numbers]
    reused = [(n, brands) for n, brands in reused if brands]
    if reused and all(r.code != "number_reused_across_brands" for r in reasons):
        added.append(_reused(reused))
    return [*reasons, *added], BONUS * len(added)


def _other_brands(number: NumberReport, rows: list[dict[str, Any]]) -> list[str]:
    if not number.brand:
        return []
    return sorted({r["brand"] for r in rows if r["brand"] and r["brand"] != number.brand})


def _seen_before(numbers: list[NumberReport], elsewhere: dict[str, list[dict[str, Any]]]) -> Reason:
    parts = []
    for number in numbers:
        rows = elsewhere[number.e164]
        pages = sum(int(r["pages"]) for r in rows)
        domains = len({r["domain"] for r in rows if r["domain"]})
        since = min(r["since"] for r in rows)[:10]
        parts.append(
            f"{number.e164} was already flagged on {pages} other page{'s' * (pages != 1)} "
            f"({domains} domain{'s' * (domains != 1)}) since {since}"
        )
    return Reason("number_seen_before", "; ".join(parts))


def _reused(reused: list[tuple[NumberReport, list[str]]]) -> Reason:
    parts = [
        f"{number.e164} is flagged for {', '.join(brands)} elsewhere (shown here for "
        f"{number.brand})"
        for number, brands in reused
    ]
    return Reason("number_reused_across_brands", "; ".join(parts))

