"""The Datasette metadata shipped for analysts: every canned query runs on a real store and
answers what its title says; every table is described. No Datasette needed: plain sqlite3."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from scanhelp import DELTA_N1, DELTA_N2, N1, N2, N3, UNITED_N1, A, B, C, page, run

from crawler.scans.triage import triage
from crawler.store import TABLES, open_store

METADATA = Path(__file__).parent.parent / "crawler" / "data" / "datasette-metadata.json"


@pytest.fixture(scope="module")
def metadata() -> dict[str, Any]:
    return json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["scamlines"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four scans: B gone in scan 2 and back in 3; N1 for two brands; C a false positive."""
    path = tmp_path_factory.mktemp("datasette") / "scamlines.db"
    with open_store(path) as store:
        run(store, {A: DELTA_N1, B: DELTA_N2, C: UNITED_N1})
        run(store, {A: DELTA_N1, C: UNITED_N1})
        run(store, {A: DELTA_N1, B: DELTA_N2, C: UNITED_N1})
        triage(store, next(f["id"] for f in store.findings() if f["url"] == C),
               "false_positive", "a reseller")  # fmt: skip
        run(store, {A: DELTA_N1, B: DELTA_N2, C: page("United Airlines", N1, N3)})
    return path


def execute(db: Path, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Run a canned query; its :named parameters default to "" (as Datasette's empty form)."""
    values = dict.fromkeys(re.findall(r"(?<!:):(\w+)", sql), "") | params
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(sql, values)]
    finally:
        conn.close()


def test_every_canned_query_runs(db: Path, metadata: dict[str, Any]) -> None:
    assert len(metadata["queries"]) >= 3
    for name, query in metadata["queries"].items():
        assert query["title"] and query["description"], name
        execute(db, query["sql"])  # raises on any SQL error


def test_new_flagged_today(db: Path, metadata: dict[str, Any]) -> None:
    found = execute(db, metadata["queries"]["new_flagged_today"]["sql"])
    # C is a false positive: not listed even though it is flagged again.
    assert sorted(row["url"] for row in found) == [A, B]


def test_numbers_on_more_than_one_brand(db: Path, metadata: dict[str, Any]) -> None:
    found = execute(db, metadata["queries"]["numbers_on_more_than_one_brand"]["sql"])
    assert [(row["e164"], row["brand_count"], row["pages"]) for row in found] == [(N1, 2, 2)]


def test_findings_back_after_being_gone(db: Path, metadata: dict[str, Any]) -> None:
    found = execute(db, metadata["queries"]["findings_back_after_being_gone"]["sql"])
    assert [(row["url"], row["scans_missed"]) for row in found] == [(B, 1)]


def test_number_clusters_and_false_positives(db: Path, metadata: dict[str, Any]) -> None:
    clusters = execute(db, metadata["queries"]["number_clusters"]["sql"])
    assert [row["e164"] for row in clusters] == [N1]
    dismissed = execute(db, metadata["queries"]["dismissed_false_positives"]["sql"])
    assert [(row["url"], row["e164"], row["note"]) for row in dismissed] == [(C, N1, "a reseller")]
    latest = execute(db, metadata["queries"]["latest_scan_flagged"]["sql"])
    assert {row["url"] for row in latest} == {A, B, C}
    assert {N2} <= {n for row in latest for n in json.loads(row["numbers"])}


def test_every_table_is_described(db: Path, metadata: dict[str, Any]) -> None:
    tables = {row["name"] for row in execute(db, "SELECT name FROM sqlite_master "
                                             "WHERE type = 'table' AND name NOT LIKE '\\_%' "
                                             "ESCAPE '\\' AND name NOT LIKE 'sqlite%'")}  # fmt: skip
    assert set(TABLES) <= tables
    assert set(metadata["tables"]) == tables
    assert all(table["description"] for table in metadata["tables"].values())


def test_page_evidence_is_readable(db: Path, metadata: dict[str, Any]) -> None:
    found = execute(db, metadata["queries"]["page_evidence"]["sql"], url="united-care")
    assert {row["url"] for row in found} == {C}
    assert {row["e164"] for row in found} == {N1, N3}
    assert all(isinstance(row["context"], str) and row["context"] for row in found)
    assert all(row["read_the_text_with"] == f"scamlines show page:{row['page_id']} --body"
               for row in found)  # fmt: skip
    assert len(execute(db, metadata["queries"]["page_evidence"]["sql"])) > len(found)
