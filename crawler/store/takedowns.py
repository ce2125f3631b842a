"""Takedowns: recording a packaged takedown notice per finding, and listing them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crawler.store.base import StoreBase
from crawler.store.values import _where, utc_now


class TakedownsMixin(StoreBase):
    """The ``takedowns`` table (``scamlines takedown``)."""

    def record_takedown(
        self,
        finding_ids: Iterable[int],
        *,
        kind: str,
        target: str,
        recipient: str,
        reporter: str | None = None,
        contact: str | None = None,
        package: str | None = None,
        manifest_sha256: str | None = None,
    ) -> list[int]:
        """Record that a takedown notice for ``target`` (a host or a number) was packaged.

        In one transaction: one ``takedowns`` row per finding, and each finding's analyst
        status set to ``reported``. Returns the new row ids.
        """
        now = utc_now()
        ids: list[int] = []
        with self._writing() as db:
            for finding_id in dict.fromkeys(finding_ids):
                row = {
                    "finding_id": finding_id,
                    "created_at": now,
                    "kind": kind,
                    "target": target,
                    "recipient": recipient,
                    "reporter": reporter,
                    "contact": contact,
                    "package": package,
                    "manifest_sha256": manifest_sha256,
                }
                ids.append(int(db.table("takedowns").insert(row).last_pk or 0))
                db.execute("UPDATE findings SET status = 'reported' WHERE id = ?", [finding_id])
        return ids

    def takedowns(self, finding_id: int | None = None) -> list[dict[str, Any]]:
        """Recorded takedown notices, oldest first, optionally for one finding."""
        where, params = _where({"finding_id": finding_id})
        return list(self._rows(f"SELECT * FROM takedowns {where} ORDER BY id", params))
