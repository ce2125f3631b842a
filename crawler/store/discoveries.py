"""Discovery: ``scamlines discover`` (:mod:`crawler.discovery.run`) search runs and the
candidate URLs they found. URLs arrive normalised (:func:`crawler.discovery.urls.normalise_url`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crawler.store.base import StoreBase
from crawler.store.values import _dumps, _first, _where, utc_now


class DiscoveriesMixin(StoreBase):
    """The ``discovery_runs`` and ``discoveries`` tables."""

    def start_discovery(self, provider: str, settings: dict[str, Any]) -> int:
        """Record the start of a discovery run; returns its id."""
        row = {
            "started_at": utc_now(),
            "status": "running",
            "provider": provider,
            "settings": _dumps(settings),
            "stats": _dumps({}),
        }
        with self._writing() as db:
            return int(db.table("discovery_runs").insert(row).last_pk or 0)

    def record_discoveries(
        self,
        run_id: int,
        provider: str,
        query: str | None,
        brand: str | None,
        results: Sequence[tuple[str, int, str, str]],
    ) -> list[dict[str, Any]]:
        """Record one query's results, ``(url, rank, title, snippet)`` each, in one
        transaction. A URL already known keeps its first provenance; its ``last_seen``,
        ``last_run`` and ``times_seen`` are updated. Returns the rows as stored."""
        now = utc_now()
        sql = (
            "INSERT INTO discoveries (url, query, brand, provider, rank, title, snippet, "
            "first_seen, last_seen, run_id, last_run, times_seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT(url) DO UPDATE SET "
            "last_seen = excluded.last_seen, last_run = excluded.last_run, "
            "times_seen = times_seen + 1 RETURNING *"
        )
        rows = []
        with self._writing() as db:
            for url, rank, title, snippet in results:
                params = [url, query, brand, provider, rank, title, snippet, now, now, run_id,
                          run_id]  # fmt: skip
                cursor = db.execute(sql, params)
                columns = [d[0] for d in cursor.description]
                rows.append(dict(zip(columns, cursor.fetchone(), strict=True)))
        return rows

    def finish_discovery(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        """Record how a discovery run ended (``finished`` or ``failed``) and its outcomes."""
        with self._writing() as db:
            db.execute(
                "UPDATE discovery_runs SET status = ?, finished_at = ?, stats = ? WHERE id = ?",
                [status, utc_now(), _dumps(stats), run_id],
            )

    def set_discovery_crawl(self, run_id: int, crawl_run: int) -> None:
        """Record the crawl run a discovery run handed its URLs to (``discover --crawl``)."""
        with self._writing() as db:
            db.execute(
                "UPDATE discovery_runs SET crawl_run = ? WHERE id = ?", [crawl_run, run_id]
            )

    def discovery_run(self, run_id: int) -> dict[str, Any] | None:
        """One discovery run, or None."""
        return _first(self._rows("SELECT * FROM discovery_runs WHERE id = ?", [run_id]))

    def discoveries(
        self, *, run_id: int | None = None, brand: str | None = None
    ) -> list[dict[str, Any]]:
        """Discovered URLs, oldest first; ``run_id``: those that run found (first or again)."""
        where, params = _where({"brand": brand})
        if run_id is not None:
            where = f"{where} AND" if where else "WHERE"
            where += " (run_id = ? OR last_run = ?)"
            params += [run_id, run_id]
        return list(self._rows(f"SELECT * FROM discoveries {where} ORDER BY id", params))
