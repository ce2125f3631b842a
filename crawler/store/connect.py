"""Opening a store: creating or migrating the file, WAL mode, and refusing files it cannot use."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

from crawler.store.errors import StoreError, _explain
from crawler.store.facade import Store
from crawler.store.schema import MIGRATIONS, TABLES


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
    store = Store(db, path)
    store.timeout = timeout
    return store


def _prepare(db: sqlite_utils.Database, path: Path) -> None:
    names = set(db.table_names())
    if names:
        _check_integrity(db, path)
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


def _check_integrity(db: sqlite_utils.Database, path: Path) -> None:
    """Refuse a store damaged anywhere, before any command reads or writes it.

    SQLite reports a damaged page only when a query touches it: a report that never reads
    the broken table would exit 0 with a silently partial export, a crawl fail halfway.
    ``quick_check`` reads every page once (linear in the file's size; it skips the index
    cross-checks of ``integrity_check``) and stops at the first problem.
    """
    row = db.execute("PRAGMA quick_check(1)").fetchone()
    if row is None or row[0] != "ok":
        detail = row[0] if row else "no answer"
        raise StoreError(f"{path}: the database is corrupt ({detail}); restore it from a "
                         "backup, or try `sqlite3 DB .recover`")
