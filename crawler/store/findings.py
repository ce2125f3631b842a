"""Findings: reading them, and an analyst's triage decisions (which crawls never change).

Crawls write findings in :mod:`crawler.store.record`; takedowns mark them ``reported`` in
:mod:`crawler.store.takedowns`.
"""

from __future__ import annotations

from typing import Any

from crawler.store.base import StoreBase
from crawler.store.reputation import refresh
from crawler.store.schema import FINDING_STATUSES
from crawler.store.values import _first, _where, utc_now


class FindingsMixin(StoreBase):
    """Finding lookups and triage."""

    def findings(
        self,
        *,
        run_id: int | None = None,
        verdict: str | None = None,
        status: str | None = None,
        brand: str | None = None,
    ) -> list[dict[str, Any]]:
        """Findings joined with their page's URLs, filtered by any of the arguments.

        With ``run_id``, only findings that run saw, with that run's verdict and score.
        """
        select = "SELECT f.*, p.url, p.final_url, p.domain, p.title"
        if run_id is None:
            where, params = _where({"f.verdict": verdict, "f.status": status, "f.brand": brand})
            sql = f"{select} FROM findings f JOIN pages p ON p.id = f.page_id {where}"
        else:
            where, params = _where(
                {"fr.run_id": run_id, "fr.verdict": verdict, "f.status": status, "f.brand": brand}
            )
            sql = (
                f"{select}, fr.verdict AS run_verdict, fr.score AS run_score "
                "FROM finding_runs fr JOIN findings f ON f.id = fr.finding_id "
                f"JOIN pages p ON p.id = f.page_id {where}"
            )
        return list(self._rows(sql + " ORDER BY f.id", params))

    def set_finding_status(self, finding_id: int, status: str, note: str | None = None) -> None:
        """An analyst's triage decision on a finding (crawls never change it)."""
        if status not in FINDING_STATUSES:
            raise ValueError(f"finding status must be one of {FINDING_STATUSES}, not {status!r}")
        with self._writing() as db:
            db.execute(
                "UPDATE findings SET status = ?, note = coalesce(?, note) WHERE id = ?",
                [status, note, finding_id],
            )

    def finding(self, finding_id: int) -> dict[str, Any] | None:
        """One finding with its page's ``url``, or None."""
        sql = "SELECT f.*, p.url FROM findings f JOIN pages p ON p.id = f.page_id WHERE f.id = ?"
        return _first(self._rows(sql, [finding_id]))

    def triage_finding(
        self, finding_id: int, status: str, note: str | None = None
    ) -> dict[str, Any] | None:
        """An analyst's decision, in one transaction: the finding's ``status`` (and ``note``),
        a line in ``triage``, and for ``false_positive`` the numbers the finding shows now,
        which later runs then do not flag again on this page. None: no such finding."""
        if status not in FINDING_STATUSES:
            raise ValueError(f"finding status must be one of {FINDING_STATUSES}, not {status!r}")
        finding = self.finding(finding_id)
        if finding is None:
            return None
        now = utc_now()
        with self._writing() as db:
            db.execute(
                "UPDATE findings SET status = ?, note = coalesce(?, note) WHERE id = ?",
                [status, note, finding_id],
            )
            db.execute(
                "INSERT INTO triage (finding_id, status, note, at) VALUES (?, ?, ?, ?)",
                [finding_id, status, note, now],
            )
            before = [r[0] for r in db.execute(
                "SELECT e164 FROM false_positives WHERE finding_id = ?", [finding_id])]  # fmt: skip
            db.execute("DELETE FROM false_positives WHERE finding_id = ?", [finding_id])
            if status == "false_positive":
                for e164 in finding["numbers"] or []:
                    db.execute(
                        "INSERT INTO false_positives (finding_id, e164, page_id, marked_at) "
                        "VALUES (?, ?, ?, ?)",
                        [finding_id, e164, finding["page_id"], now],
                    )
            # Dismissed pages do not count in a number's reputation: recount what changed.
            refresh(db, [*before, *(finding["numbers"] or [])])
        return self.finding(finding_id)
