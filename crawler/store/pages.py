"""Reading pages: by URL, by id, by run and verdict, and what a resumed crawl already has."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crawler.store.base import StoreBase
from crawler.store.values import _first, _where


class PagesMixin(StoreBase):
    """Page lookups (``pages``, with ``page_runs``/``captures`` where a run is named)."""

    def pages(
        self, *, run_id: int | None = None, verdict: str | None = None
    ) -> list[dict[str, Any]]:
        """Pages, optionally only those fetched by ``run_id`` (with that run's verdict)."""
        if run_id is None:
            where, params = _where({"p.verdict": verdict})
            return list(self._rows(f"SELECT p.* FROM pages p {where} ORDER BY p.id", params))
        where, params = _where({"pr.run_id": run_id, "pr.verdict": verdict})
        sql = (
            "SELECT p.*, pr.verdict AS run_verdict, pr.capture_id FROM page_runs pr "
            f"JOIN pages p ON p.id = pr.page_id {where} ORDER BY p.id"
        )
        return list(self._rows(sql, params))

    def page(self, url: str) -> dict[str, Any] | None:
        """The page recorded for ``url`` (as requested), or None."""
        return _first(self._rows("SELECT * FROM pages WHERE url = ?", [url]))

    def recorded_in_run(self, run_id: int) -> dict[str, dict[str, Any]]:
        """``{url: page}`` for every page ``run_id`` recorded, with the capture's status.

        A resumed crawl serves these from the store instead of fetching them again.
        """
        sql = (
            "SELECT p.url, c.final_url, c.status, c.body_sha256, b.content_type, p.depth "
            "FROM page_runs pr JOIN pages p ON p.id = pr.page_id "
            "JOIN captures c ON c.id = pr.capture_id "
            "LEFT JOIN bodies b ON b.sha256 = c.body_sha256 WHERE pr.run_id = ?"
        )
        return {row["url"]: row for row in self._rows(sql, [run_id])}

    def pages_by_id(self, page_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """``{id: page}`` for the given page ids (bodies are not read; unknown ids are absent)."""
        wanted = sorted(set(page_ids))
        pages: dict[int, dict[str, Any]] = {}
        # Chunks stay under SQLite's limit on bound parameters.
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self._rows(f"SELECT * FROM pages WHERE id IN ({marks})", chunk):
                pages[row["id"]] = row
        return pages
