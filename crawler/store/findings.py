"""Findings: reading them, and an analyst's triage decisions (which crawls never change).

Crawls write findings in :mod:`crawler.store.record`; takedowns mark them ``reported`` in
:mod:`crawler.store.takedowns`.
"""

from __future__ import annotations

from collections.abc import Sequence
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

    def search_findings(
        self,
        *,
        verdicts: Sequence[str] = (),
        statuses: Sequence[str] = (),
        brand: str | None = None,
        since_run: int | None = None,
        since_time: str | None = None,
        number: str | None = None,
        domain: str | None = None,
        ids: Sequence[int] = (),
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Findings with their page's ``url, final_url, host, domain, title``, newest first
        (latest sighting, then id), filtered by every argument given.

        ``verdicts``/``statuses``/``ids``: any of these (empty: any); ``brand`` exactly as
        stored; ``since_run``: last seen by that run or a later one; ``since_time``: last
        seen at or after it (UTC ISO); ``number``: an E.164 the finding shows; ``domain``:
        the page's registrable domain or host, or a host under it.
        """
        where: list[str] = []
        params: list[Any] = []
        for column, values in (("f.verdict", verdicts), ("f.status", statuses), ("f.id", ids)):
            if values:
                where.append(f"{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        for clause, value in (
            ("f.brand = ?", brand),
            ("f.last_run >= ?", since_run),
            ("f.last_seen >= ?", since_time),
            ("EXISTS (SELECT 1 FROM json_each(f.numbers) j WHERE j.value = ?)", number),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        if domain is not None:
            # A host under the domain: its last len(domain)+1 characters are "." + domain.
            where.append("(p.domain = ? OR p.host = ? OR substr(p.host, -?) = ?)")
            params += [domain, domain, len(domain) + 1, "." + domain]
        sql = (
            "SELECT f.*, p.url, p.final_url, p.host, p.domain, p.title "
            "FROM findings f JOIN pages p ON p.id = f.page_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY f.last_seen DESC, f.id DESC"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return list(self._rows(sql, params))

    def brands_found(self) -> list[str]:
        """Every brand some finding names, as the store spells it."""
        sql = "SELECT DISTINCT brand FROM findings WHERE brand != '' ORDER BY brand"
        return [row["brand"] for row in self._rows(sql)]

    def triage_history(self, finding_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Every triage decision on these findings, oldest first."""
        if not finding_ids:
            return []
        marks = ", ".join("?" for _ in finding_ids)
        sql = f"SELECT * FROM triage WHERE finding_id IN ({marks}) ORDER BY at, id"
        return list(self._rows(sql, list(finding_ids)))

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
