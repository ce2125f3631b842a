"""Runs: starting, finishing, resuming and looking up a crawl, scan or rescan (``runs``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crawler.store.base import StoreBase
from crawler.store.schema import RUN_KINDS, RUN_STATUSES
from crawler.store.values import _dumps, _first, _str_or_none, utc_now


class RunsMixin(StoreBase):
    """Run lifecycle and run lookups."""

    def start_run(
        self,
        kind: str,
        seeds: Sequence[str],
        settings: dict[str, Any],
        allowlist: Any = None,
        *,
        jobdir: str | None = None,
    ) -> int:
        """Record the start of a run; returns its id.

        ``allowlist`` is a loaded :class:`allowlist.Allowlist` (its ``digest`` and ``path``
        are recorded) or None.
        """
        if kind not in RUN_KINDS:
            raise ValueError(f"run kind must be one of {RUN_KINDS}, not {kind!r}")
        row = {
            "kind": kind,
            "started_at": utc_now(),
            "status": "running",
            "seeds": _dumps(list(seeds)),
            "settings": _dumps(settings),
            "stats": _dumps({}),
            "allowlist_digest": getattr(allowlist, "digest", None),
            "allowlist_path": _str_or_none(getattr(allowlist, "path", None)),
            "jobdir": jobdir,
        }
        with self._writing() as db:
            return int(db.table("runs").insert(row).last_pk or 0)

    def set_run_settings(self, run_id: int, settings: dict[str, Any]) -> None:
        """Replace the settings recorded for a run (known only once its job is prepared)."""
        with self._writing() as db:
            db.execute("UPDATE runs SET settings = ? WHERE id = ?", [_dumps(settings), run_id])

    def resume_run(self, run_id: int) -> None:
        """Mark an interrupted (or killed) run as running again."""
        with self._writing() as db:
            db.execute(
                "UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?", [run_id]
            )

    def finish_run(
        self, run_id: int, status: str, stats: dict[str, Any], reason: str | None = None
    ) -> None:
        """Record how a run ended: status (see :data:`RUN_STATUSES`), stats, finish reason."""
        if status not in RUN_STATUSES:
            raise ValueError(f"run status must be one of {RUN_STATUSES}, not {status!r}")
        with self._writing() as db:
            db.execute(
                "UPDATE runs SET status = ?, finished_at = ?, stats = ?, finish_reason = ? "
                "WHERE id = ?",
                [status, utc_now(), _dumps(stats), reason, run_id],
            )

    def mark_killed(self, run_id: int) -> None:
        """A run left ``running`` by a process that died: record it as interrupted."""
        with self._writing() as db:
            db.execute(
                "UPDATE runs SET status = 'interrupted', finish_reason = 'killed' "
                "WHERE id = ? AND status = 'running'",
                [run_id],
            )

    def run_verdicts(self, run_id: int) -> dict[str | None, int]:
        """How many pages the run recorded per verdict (None: not judged), whichever process
        recorded them: a resumed run's pages from before the stop count too."""
        sql = "SELECT verdict, count(*) AS n FROM page_runs WHERE run_id = ? GROUP BY verdict"
        return {row["verdict"]: int(row["n"]) for row in self._rows(sql, [run_id])}

    def run(self, run_id: int) -> dict[str, Any] | None:
        """One run, or None."""
        return _first(self._rows("SELECT * FROM runs WHERE id = ?", [run_id]))

    def runs(self, kind: str | None = None) -> list[dict[str, Any]]:
        """All runs, oldest first, optionally of one kind."""
        if kind is None:
            return list(self._rows("SELECT * FROM runs ORDER BY id"))
        return list(self._rows("SELECT * FROM runs WHERE kind = ? ORDER BY id", [kind]))

    def latest_run(self, *, jobdir: str) -> dict[str, Any] | None:
        """The most recent run that used ``jobdir`` (what ``--resume`` continues)."""
        sql = "SELECT * FROM runs WHERE jobdir = ? ORDER BY id DESC LIMIT 1"
        return _first(self._rows(sql, [jobdir]))
