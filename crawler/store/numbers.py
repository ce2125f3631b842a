"""Reading numbers: every number seen, where each was seen and flagged, and which an analyst
dismissed.

Behind :mod:`crawler.scans.clusters` (pages sharing a number) and
:mod:`crawler.scans.reputation` (numbers flagged elsewhere). A page's own sightings are part
of its evidence (:mod:`crawler.store.evidence`); which numbers one run saw is run history
(:mod:`crawler.store.history`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from crawler.store.base import StoreBase
from crawler.store.errors import StoreError, _explain
from crawler.store.reputation import reputation_rows


class NumbersMixin(StoreBase):
    """Number lookups (``numbers``, ``sightings``, ``number_runs``, ``false_positives``)."""

    def numbers(self) -> list[dict[str, Any]]:
        """Every number ever seen."""
        return list(self._rows("SELECT * FROM numbers ORDER BY e164"))

    def dismissed_numbers(self) -> list[dict[str, Any]]:
        """``finding_id, page_id, e164`` of every number an analyst dismissed with a finding
        still marked ``false_positive``."""
        sql = (
            "SELECT fp.finding_id, fp.page_id, fp.e164 FROM false_positives fp "
            "JOIN findings f ON f.id = fp.finding_id WHERE f.status = 'false_positive'"
        )
        return list(self._rows(sql))

    def number_reputation(
        self, e164s: Iterable[str], *, before_run: int, exclude_url: str
    ) -> list[dict[str, Any]]:
        """Where each of ``e164s`` was flagged by runs older than ``before_run``, on pages
        other than ``exclude_url``: one row per number, brand and domain (``e164, brand,
        domain, pages``, ``since`` = when a run first flagged it there). A row with
        ``pages`` 0 names a brand shown on pages already counted under another brand.

        *Flagged* means shown as an unverified or invalid number on a page that run judged
        ``flagged``, and not dismissed by an analyst as a false positive. Read from an
        aggregate (:mod:`crawler.store.reputation`): the cost does not grow with the store.
        """
        wanted = sorted(set(e164s))
        if not wanted:
            return []
        try:
            return reputation_rows(
                self.db, wanted, before_run=before_run, exclude_url=exclude_url
            )
        except sqlite3.DatabaseError as err:
            raise StoreError(_explain(self.path, err)) from err

    def number_pages(self) -> list[dict[str, Any]]:
        """Every (number, page) pair ever sighted, for number clusters: the number's ``type,
        region`` and first/last seen (``number_first_seen``...), the page's ``url, domain,
        page_verdict``, the ``brands`` it was shown for there, its latest ``status`` there,
        ``first_seen``/``last_seen`` on that page, and ``current``: 1 when the page's latest
        run still saw it."""
        sql = (
            "SELECT s.e164, n.type, n.region, n.first_seen AS number_first_seen, "
            "n.last_seen AS number_last_seen, s.page_id, p.url, p.domain, "
            "p.verdict AS page_verdict, min(s.first_seen) AS first_seen, "
            "max(s.last_seen) AS last_seen, "
            "json_group_array(DISTINCT s.brand) FILTER (WHERE s.brand IS NOT NULL) AS brands, "
            "(SELECT s2.status FROM sightings s2 WHERE s2.page_id = s.page_id "
            "AND s2.e164 = s.e164 ORDER BY s2.last_seen DESC LIMIT 1) AS status, "
            "EXISTS (SELECT 1 FROM number_runs nr WHERE nr.run_id = p.last_run "
            "AND nr.page_id = s.page_id AND nr.e164 = s.e164) AS current "
            "FROM sightings s JOIN numbers n ON n.e164 = s.e164 JOIN pages p ON p.id = s.page_id "
            "GROUP BY s.e164, s.page_id ORDER BY s.e164, p.url"
        )
        return list(self._rows(sql))

    def number_findings(self) -> list[dict[str, Any]]:
        """``e164, finding_id, page_id, brand, verdict, status`` for every number a finding
        shows (as of the finding's latest run)."""
        sql = (
            "SELECT j.value AS e164, f.id AS finding_id, f.page_id, f.brand, f.verdict, f.status "
            "FROM findings f, json_each(f.numbers) j ORDER BY f.id"
        )
        return list(self._rows(sql))
