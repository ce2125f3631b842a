"""What every part of :class:`~crawler.store.facade.Store` shares: the connection, its path,
a transaction to write in and a query to read with.

Each method module (runs, record, pages, ...) defines a mixin on :class:`StoreBase`, so each
sees ``db``, ``path``, :meth:`StoreBase._writing` and :meth:`StoreBase._rows`, and the type
checker can check it on its own.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Self

import sqlite_utils

from crawler.store.errors import StoreError, _explain
from crawler.store.values import _decode

logger = logging.getLogger(__name__)

#: Seconds a write waits for the lock before saying that it waits.
WAIT_QUIETLY = 1.0


class StoreBase:
    """The connection and the two ways to use it; see :class:`~crawler.store.facade.Store`."""

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.path = path
        #: Bodies larger than this are hashed and measured but not stored (None: no limit).
        self.body_maxsize: int | None = None
        #: SQLite's busy timeout, seconds: how long a write waits for another writer.
        self.timeout = 30.0

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
            if self.db.conn.in_transaction:  # nested: a savepoint in the open transaction
                with self.db.atomic():
                    yield self.db
                return
            self._begin_immediate()
            try:
                yield self.db
            except BaseException:
                self.db.conn.rollback()
                raise
            self.db.conn.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            raise StoreError(_explain(self.path, err)) from err

    def _begin_immediate(self) -> None:
        """Take the write lock now, saying so when another process holds it.

        SQLite waits for a lock in silence for the whole busy timeout (30 s by default):
        ``triage`` looked hung. So the first second is tried quietly, then a warning says
        who waits for what, and the rest of the timeout is waited (then ``locked``).
        """
        conn, timeout = self.db.conn, self.timeout
        quiet = min(WAIT_QUIETLY, timeout)
        conn.execute(f"PRAGMA busy_timeout = {int(quiet * 1000)}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if timeout <= quiet or not any(w in str(err) for w in ("locked", "busy")):
                raise
            logger.warning("%s: another process is writing to the database; waiting for "
                           "it up to %.0f s", self.path, timeout)
            conn.execute(f"PRAGMA busy_timeout = {int((timeout - quiet) * 1000)}")
            conn.execute("BEGIN IMMEDIATE")
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        try:
            rows = list(self.db.query(sql, list(params)))
        except sqlite3.DatabaseError as err:
            raise StoreError(_explain(self.path, err)) from err
        return (_decode(row) for row in rows)
