"""The scamlines store: one SQLite file holding runs, pages, evidence, numbers and findings.

This module is the only place SQL lives. Crawls write through :class:`Store`; ``reports/``
and the ``scan``/``diff`` commands read through its read methods. Nothing here imports
Scrapy, so the store can be used (and tested) on its own::

    from crawler.store import open_store

    with open_store("scamlines.db") as store:
        for finding in store.findings(verdict="flagged"):
            print(finding["brand"], finding["url"], finding["numbers"])

Tables (``sqlite-utils`` creates them; :data:`MIGRATIONS` versions them):

``runs``
    One crawl or scan: kind, UTC start/finish, status, seeds, settings, stats, the allowlist's
    digest and path, and the crawl's job directory (used to resume it).
``pages``
    One row per URL ever fetched (``url`` is the URL as requested, before redirects). A page
    seen again updates ``last_seen``/``last_run`` and its latest verdict; ``first_*`` stay.
``captures`` and ``bodies``
    The evidence of each fetch: headers, redirect chain, status, body hash and size; bodies
    are zlib-compressed and stored once per SHA-256.
``numbers`` and ``sightings``
    Every phone number seen (E.164) and every place it was seen (a deterministic ``id`` per
    page, number, source and offsets, so re-seeing updates ``last_*`` instead of duplicating).
``findings``
    The judgement per page and brand, with the analyst's ``status`` and ``note`` (never touched
    by crawls). A page names no brand → one finding with brand ``''``, but only if the page
    shows at least one phone number; pages with neither brand nor number get no finding.
``page_runs`` and ``finding_runs``
    Which run saw which page and finding, with the verdict of that run: ``scan``/``diff``
    compute new / still / gone / back from these.
``number_runs``, ``false_positives`` and ``triage``
    Which numbers each run saw on each page (``finding_runs.numbers``: which each finding
    showed); the numbers an analyst dismissed with a false-positive finding; every triage
    decision with its time and note.
``takedowns``
    One row per finding per packaged takedown notice (``scamlines takedown``): the target
    host or number, the recipient, who reported it, the package and its manifest's SHA-256.
``discovery_runs`` and ``discoveries``
    ``scamlines discover``: each search run (provider, settings, per-query outcomes, the
    crawl it handed its URLs to), and each candidate URL found (normalised, one row per URL
    across queries and runs: the query, brand, provider and rank that first found it, first
    and last seen, how many times any query returned it).

Timestamps are UTC ISO 8601 with milliseconds and a ``Z``. JSON columns are returned decoded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import sqlite_utils
from sqlite_utils.migrations import Migrations

if TYPE_CHECKING:
    from detector.report import NumberReport, PageReport

__all__ = [
    "FINDING_STATUSES",
    "MIGRATIONS",
    "RUN_KINDS",
    "RUN_STATUSES",
    "FetchRecord",
    "RecordedPage",
    "Store",
    "StoreError",
    "open_store",
    "sighting_id",
    "utc_now",
]

RUN_KINDS = ("crawl", "scan", "rescan")
RUN_STATUSES = ("running", "finished", "failed", "interrupted")
FINDING_STATUSES = ("new", "confirmed", "reported", "resolved", "false_positive")

#: Tables this module owns; a database holding other tables but none of these is refused.
TABLES = (
    "runs",
    "pages",
    "captures",
    "bodies",
    "numbers",
    "sightings",
    "findings",
    "page_runs",
    "finding_runs",
    "takedowns",
    "number_runs",
    "false_positives",
    "triage",
    "discoveries",
    "discovery_runs",
)

JSON_COLUMNS = frozenset(
    {"seeds", "settings", "stats", "headers", "redirect_chain", "reasons", "numbers", "brands"}
)

#: zlib level for stored bodies: 6 costs ~3x level 1's CPU for ~10 % smaller HTML.
BODY_COMPRESSION_LEVEL = 1


class StoreError(Exception):
    """The database cannot be used: not SQLite, not ours, newer than us, locked, unwritable."""


def utc_now() -> str:
    """The current time as ``2026-11-22T10:15:00.123Z``."""
    return format_time(dt.datetime.now(dt.UTC))


def format_time(moment: dt.datetime) -> str:
    """``moment`` (aware, any zone) as UTC ISO 8601 with milliseconds and ``Z``."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """What the crawler knows about one fetch, independent of Scrapy.

    ``url`` is the URL as requested (before redirects); ``redirect_chain`` lists each hop as
    ``{"url", "status"}`` ending with the final response. ``note`` says why a page was not
    analysed (binary body, …). ``body`` is the decoded (decompressed) body.
    """

    url: str
    final_url: str
    status: int
    body: bytes
    fetched_at: str
    headers: dict[str, list[str]] = field(default_factory=dict)
    content_type: str | None = None
    redirect_chain: list[dict[str, Any]] = field(default_factory=list)
    depth: int = 0
    priority: int = 0
    cached: bool = False
    note: str | None = None
    host: str | None = None
    domain: str | None = None


@dataclass(frozen=True, slots=True)
class RecordedPage:
    """Ids written by :meth:`Store.record_page`."""

    page_id: int
    capture_id: int
    finding_ids: tuple[int, ...] = ()


# --- schema -----------------------------------------------------------------------------------

MIGRATIONS = Migrations("scamlines")


@MIGRATIONS(name="0001_initial")
def _m0001_initial(db: sqlite_utils.Database) -> None:
    db.table("runs").create(
        {
            "id": int,
            "kind": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "finish_reason": str,
            "seeds": str,
            "settings": str,
            "stats": str,
            "allowlist_digest": str,
            "allowlist_path": str,
            "jobdir": str,
        },
        pk="id",
        not_null={"kind", "started_at", "status"},
    )
    db.table("pages").create(
        {
            "id": int,
            "url": str,
            "final_url": str,
            "host": str,
            "domain": str,
            "status": int,
            "content_type": str,
            "title": str,
            "language": str,
            "body_sha256": str,
            "verdict": str,
            "score": float,
            "brands": str,
            "note": str,
            "fetched_at": str,
            "first_seen": str,
            "last_seen": str,
            "first_run": int,
            "last_run": int,
            "depth": int,
            "priority": int,
        },
        pk="id",
        not_null={"url"},
        foreign_keys=[("first_run", "runs", "id"), ("last_run", "runs", "id")],
    )
    db.table("pages").create_index(["url"], unique=True)
    db.table("pages").create_index(["domain"])
    db.table("pages").create_index(["verdict"])
    db.table("bodies").create(
        {"sha256": str, "body": bytes, "size": int, "content_type": str}, pk="sha256"
    )
    db.table("captures").create(
        {
            "id": int,
            "page_id": int,
            "run_id": int,
            "fetched_at": str,
            "final_url": str,
            "status": int,
            "headers": str,
            "redirect_chain": str,
            "body_sha256": str,
            "size": int,
            "cached": int,
        },
        pk="id",
        foreign_keys=[("page_id", "pages", "id"), ("run_id", "runs", "id")],
    )
    db.table("captures").create_index(["page_id"])
    db.table("numbers").create(
        {
            "e164": str,
            "type": str,
            "region": str,
            "valid": int,
            "first_seen": str,
            "last_seen": str,
            "first_run": int,
            "last_run": int,
        },
        pk="e164",
    )
    db.table("sightings").create(
        {
            "id": str,
            "page_id": int,
            "run_id": int,
            "e164": str,
            "raw": str,
            "source": str,
            "start": int,
            "end": int,
            "context": str,
            "status": str,
            "brand": str,
            "obfuscated": int,
            "first_seen": str,
            "last_seen": str,
            "first_run": int,
            "last_run": int,
        },
        pk="id",
        foreign_keys=[
            ("page_id", "pages", "id"),
            ("run_id", "runs", "id"),
            ("e164", "numbers", "e164"),
        ],
    )
    db.table("sightings").create_index(["page_id"])
    db.table("sightings").create_index(["e164"])
    db.table("findings").create(
        {
            "id": int,
            "page_id": int,
            "brand": str,
            "verdict": str,
            "score": float,
            "reasons": str,
            "numbers": str,
            "first_seen": str,
            "last_seen": str,
            "first_run": int,
            "last_run": int,
            "status": str,
            "note": str,
        },
        pk="id",
        not_null={"page_id", "brand", "status"},
        defaults={"status": "new", "brand": ""},
        foreign_keys=[("page_id", "pages", "id")],
    )
    db.table("findings").create_index(["page_id", "brand"], unique=True)
    db.table("findings").create_index(["verdict"])
    db.table("page_runs").create(
        {"run_id": int, "page_id": int, "verdict": str, "capture_id": int},
        pk=("run_id", "page_id"),
        foreign_keys=[
            ("run_id", "runs", "id"),
            ("page_id", "pages", "id"),
            ("capture_id", "captures", "id"),
        ],
    )
    db.table("finding_runs").create(
        {"run_id": int, "finding_id": int, "verdict": str, "score": float},
        pk=("run_id", "finding_id"),
        foreign_keys=[("run_id", "runs", "id"), ("finding_id", "findings", "id")],
    )


@MIGRATIONS(name="0002_takedowns")
def _m0002_takedowns(db: sqlite_utils.Database) -> None:
    # One row per finding per packaged notice: what was reported, to whom, when, and the
    # SHA-256 of the package's manifest.json, so a package on disk can be tied to its record.
    db.table("takedowns").create(
        {
            "id": int,
            "finding_id": int,
            "created_at": str,
            "kind": str,
            "target": str,
            "recipient": str,
            "reporter": str,
            "contact": str,
            "package": str,
            "manifest_sha256": str,
        },
        pk="id",
        not_null={"finding_id", "created_at", "kind", "target"},
        foreign_keys=[("finding_id", "findings", "id")],
    )
    db.table("takedowns").create_index(["finding_id"])


@MIGRATIONS(name="0003_scan_history")
def _m0003_scan_history(db: sqlite_utils.Database) -> None:
    # Sightings keep only the first and last run that saw a number; telling a number that
    # left and came back ("back") from one that never left needs every run that saw it.
    db.table("number_runs").create(
        {"run_id": int, "page_id": int, "e164": str, "status": str, "brand": str},
        pk=("run_id", "page_id", "e164"),
        foreign_keys=[
            ("run_id", "runs", "id"),
            ("page_id", "pages", "id"),
            ("e164", "numbers", "e164"),
        ],
    )
    db.table("number_runs").create_index(["e164"])
    db.table("number_runs").create_index(["page_id"])
    # The numbers each finding showed in each run: a false positive stays quiet only while
    # the finding shows no number beyond those the analyst dismissed.
    db.table("finding_runs").add_column("numbers", str)
    db.table("false_positives").create(
        {"finding_id": int, "e164": str, "page_id": int, "marked_at": str},
        pk=("finding_id", "e164"),
        foreign_keys=[("finding_id", "findings", "id"), ("page_id", "pages", "id")],
    )
    db.table("false_positives").create_index(["page_id", "e164"])
    db.table("triage").create(
        {"id": int, "finding_id": int, "status": str, "note": str, "at": str},
        pk="id",
        not_null={"finding_id", "status", "at"},
        foreign_keys=[("finding_id", "findings", "id")],
    )
    db.table("triage").create_index(["finding_id"])
    # Older databases: the first and last run of each sighting is all the history there is.
    for column in ("first_run", "last_run"):
        db.execute(
            "INSERT OR IGNORE INTO number_runs (run_id, page_id, e164, status, brand) "
            f"SELECT {column}, page_id, e164, status, brand FROM sightings "
            f"WHERE {column} IS NOT NULL"
        )
    db.execute(
        "UPDATE finding_runs SET numbers = (SELECT f.numbers FROM findings f "
        "WHERE f.id = finding_runs.finding_id AND f.last_run = finding_runs.run_id)"
    )



@MIGRATIONS(name="0004_discoveries")
def _m0004_discoveries(db: sqlite_utils.Database) -> None:
    # Discovery runs are not crawl runs: they fetch no page, and the history commands
    # (diff, rescan) must never pick one as "the latest run". So they get their own table.
    db.table("discovery_runs").create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "provider": str,
            "settings": str,
            "stats": str,
            "crawl_run": int,
        },
        pk="id",
        not_null={"started_at", "status", "provider"},
        foreign_keys=[("crawl_run", "runs", "id")],
    )
    # One row per normalised URL: provenance of its first sighting, then how often seen.
    db.table("discoveries").create(
        {
            "id": int,
            "url": str,
            "query": str,
            "brand": str,
            "provider": str,
            "rank": int,
            "title": str,
            "snippet": str,
            "first_seen": str,
            "last_seen": str,
            "run_id": int,
            "last_run": int,
            "times_seen": int,
        },
        pk="id",
        not_null={"url", "provider", "first_seen", "last_seen", "run_id", "times_seen"},
        foreign_keys=[("run_id", "discovery_runs", "id"), ("last_run", "discovery_runs", "id")],
    )
    db.table("discoveries").create_index(["url"], unique=True)
    db.table("discoveries").create_index(["brand"])

# --- opening ----------------------------------------------------------------------------------


def open_store(path: str | Path, *, timeout: float = 30.0) -> Store:
    """Open (creating or migrating as needed) the store at ``path``.

    WAL mode lets Datasette and reports read while a crawl writes; ``timeout`` is SQLite's
    busy timeout in seconds, long enough for an overlapping cron job to finish its batch.

    Raises :class:`StoreError` with a one-line explanation when the file is not an SQLite
    database, belongs to another application, was written by a newer scamlines, is locked
    beyond ``timeout`` or cannot be written.
    """
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file")
    if not path.parent.is_dir():
        raise StoreError(f"{path.parent}: no such directory")
    try:
        conn = sqlite3.connect(str(path), timeout=timeout)
    except sqlite3.Error as err:
        raise StoreError(f"{path}: cannot open: {err}") from None
    try:
        db = sqlite_utils.Database(conn)
        _prepare(db, path)
    except sqlite3.DatabaseError as err:
        conn.close()
        raise StoreError(_explain(path, err)) from None
    except StoreError:
        conn.close()
        raise
    return Store(db, path)


def _prepare(db: sqlite_utils.Database, path: Path) -> None:
    names = set(db.table_names())
    ours = names & set(TABLES)
    if names and not ours and Migrations.migrations_table not in names:
        shown = ", ".join(sorted(names)[:5])
        raise StoreError(f"{path}: not a scamlines database (it holds other tables: {shown})")
    known = {m.name for m in MIGRATIONS._migrations}
    unknown = [m.name for m in MIGRATIONS.applied(db) if m.name not in known]
    if unknown:
        raise StoreError(
            f"{path}: written by a newer scamlines (schema {unknown[-1]}); upgrade scamlines"
        )
    if db.journal_mode != "wal":
        db.enable_wal()
    # WAL + NORMAL: a commit is not fsynced until checkpoint. A killed process loses
    # nothing committed; only a power loss can drop the last transactions, never corrupt.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    MIGRATIONS.apply(db)


def _explain(path: Path, err: sqlite3.DatabaseError) -> str:
    text = str(err)
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return f"{path}: not an SQLite database or corrupt ({text})"
    if "locked" in text or "busy" in text:
        return f"{path}: database is locked by another process (is another crawl writing to it?)"
    if "readonly" in text or "unable to open" in text:
        return f"{path}: cannot write the database ({text})"
    return f"{path}: {text}"


# --- the store --------------------------------------------------------------------------------


class Store:
    """A scamlines database. Use :func:`open_store`; one ``Store`` per thread.

    Writes are grouped in transactions (``db.atomic()``); the write methods wrap SQLite
    errors in :class:`StoreError`.
    """

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.path = path
        #: Bodies larger than this are hashed and measured but not stored (None: no limit).
        self.body_maxsize: int | None = None

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite_utils.Database]:
        try:
            with self.db.atomic():
                yield self.db
        except sqlite3.DatabaseError as err:
            raise StoreError(_explain(self.path, err)) from err

    # --- runs ---------------------------------------------------------------------------------

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

    # --- pages ----------------------------------------------------------------------------------

    def record_page(
        self, run_id: int, fetch: FetchRecord, report: PageReport | None
    ) -> RecordedPage:
        """Record one fetch (and the detector's report on it, or None) in one transaction."""
        return self.record_pages(run_id, [(fetch, report)])[0]

    def record_pages(
        self, run_id: int, batch: Sequence[tuple[FetchRecord, PageReport | None]]
    ) -> list[RecordedPage]:
        """Record several fetches in one transaction (bodies are compressed beforehand)."""
        prepared = [
            (fetch, report, _compress(fetch.body, self.body_maxsize)) for fetch, report in batch
        ]
        with self._writing() as db:
            return [
                _record(db, run_id, fetch, report, digest, blob)
                for fetch, report, (digest, blob) in prepared
            ]

    # --- reads ----------------------------------------------------------------------------------

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

    def sightings(self, page_id: int) -> list[dict[str, Any]]:
        """Every sighting recorded on a page, in page order."""
        sql = "SELECT * FROM sightings WHERE page_id = ? ORDER BY source, start"
        return list(self._rows(sql, [page_id]))

    def numbers(self) -> list[dict[str, Any]]:
        """Every number ever seen."""
        return list(self._rows("SELECT * FROM numbers ORDER BY e164"))

    def body(self, sha256: str) -> bytes | None:
        """A stored body, decompressed, or None."""
        row = _first(self._rows("SELECT body FROM bodies WHERE sha256 = ?", [sha256]))
        return None if row is None else zlib.decompress(row["body"])

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

    def set_finding_status(self, finding_id: int, status: str, note: str | None = None) -> None:
        """An analyst's triage decision on a finding (crawls never change it)."""
        if status not in FINDING_STATUSES:
            raise ValueError(f"finding status must be one of {FINDING_STATUSES}, not {status!r}")
        with self._writing() as db:
            db.execute(
                "UPDATE findings SET status = ?, note = coalesce(?, note) WHERE id = ?",
                [status, note, finding_id],
            )

    # --- reports and takedowns ----------------------------------------------------------------

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

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        try:
            rows = list(self.db.query(sql, list(params)))
        except sqlite3.DatabaseError as err:
            raise StoreError(_explain(self.path, err)) from err
        return (_decode(row) for row in rows)


    # --- run history: scan / diff / numbers / triage / rescan ---------------------------------
    #
    # Read methods behind crawler.scans.history (diff), crawler.scans.clusters (numbers),
    # crawler.scans.reputation (numbers flagged elsewhere) and crawler.scans.rescan, plus the writes of
    # triage and rescan. A page counts as *seen* by a run when that run fetched it with an
    # HTTP status below 400: a page that now answers 404 is gone, not still there.

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
        other than ``exclude_url``: one row per number and page (``e164, page_id, url,
        domain, brand``, ``since`` = when a run first saw it there).

        *Flagged* means shown as an unverified or invalid number on a page that run judged
        ``flagged``, and not dismissed by an analyst as a false positive.
        """
        wanted = sorted(set(e164s))
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        sql = (
            "SELECT nr.e164, nr.page_id, p.url, p.domain, nr.brand, min(r.started_at) AS since "
            "FROM number_runs nr JOIN runs r ON r.id = nr.run_id "
            "JOIN page_runs pr ON pr.run_id = nr.run_id AND pr.page_id = nr.page_id "
            f"JOIN pages p ON p.id = nr.page_id WHERE nr.e164 IN ({marks}) AND nr.run_id < ? "
            "AND p.url != ? AND pr.verdict = 'flagged' AND nr.status IN ('unverified', 'invalid') "
            "AND NOT EXISTS (SELECT 1 FROM false_positives fp JOIN findings f "
            "ON f.id = fp.finding_id WHERE fp.page_id = nr.page_id AND fp.e164 = nr.e164 "
            "AND f.status = 'false_positive') "
            "GROUP BY nr.e164, nr.page_id, nr.brand ORDER BY nr.e164, since"
        )
        return list(self._rows(sql, [*wanted, before_run, exclude_url]))

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
            db.execute("DELETE FROM false_positives WHERE finding_id = ?", [finding_id])
            if status == "false_positive":
                for e164 in finding["numbers"] or []:
                    db.execute(
                        "INSERT INTO false_positives (finding_id, e164, page_id, marked_at) "
                        "VALUES (?, ?, ?, ?)",
                        [finding_id, e164, finding["page_id"], now],
                    )
        return self.finding(finding_id)

    def rescan_targets(self, run_id: int | None) -> list[dict[str, Any]]:
        """The captures a rescan re-analyses: those run ``run_id`` recorded, or (None) each
        page's most recent one. Each row: ``page_id, url, capture_id, final_url, fetched_at,
        http_status, content_type, body_sha256, has_body, verdict`` (as recorded),
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
            "c.body_sha256, b.sha256 IS NOT NULL AS has_body, pr.verdict, "
            "pr.run_id AS source_run, c.run_id AS capture_run "
            "FROM page_runs pr JOIN pages p ON p.id = pr.page_id "
            "LEFT JOIN captures c ON c.id = pr.capture_id "
            f"LEFT JOIN bodies b ON b.sha256 = c.body_sha256 WHERE {where} ORDER BY p.id"
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

    # --- discovery ------------------------------------------------------------------------
    #
    # ``scamlines discover`` (crawler.discovery.run): search runs and the candidate URLs
    # they found. URLs arrive normalised (crawler.discovery.urls.normalise_url).

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


# --- writing one page -------------------------------------------------------------------------


def _record(
    db: sqlite_utils.Database,
    run_id: int,
    fetch: FetchRecord,
    report: PageReport | None,
    digest: str,
    blob: bytes | None,
) -> RecordedPage:
    now = fetch.fetched_at
    if blob is not None:
        db.execute(
            "INSERT INTO bodies (sha256, body, size, content_type) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(sha256) DO NOTHING",
            [digest, blob, len(fetch.body), fetch.content_type],
        )
    page_id = _upsert_page(db, run_id, fetch, report, digest)
    capture_id = _insert_capture(db, run_id, page_id, fetch, digest)
    verdict = report.verdict if report is not None else None
    db.execute(
        "INSERT INTO page_runs (run_id, page_id, verdict, capture_id) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(run_id, page_id) DO UPDATE SET verdict = excluded.verdict, "
        "capture_id = excluded.capture_id",
        [run_id, page_id, verdict, capture_id],
    )
    if report is None:
        return RecordedPage(page_id, capture_id)
    _record_numbers(db, run_id, page_id, report, now)
    finding_ids = tuple(
        _upsert_finding(db, run_id, page_id, report, brand, numbers, now)
        for brand, numbers in finding_groups(report)
    )
    _record_run_numbers(db, run_id, page_id, report, finding_ids)
    return RecordedPage(page_id, capture_id, finding_ids)


_PAGE_COLUMNS = (
    "url",
    "final_url",
    "host",
    "domain",
    "status",
    "content_type",
    "title",
    "language",
    "body_sha256",
    "verdict",
    "score",
    "brands",
    "note",
    "fetched_at",
    "depth",
    "priority",
)


def _upsert_page(
    db: sqlite_utils.Database,
    run_id: int,
    fetch: FetchRecord,
    report: PageReport | None,
    digest: str,
) -> int:
    values = {
        "url": fetch.url,
        "final_url": fetch.final_url,
        "host": fetch.host,
        "domain": (report.domain if report is not None else None) or fetch.domain,
        "status": fetch.status,
        "content_type": fetch.content_type,
        "title": report.title if report is not None else None,
        "language": report.language if report is not None else None,
        "body_sha256": digest,
        "verdict": report.verdict if report is not None else None,
        "score": report.score if report is not None else None,
        "brands": _dumps(list(report.brands)) if report is not None else None,
        "note": fetch.note,
        "fetched_at": fetch.fetched_at,
        "depth": fetch.depth,
        "priority": fetch.priority,
    }
    columns = ", ".join(_PAGE_COLUMNS)
    marks = ", ".join(f":{c}" for c in _PAGE_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _PAGE_COLUMNS if c != "url")
    # depth/priority keep the first crawl's values only when this fetch did not know better.
    sql = (
        f"INSERT INTO pages ({columns}, first_seen, last_seen, first_run, last_run) "
        f"VALUES ({marks}, :now, :now, :run, :run) "
        f"ON CONFLICT(url) DO UPDATE SET {updates}, last_seen = :now, last_run = :run "
        "RETURNING id"
    )
    cursor = db.execute(sql, {**values, "now": fetch.fetched_at, "run": run_id})
    return int(cursor.fetchone()[0])


def _insert_capture(
    db: sqlite_utils.Database, run_id: int, page_id: int, fetch: FetchRecord, digest: str
) -> int:
    cursor = db.execute(
        "INSERT INTO captures (page_id, run_id, fetched_at, final_url, status, headers, "
        "redirect_chain, body_sha256, size, cached) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            page_id,
            run_id,
            fetch.fetched_at,
            fetch.final_url,
            fetch.status,
            _dumps(fetch.headers),
            _dumps(fetch.redirect_chain),
            digest,
            len(fetch.body),
            int(fetch.cached),
        ],
    )
    return int(cursor.lastrowid or 0)


