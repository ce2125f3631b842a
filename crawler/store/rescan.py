"""Rescans: which stored captures a rescan re-judges, and recording its new reports.

Nothing is fetched, so no capture is added: a report updates the page's verdict and goes
through the numbers and findings half of the crawl's write path (:mod:`crawler.store.record`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlite_utils

from crawler.store.base import StoreBase
from crawler.store.record import (
    _record_numbers,
    _record_run_numbers,
    _upsert_finding,
    finding_groups,
)
from crawler.store.reputation import mark_page
from crawler.store.values import _dumps

if TYPE_CHECKING:
    from detector.report import PageReport


class RescanMixin(StoreBase):
    """What ``scamlines rescan`` reads and writes."""

    def rescan_targets(self, run_id: int | None) -> list[dict[str, Any]]:
        """The captures a rescan re-analyses: those run ``run_id`` recorded, or (None) each
        page's most recent one. Each row: ``page_id, url, capture_id, final_url, fetched_at,
        http_status, content_type, body_sha256 (the rendered DOM's when the page was
        rendered), has_body, verdict`` (as recorded),
        ``source_run`` (the run whose record it is) and ``capture_run`` (the run that
        fetched it)."""
        if run_id is None:
            where = "pr.run_id = (SELECT max(x.run_id) FROM page_runs x WHERE x.page_id = p.id)"
            params: list[Any] = []
        else:
            where, params = "pr.run_id = ?", [run_id]
        sql = (
            "SELECT pr.page_id, p.url, pr.capture_id, c.final_url, c.fetched_at, "
            "c.status AS http_status, coalesce(b.content_type, p.content_type) AS content_type, "
            # A rendered page is re-judged from its rendered DOM, as the crawl judged it.
            "coalesce(c.rendered_sha256, c.body_sha256) AS body_sha256, "
            "b.sha256 IS NOT NULL AS has_body, pr.verdict, "
            "pr.run_id AS source_run, c.run_id AS capture_run "
            "FROM page_runs pr JOIN pages p ON p.id = pr.page_id "
            "LEFT JOIN captures c ON c.id = pr.capture_id "
            "LEFT JOIN bodies b ON b.sha256 = coalesce(c.rendered_sha256, c.body_sha256) "
            f"WHERE {where} ORDER BY p.id"
        )
        return list(self._rows(sql, params))

    def record_reanalyses(
        self, run_id: int, batch: Sequence[tuple[dict[str, Any], PageReport | None]]
    ) -> None:
        """Record a rescan's reports on stored captures (rows of :meth:`rescan_targets`) for
        ``run_id``, in one transaction. Nothing is fetched, so no capture is added; a None
        report carries the capture's earlier run forward unchanged (no body, not a page)."""
        with self._writing() as db:
            for target, report in batch:
                if report is None:
                    _carry_forward(db, run_id, target)
                else:
                    _record_reanalysis(db, run_id, target, report)


def _record_reanalysis(
    db: sqlite_utils.Database, run_id: int, target: dict[str, Any], report: PageReport
) -> None:
    page_id, seen = target["page_id"], target["fetched_at"]
    db.execute(
        "UPDATE pages SET verdict = ?, score = ?, brands = ?, title = ?, language = ?, "
        "last_run = ? WHERE id = ?",
        [
            report.verdict,
            report.score,
            _dumps(list(report.brands)),
            report.title,
            report.language,
            run_id,
            page_id,
        ],
    )
    db.execute(
        "INSERT INTO page_runs (run_id, page_id, verdict, capture_id) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(run_id, page_id) DO UPDATE SET verdict = excluded.verdict",
        [run_id, page_id, report.verdict, target["capture_id"]],
    )
    # Timestamps stay those of the capture: the page showed this when it was fetched.
    _record_numbers(db, run_id, page_id, report, seen)
    finding_ids = [
        _upsert_finding(db, run_id, page_id, report, brand, numbers, seen)
        for brand, numbers in finding_groups(report)
    ]
    _record_run_numbers(db, run_id, page_id, report, finding_ids)
    if report.verdict == "flagged":
        mark_page(db, run_id, page_id)


def _carry_forward(db: sqlite_utils.Database, run_id: int, target: dict[str, Any]) -> None:
    params = {"run": run_id, "source": target["source_run"], "page": target["page_id"]}
    db.execute(
        "INSERT OR IGNORE INTO page_runs (run_id, page_id, verdict, capture_id) "
        "SELECT :run, page_id, verdict, capture_id FROM page_runs "
        "WHERE run_id = :source AND page_id = :page",
        params,
    )
    db.execute(
        "INSERT OR IGNORE INTO finding_runs (run_id, finding_id, verdict, score, numbers) "
        "SELECT :run, fr.finding_id, fr.verdict, fr.score, fr.numbers FROM finding_runs fr "
        "JOIN findings f ON f.id = fr.finding_id WHERE fr.run_id = :source AND f.page_id = :page",
        params,
    )
    db.execute(
        "INSERT OR IGNORE INTO number_runs (run_id, page_id, e164, status, brand) "
        "SELECT :run, page_id, e164, status, brand FROM number_runs "
        "WHERE run_id = :source AND page_id = :page",
        params,
    )
    if target["verdict"] == "flagged":  # after number_runs: mark_page reads what was carried
        mark_page(db, run_id, target["page_id"])
