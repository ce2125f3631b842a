"""Evidence: stored bodies, a page's number sightings, and everything a takedown shows of a page."""

from __future__ import annotations

import zlib
from typing import Any

from crawler.store.base import StoreBase
from crawler.store.values import _first


class EvidenceMixin(StoreBase):
    """Bodies, sightings and :meth:`page_evidence`."""

    def sightings(self, page_id: int) -> list[dict[str, Any]]:
        """Every sighting recorded on a page, in page order."""
        sql = "SELECT * FROM sightings WHERE page_id = ? ORDER BY source, start"
        return list(self._rows(sql, [page_id]))

    def body(self, sha256: str) -> bytes | None:
        """A stored body, decompressed, or None."""
        row = _first(self._rows("SELECT body FROM bodies WHERE sha256 = ?", [sha256]))
        return None if row is None else zlib.decompress(row["body"])

    def captures(self, page_id: int) -> list[dict[str, Any]]:
        """A page's captures, newest first, without bodies: ``content_type`` and
        ``body_stored`` (0 when the body was over the size cap) come from ``bodies``."""
        sql = (
            "SELECT c.*, b.content_type, b.sha256 IS NOT NULL AS body_stored FROM captures c "
            "LEFT JOIN bodies b ON b.sha256 = c.body_sha256 WHERE c.page_id = ? ORDER BY c.id DESC"
        )
        return list(self._rows(sql, [page_id]))

    def page_at(self, url: str) -> dict[str, Any] | None:
        """The page recorded for ``url`` as requested, else the latest one that ended there
        (its final URL after redirects), or None."""
        found = _first(self._rows("SELECT * FROM pages WHERE url = ?", [url]))
        if found is not None:
            return found
        sql = "SELECT * FROM pages WHERE final_url = ? ORDER BY last_seen DESC, id DESC LIMIT 1"
        return _first(self._rows(sql, [url]))

    def page_evidence(self, page_id: int) -> dict[str, Any] | None:
        """Everything a takedown report needs about one page, or None.

        ``{"page", "captures" (newest first, each with its decompressed ``body``),
        "sightings", "findings"}``.
        """
        page = _first(self._rows("SELECT * FROM pages WHERE id = ?", [page_id]))
        if page is None:
            return None
        captures = list(
            self._rows(
                "SELECT c.*, b.content_type, b.body FROM captures c "
                "LEFT JOIN bodies b ON b.sha256 = c.body_sha256 "
                "WHERE c.page_id = ? ORDER BY c.id DESC",
                [page_id],
            )
        )
        for capture in captures:
            if capture["body"] is not None:
                capture["body"] = zlib.decompress(capture["body"])
        findings = list(
            self._rows("SELECT * FROM findings WHERE page_id = ? ORDER BY brand", [page_id])
        )
        return {
            "page": page,
            "captures": captures,
            "sightings": self.sightings(page_id),
            "findings": findings,
        }