_NUMBER_UPSERT = (
    "INSERT INTO numbers (e164, type, region, valid, first_seen, last_seen, first_run, last_run) "
    "VALUES (:e164, :type, :region, :valid, :now, :now, :run, :run) "
    "ON CONFLICT(e164) DO UPDATE SET type = excluded.type, "
    "region = coalesce(excluded.region, region), valid = excluded.valid, "
    "last_seen = excluded.last_seen, last_run = excluded.last_run"
)

_SIGHTING_UPSERT = (
    'INSERT INTO sightings (id, page_id, run_id, e164, raw, source, start, "end", context, '
    "status, brand, obfuscated, first_seen, last_seen, first_run, last_run) "
    "VALUES (:id, :page_id, :run, :e164, :raw, :source, :start, :end, :context, :status, "
    ":brand, :obfuscated, :now, :now, :run, :run) "
    "ON CONFLICT(id) DO UPDATE SET run_id = excluded.run_id, context = excluded.context, "
    "status = excluded.status, brand = excluded.brand, last_seen = excluded.last_seen, "
    "last_run = excluded.last_run"
)


def _record_numbers(
    db: sqlite_utils.Database, run_id: int, page_id: int, report: PageReport, now: str
) -> None:
    stamp = {"now": now, "run": run_id}
    numbers: dict[str, dict[str, Any]] = {}
    for sighting in report.sightings:
        numbers.setdefault(
            sighting.e164,
            {
                "e164": sighting.e164,
                "type": sighting.type,
                "region": sighting.region,
                "valid": int(sighting.valid),
            },
        )
    judged = {number.e164: number for number in report.numbers}
    for number in judged.values():
        row = numbers.setdefault(number.e164, {"e164": number.e164, "region": None})
        row.update(type=number.type, valid=int(number.valid))
    for row in numbers.values():
        db.execute(_NUMBER_UPSERT, {**row, **stamp})
    for sighting in report.sightings:
        judgement = judged.get(sighting.e164)
        row = {
            "id": sighting_id(
                page_id, sighting.e164, sighting.source, sighting.start, sighting.end, sighting.raw
            ),
            "page_id": page_id,
            "e164": sighting.e164,
            "raw": sighting.raw,
            "source": sighting.source,
            "start": sighting.start,
            "end": sighting.end,
            "context": sighting.context,
            "status": judgement.status if judgement else None,
            "brand": judgement.brand if judgement else None,
            "obfuscated": int(sighting.obfuscated),
        }
        db.execute(_SIGHTING_UPSERT, {**row, **stamp})


