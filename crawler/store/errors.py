"""The one error the store raises, and the one-line explanations it carries."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """The database cannot be used: not SQLite, not ours, newer than us, locked, unwritable."""


def _explain(path: Path, err: sqlite3.DatabaseError) -> str:
    text = str(err)
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return f"{path}: not an SQLite database or corrupt ({text})"
    if "locked" in text or "busy" in text:
        return f"{path}: database is locked by another process (is another crawl writing to it?)"
    if "readonly" in text or "unable to open" in text:
        return f"{path}: cannot write the database ({text})"
    return f"{path}: {text}"
