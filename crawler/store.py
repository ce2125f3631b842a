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
    db["runs"].create(
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
    db["pages"].create(
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
    db["pages"].create_index(["url"], unique=True)
    db["pages"].create_index(["domain"])
    db["pages"].create_index(["verdict"])
    db["bodies"].create(
        {"sha256": str, "body": bytes, "size": int, "content_type": str}, pk="sha256"
    )
    db["captures"].create(
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
    db["captures"].create_index(["page_id"])
    db["numbers"].create(
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
    db["sightings"].create(
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
    db["sightings"].create_index(["page_id"])
    db["sightings"].create_index(["e164"])
    db["findings"].create(
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
    db["findings"].create_index(["page_id", "brand"], unique=True)
    db["findings"].create_index(["verdict"])
    db["page_runs"].create(
        {"run_id": int, "page_id": int, "verdict": str, "capture_id": int},
        pk=("run_id", "page_id"),
        foreign_keys=[
            ("run_id", "runs", "id"),
            ("page_id", "pages", "id"),
            ("capture_id", "captures", "id"),
        ],
    )
    db["finding_runs"].create(
        {"run_id": int, "finding_id": int, "verdict": str, "score": float},
        pk=("run_id", "finding_id"),
        foreign_keys=[("run_id", "runs", "id"), ("finding_id", "findings", "id")],
    )


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
            return int(db["runs"].insert(row).last_pk)

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

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        try:
            rows = list(self.db.query(sql, list(params)))
        except sqlite3.DatabaseError as err:
            raise StoreError(_explain(self.path, err)) from err
        return (_decode(row) for row in rows)


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
        number = judged.get(sighting.e164)
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
            "status": number.status if number else None,
            "brand": number.brand if number else None,
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
    reasons = _dumps([{"code": r.code, "message": r.message} for r in report.reasons])
    cursor = db.execute(
        "INSERT INTO findings (page_id, brand, verdict, score, reasons, numbers, first_seen, "
        "last_seen, first_run, last_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(page_id, brand) DO UPDATE SET verdict = excluded.verdict, "
        "score = excluded.score, reasons = excluded.reasons, numbers = excluded.numbers, "
        "last_seen = excluded.last_seen, last_run = excluded.last_run RETURNING id",
        [
            page_id,
            brand,
            report.verdict,
            report.score,
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
        [run_id, finding_id, report.verdict, report.score],
    )
    return finding_id


def finding_groups(report: PageReport) -> list[tuple[str, list[str]]]:
    """The findings a report produces: ``[(brand, [e164, ...]), ...]``.

    One per brand the page is about (``report.brands`` plus any brand a number is shown
    for), each listing the numbers shown for that brand; every finding carries the page's
    verdict, score and reasons. No brand but some numbers → one finding with brand ``''``
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