def _upsert_finding(
    db: sqlite_utils.Database,
    run_id: int,
    page_id: int,
    report: PageReport,
    brand: str,
    numbers: list[str],
    now: str,
) -> int:
    # Each brand gets its own verdict when the detector gave one (a page can abuse one brand
    # and quote another's real number); the brand-less finding takes the page's.
    judged = next((f for f in report.findings if f.brand == brand), None)
    verdict, score, reason_list = (
        (judged.verdict, judged.score, judged.reasons) if judged
        else (report.verdict, report.score, report.reasons))
    reasons = _dumps([{"code": r.code, "message": r.message} for r in reason_list])
    cursor = db.execute(
        "INSERT INTO findings (page_id, brand, verdict, score, reasons, numbers, first_seen, "
        "last_seen, first_run, last_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(page_id, brand) DO UPDATE SET verdict = excluded.verdict, "
        "score = excluded.score, reasons = excluded.reasons, numbers = excluded.numbers, "
        "last_seen = excluded.last_seen, last_run = excluded.last_run RETURNING id",
        [
            page_id,
            brand,
            verdict,
            score,
            reasons,
            _dumps(numbers),
            now,
            now,
            run_id,
            run_id,
        ],
    )
    finding_id = int(cursor.fetchone()[0])
    db.execute(
        "INSERT INTO finding_runs (run_id, finding_id, verdict, score) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(run_id, finding_id) DO UPDATE SET verdict = excluded.verdict, "
        "score = excluded.score",
        [run_id, finding_id, verdict, score],
    )
    return finding_id


