"""Run history: what each run saw, for ``scan``/``diff`` (:mod:`crawler.scans.history`).

A page counts as *seen* by a run when that run fetched it with an HTTP status below 400: a
page that now answers 404 is gone, not still there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crawler.store.base import StoreBase
from crawler.store.schema import RUN_KINDS
from crawler.store.values import _first


class HistoryMixin(StoreBase):
    """The runs to compare, and the pages, findings and numbers one run saw."""

    def latest_finished_run(
        self,
        kinds: Sequence[str] = RUN_KINDS,
        *,
        before: int | None = None,
        scan_config: str | None = None,
    ) -> dict[str, Any] | None:
        """The newest ``finished`` run of one of ``kinds``, optionally older than run
        ``before`` and recorded with the scan configuration file ``scan_config``."""
        marks = ", ".join("?" for _ in kinds)
        sql = f"SELECT * FROM runs WHERE status = 'finished' AND kind IN ({marks})"
        params: list[Any] = list(kinds)
        if before is not None:
            sql += " AND id < ?"
            params.append(before)
        if scan_config is not None:
            sql += " AND json_extract(settings, '$.SCAMLINES_SCAN_CONFIG') = ?"
            params.append(scan_config)
        return _first(self._rows(sql + " ORDER BY id DESC LIMIT 1", params))

    def run_pages(self, run_id: int) -> list[dict[str, Any]]:
        """Pages ``run_id`` recorded: ``page_id, url, domain, verdict`` (that run's) and the
        ``http_status`` of the capture it recorded."""
        sql = (
            "SELECT pr.page_id, p.url, p.domain, pr.verdict, c.status AS http_status "
            "FROM page_runs pr JOIN pages p ON p.id = pr.page_id "
            "LEFT JOIN captures c ON c.id = pr.capture_id WHERE pr.run_id = ? ORDER BY p.url"
        )
        return list(self._rows(sql, [run_id]))

    def run_findings(self, run_id: int) -> list[dict[str, Any]]:
        """Findings ``run_id`` saw, with that run's ``verdict``, ``score`` and ``numbers`` and
        the finding's current analyst ``status``/``note``, ``brand`` and page."""
        sql = (
            "SELECT fr.finding_id, fr.verdict, fr.score, fr.numbers, f.page_id, f.brand, "
            "f.status, f.note, p.url, p.domain FROM finding_runs fr "
            "JOIN findings f ON f.id = fr.finding_id JOIN pages p ON p.id = f.page_id "
            "WHERE fr.run_id = ? ORDER BY p.url, f.brand"
        )
        return list(self._rows(sql, [run_id]))

    def run_numbers(self, run_id: int) -> list[dict[str, Any]]:
        """One row per number and page ``run_id`` saw: ``e164, page_id, status`` (against the
        allowlist), ``brand`` (it was shown for), ``page_verdict`` (that run's), ``url``."""
        sql = (
            "SELECT nr.e164, nr.page_id, nr.status, nr.brand, pr.verdict AS page_verdict, "
            "p.url, p.domain FROM number_runs nr JOIN pages p ON p.id = nr.page_id "
            "LEFT JOIN page_runs pr ON pr.run_id = nr.run_id AND pr.page_id = nr.page_id "
            "WHERE nr.run_id = ? ORDER BY nr.e164, p.url"
        )
        return list(self._rows(sql, [run_id]))

    def seen_before(self, run_id: int, *, cutoff: int) -> dict[str, set[Any]]:
        """Of what ``run_id`` saw, what *finished* runs older than run ``cutoff`` had seen:
        ``{"pages": {page_id}, "findings": {finding_id}, "numbers": {e164}}``. Killed and
        failed runs do not count as having seen anything."""
        earlier = "x.run_id < ? AND r.status = 'finished'"
        queries = {
            "pages": (
                "SELECT DISTINCT x.page_id AS k FROM page_runs x JOIN runs r ON r.id = x.run_id "
                f"LEFT JOIN captures c ON c.id = x.capture_id WHERE {earlier} "
                "AND coalesce(c.status, 200) < 400 "
                "AND x.page_id IN (SELECT page_id FROM page_runs WHERE run_id = ?)"
            ),
            "findings": (
                "SELECT DISTINCT x.finding_id AS k FROM finding_runs x "
                f"JOIN runs r ON r.id = x.run_id WHERE {earlier} "
                "AND x.finding_id IN (SELECT finding_id FROM finding_runs WHERE run_id = ?)"
            ),
            "numbers": (
                "SELECT DISTINCT x.e164 AS k FROM number_runs x "
                f"JOIN runs r ON r.id = x.run_id WHERE {earlier} "
                "AND x.e164 IN (SELECT e164 FROM number_runs WHERE run_id = ?)"
            ),
        }
        params = [cutoff, run_id]
        return {
            name: {row["k"] for row in self._rows(sql, params)}
            for name, sql in queries.items()
        }
