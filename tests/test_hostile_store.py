"""A hostile store (issue 16, items 6 and 14): a database damaged in the middle or locked by
another process. Every command says so and exits 2 (a crawl too), with no traceback and no
silent partial output. Each case runs the CLI in a subprocess.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from crawlhelp import REPO
from hostile import cli

SITE = REPO / "examples" / "site"
COMMANDS = [
    ["report", "--format", "csv"],
    ["report", "--format", "md"],
    ["numbers"],
    ["diff"],
    ["triage", "1", "--status", "confirmed"],
    ["crawl", str(SITE), "--quiet"],
]


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "healthy.db"
    result = cli("crawl", str(SITE), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def _damaged(healthy: Path, folder: Path, table: str) -> Path:
    """A copy of the store with the root page of ``table`` overwritten."""
    db = folder / "damaged.db"
    shutil.copy(healthy, db)
    with sqlite3.connect(healthy) as conn:
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
    with db.open("r+b") as file:
        file.seek((root - 1) * size)
        file.write(b"\xa5" * size)
    return db


@pytest.mark.parametrize("table", ["findings", "triage", "numbers"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:3]).replace("/", ""))
def test_a_damaged_store_is_refused_by_every_command(healthy: Path, tmp_path: Path,
                                                     table: str, command: list[str]) -> None:
    db = _damaged(healthy, tmp_path, table)
    result = cli(*command, "--db", str(db))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "the database is corrupt" in result.stderr


def test_triage_on_a_locked_store_says_it_waits(healthy: Path, tmp_path: Path) -> None:
    # Another process holds the write lock for a few seconds (a crawl's batch, a long scan).
    db = tmp_path / "locked.db"
    shutil.copy(healthy, db)
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    release = threading.Timer(4, lambda: conn.execute("COMMIT"))
    release.start()
    try:
        started = time.monotonic()
        result = cli("triage", "1", "--status", "confirmed", "--db", str(db), timeout=60)
    finally:
        release.join()
        conn.close()
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "another process is writing to the database; waiting for it" in result.stderr
    assert 3 < time.monotonic() - started < 30