def finding_groups(report: PageReport) -> list[tuple[str, list[str]]]:
    """The findings a report produces: ``[(brand, [e164, ...]), ...]``.

    One per brand the page is about (``report.brands`` plus any brand a number is shown
    for), each listing the numbers shown for that brand; each finding carries that brand's
    verdict, score and reasons (``report.findings``), or the page's when there is none. No brand but some numbers → one finding with brand ``''``
    and all the numbers. No brand and no number → no finding.
    """
    brands: list[str] = list(dict.fromkeys([*report.brands, *_number_brands(report.numbers)]))
    if not brands:
        numbers = list(dict.fromkeys(n.e164 for n in report.numbers))
        return [("", numbers)] if numbers else []
    return [
        (brand, list(dict.fromkeys(n.e164 for n in report.numbers if n.brand == brand)))
        for brand in brands
    ]


def _number_brands(numbers: Iterable[NumberReport]) -> list[str]:
    return [n.brand for n in numbers if n.brand]


def sighting_id(page_id: int, e164: str, source: str, start: int, end: int, raw: str) -> str:
    """The deterministic id of a sighting: the same place on the same page, the same id."""
    key = "\x1f".join([str(page_id), e164, source, str(start), str(end), raw])
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


# --- helpers ----------------------------------------------------------------------------------


