"""What every part of :class:`~crawler.store.facade.Store` shares: the connection, its path,
a transaction to write in and a query to read with.

Each method module (runs, record, pages, ...) defines a mixin on :class:`StoreBase`, so each
sees ``db``, ``path``, :meth:`StoreBase._writing` and :meth:`StoreBase._rows`, and the type
checker can check it on its own.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Self

import sqlite_utils

from crawler.store.errors import StoreError, _explain
from crawler.store.values import _decode


class StoreBase:
    """The connection and the two ways to use it; see :class:`~crawler.store.facade.Store`."""

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

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict[str, Any]]:
        try:
            rows = list(self.db.query(sql, list(params)))
        except sqlite3.DatabaseError as err:
            raise StoreError(_explain(self.path, err)) from err
        return (_decode(row) for row in rows)
