"""Bad input and unusable databases: a clear message and exit status 2, never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from crawlhelp import EXAMPLES, REPO, query, run_scamlines

pytestmark = pytest.mark.slow


def assert_usage_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_corrupt_database(tmp_path: Path) -> None:
    db = tmp_path / "corrupt.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    result = run_scamlines("crawl", str(EXAMPLES), "--db", str(db), "--quiet")
    assert_usage_error(result, str(db), "not an SQLite database or corrupt")


def test_not_a_database(tmp_path: Path) -> None:
    db = tmp_path / "notes.txt"
    db.write_text("my notes\n" * 100)
    result = run_scamlines("crawl", str(EXAMPLES), "--db", str(db), "--quiet")
    assert_usage_error(result, "not an SQLite database")


def test_locked_database(tmp_path: Path) -> None:
    db = tmp_path / "locked.db"
    first = run_scamlines("crawl", str(EXAMPLES), "--db", str(db), "--quiet")
    assert first.returncode == 0, first.stderr
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_scamlines(
            "crawl", str(EXAMPLES), "--db", str(db), "--quiet", "--set", "SCAMLINES_DB_TIMEOUT=0.5"
        )
    finally:
        holder.rollback()
        holder.close()
    assert_usage_error(result, "locked")


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ("examples.com", "did you mean https://examples.com/"),
        ("gopher://old.example/", "only http(s) URLs and local files"),
        ("no-such-folder", "no such file or folder"),
    ],
)
def test_bad_seed(tmp_path: Path, seed: str, message: str) -> None:
    result = run_scamlines("crawl", seed, "--db", str(tmp_path / "x.db"), cwd=tmp_path)
    assert_usage_error(result, message)
    assert not (tmp_path / "x.db").exists()  # nothing created for a crawl that never started


def test_missing_seeds_is_a_usage_error(tmp_path: Path) -> None:
    result = run_scamlines("crawl", "--db", str(tmp_path / "x.db"))
    assert_usage_error(result, "give at least one SEED")


def test_bad_allow_host(tmp_path: Path) -> None:
    result = run_scamlines("crawl", str(EXAMPLES), "--allow-host", "http://x/", "--db", "x.db")
    assert_usage_error(result, "--allow-host")


def test_bad_allowlist(tmp_path: Path) -> None:
    broken = tmp_path / "allowlist"
    broken.mkdir()
    (broken / "acme.toml").write_text('name = "Acme"\n[[numbers]]\nnumber = "not a number"\n')
    result = run_scamlines(
        "crawl", str(EXAMPLES), "--allowlist", str(broken), "--db", str(tmp_path / "x.db")
    )
    assert_usage_error(result, "acme.toml")


def test_two_crawls_of_the_same_seeds_cannot_overlap(tmp_path: Path) -> None:
    from filelock import FileLock

    from crawler.runner import job_dir
    from crawler.seeds import parse_seeds

    db = tmp_path / "busy.db"
    jobdir = job_dir(db, parse_seeds([str(EXAMPLES)]))
    jobdir.parent.mkdir(parents=True)
    with FileLock(str(jobdir) + ".lock"):  # what a running crawl holds
        result = run_scamlines("crawl", str(EXAMPLES), "--db", str(db), cwd=REPO)
    assert_usage_error(result, "another crawl of the same seeds")
    assert [row["status"] for row in query(db, "SELECT status FROM runs")] == []