def _compress(body: bytes, maxsize: int | None) -> tuple[str, bytes | None]:
    digest = hashlib.sha256(body).hexdigest()
    if maxsize is not None and len(body) > maxsize:
        return digest, None
    return digest, zlib.compress(body, BODY_COMPRESSION_LEVEL)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_COLUMNS.intersection(row):
        if isinstance(row[key], str):
            row[key] = json.loads(row[key])
    return row


def _first(rows: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    return next(iter(rows), None)


def _where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    pairs = [(column, value) for column, value in filters.items() if value is not None]
    if not pairs:
        return "", []
    return "WHERE " + " AND ".join(f"{c} = ?" for c, _ in pairs), [v for _, v in pairs]


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


# --- run history: what each run saw -----------------------------------------------------------


def _record_run_numbers(
    db: sqlite_utils.Database,
    run_id: int,
    page_id: int,
    report: PageReport,
    finding_ids: Sequence[int],
) -> None:
    """Remember which numbers ``run_id`` saw on the page and which each finding showed."""
    db.execute("DELETE FROM number_runs WHERE run_id = ? AND page_id = ?", [run_id, page_id])
    judged = {number.e164: number for number in report.numbers}
    for e164 in dict.fromkeys([*(s.e164 for s in report.sightings), *judged]):
        judgement = judged.get(e164)
        status, brand = (judgement.status, judgement.brand) if judgement else (None, None)
        db.execute(
            "INSERT INTO number_runs (run_id, page_id, e164, status, brand) VALUES (?, ?, ?, ?, ?)",
            [run_id, page_id, e164, status, brand],
        )
    for finding_id, (_, numbers) in zip(finding_ids, finding_groups(report), strict=True):
        db.execute(
            "UPDATE finding_runs SET numbers = ? WHERE run_id = ? AND finding_id = ?",
            [_dumps(numbers), run_id, finding_id],
        )


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
