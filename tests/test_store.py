"""The store: schema, run lifecycle, recording pages, reads, and refusing bad files."""

from __future__ import annotations

import re
import sqlite3
import zlib
from pathlib import Path

import pytest

import allowlist
import detector
from crawler.store import (
    MIGRATIONS,
    TABLES,
    FetchRecord,
    Store,
    StoreError,
    finding_groups,
    open_store,
    utc_now,
)
from detector.report import NumberReport, PageReport, Reason, Sighting

SITE = Path(__file__).parent / "site"
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with open_store(tmp_path / "store.db") as opened:
        yield opened


def fetch(url: str = "http://scam.example/contact", body: bytes = b"<html>call</html>", **kw):
    values = {
        "url": url,
        "final_url": url,
        "status": 200,
        "body": body,
        "fetched_at": utc_now(),
        "content_type": "text/html",
        "headers": {"Content-Type": ["text/html"]},
        "redirect_chain": [{"url": url, "status": 200}],
        "host": "scam.example",
        "domain": "scam.example",
    }
    values.update(kw)
    return FetchRecord(**values)


def report(
    verdict: str = "flagged",
    brands: tuple[str, ...] = ("Amazon",),
    numbers: tuple[tuple[str, str | None], ...] = (("+18885550142", "Amazon"),),
) -> PageReport:
    sightings = [
        Sighting(
            raw="1-888-555-0142",
            e164=e164,
            region="US",
            type="toll_free",
            valid=True,
            source="text",
            start=10 + i,
            end=24 + i,
            context="call 1-888-555-0142 now",
        )
        for i, (e164, _) in enumerate(numbers)
    ]
    return PageReport(
        source="http://scam.example/contact",
        url="http://scam.example/contact",
        verdict=verdict,
        score=0.9,
        brands=list(brands),
        numbers=[
            NumberReport(
                raw="1-888-555-0142",
                e164=e164,
                type="toll_free",
                valid=True,
                status="unverified",
                brand=brand,
                count=1,
                context="call",
            )
            for e164, brand in numbers
        ],
        reasons=[Reason("unverified_number", "The number is not Amazon's.")],
        sightings=sightings,
        title="Amazon support",
        language="en",
        domain="scam.example",
    )


def count(store: Store, table: str) -> int:
    return next(store.db.query(f"SELECT count(*) AS n FROM {table}"))["n"]


# --- opening ------------------------------------------------------------------------------------


def test_open_creates_schema_in_wal_mode_with_busy_timeout(tmp_path: Path) -> None:
    with open_store(tmp_path / "new.db") as store:
        tables = set(store.db.table_names())
        assert set(TABLES) <= tables
        assert store.db.journal_mode == "wal"
        assert next(store.db.query("PRAGMA busy_timeout"))["timeout"] == 30000


def test_reopening_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    with open_store(path) as store:
        store.start_run("crawl", ["http://a.example/"], {})
    with open_store(path) as store:
        assert len(store.runs()) == 1
        # Each migration recorded once: reopening applies nothing again.
        assert count(store, "_sqlite_migrations") == len(MIGRATIONS._migrations)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not SQLite\n" * 200)
    with pytest.raises(StoreError, match="not an SQLite database or corrupt"):
        open_store(path)


def test_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    with open_store(path) as store:
        store.start_run("crawl", ["http://a.example/"], {})
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # smash the schema page after the header
    path.write_bytes(bytes(data))
    Path(str(path) + "-wal").unlink(missing_ok=True)
    with pytest.raises(StoreError, match=r"corrupt|not an SQLite"):
        open_store(path).runs()


def test_another_applications_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a scamlines database"):
        open_store(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    with open_store(path) as store:
        store.db["_sqlite_migrations"].insert(
            {"migration_set": "scamlines", "name": "9999_future", "applied_at": "2030"}
        )
    with pytest.raises(StoreError, match="newer scamlines"):
        open_store(path)


def test_directory_and_missing_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory"):
        open_store(tmp_path)
    with pytest.raises(StoreError, match="no such directory"):
        open_store(tmp_path / "missing" / "x.db")


def test_locked_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    open_store(path).close()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"), open_store(path, timeout=0.2) as store:
            store.start_run("crawl", ["http://a.example/"], {})
    finally:
        holder.rollback()
        holder.close()


# --- runs ---------------------------------------------------------------------------------------


def test_run_lifecycle(store: Store) -> None:
    al = allowlist.load()
    run_id = store.start_run("crawl", ["http://a.example/"], {"DEPTH_LIMIT": 2}, al, jobdir="/j")
    run = store.run(run_id)
    assert run["status"] == "running"
    assert run["seeds"] == ["http://a.example/"]
    assert run["settings"] == {"DEPTH_LIMIT": 2}
    assert run["allowlist_digest"] == al.digest
    assert run["allowlist_path"] == str(al.path)
    assert ISO_Z.match(run["started_at"])
    store.finish_run(run_id, "interrupted", {"pages": 3}, "shutdown")
    run = store.run(run_id)
    assert (run["status"], run["finish_reason"], run["stats"]) == (
        "interrupted",
        "shutdown",
        {"pages": 3},
    )
    assert ISO_Z.match(run["finished_at"])
    assert store.latest_run(jobdir="/j")["id"] == run_id
    store.resume_run(run_id)
    assert store.run(run_id)["status"] == "running"
    assert store.run(run_id)["finished_at"] is None
    store.mark_killed(run_id)
    assert store.run(run_id)["status"] == "interrupted"


def test_run_kind_and_status_are_checked(store: Store) -> None:
    with pytest.raises(ValueError, match="kind"):
        store.start_run("nap", [], {})
    run_id = store.start_run("scan", [], {})
    with pytest.raises(ValueError, match="status"):
        store.finish_run(run_id, "done", {})


# --- recording pages ----------------------------------------------------------------------------


def test_record_page_writes_every_table(store: Store) -> None:
    run_id = store.start_run("crawl", ["http://scam.example/"], {})
    body = b"<html>call Amazon 1-888-555-0142</html>"
    recorded = store.record_page(run_id, fetch(body=body), report())
    page = store.page("http://scam.example/contact")
    assert page["id"] == recorded.page_id
    assert (page["verdict"], page["brands"], page["title"]) == (
        "flagged",
        ["Amazon"],
        "Amazon support",
    )
    assert (page["first_run"], page["last_run"]) == (run_id, run_id)
    evidence = store.page_evidence(recorded.page_id)
    capture = evidence["captures"][0]
    assert capture["body"] == body
    assert capture["headers"] == {"Content-Type": ["text/html"]}
    assert capture["redirect_chain"] == [{"url": "http://scam.example/contact", "status": 200}]
    assert capture["size"] == len(body)
    stored = next(store.db.query("SELECT body FROM bodies"))["body"]
    assert zlib.decompress(stored) == body
    assert [s["e164"] for s in evidence["sightings"]] == ["+18885550142"]
    assert evidence["sightings"][0]["status"] == "unverified"
    assert store.numbers()[0]["type"] == "toll_free"
    finding = store.findings()[0]
    assert (finding["brand"], finding["numbers"], finding["status"]) == (
        "Amazon",
        ["+18885550142"],
        "new",
    )
    assert finding["reasons"] == [
        {"code": "unverified_number", "message": "The number is not Amazon's."}
    ]


def test_seeing_a_page_again_updates_instead_of_duplicating(store: Store) -> None:
    first = store.start_run("crawl", [], {})
    store.record_page(first, fetch(fetched_at="2026-11-01T00:00:00.000Z"), report())
    finding_id = store.findings()[0]["id"]
    store.set_finding_status(finding_id, "confirmed", "reported to host")
    second = store.start_run("crawl", [], {})
    store.record_page(second, fetch(fetched_at="2026-11-02T00:00:00.000Z"), report("suspicious"))
    assert count(store, "pages") == 1
    assert count(store, "captures") == 2
    assert count(store, "bodies") == 1  # same body, stored once
    assert count(store, "sightings") == 1
    assert count(store, "findings") == 1
    page = store.pages()[0]
    assert (page["first_seen"], page["last_seen"]) == (
        "2026-11-01T00:00:00.000Z",
        "2026-11-02T00:00:00.000Z",
    )
    assert (page["first_run"], page["last_run"], page["verdict"]) == (first, second, "suspicious")
    finding = store.findings()[0]
    assert (finding["status"], finding["note"]) == ("confirmed", "reported to host")
    assert (finding["first_run"], finding["last_run"]) == (first, second)
    assert [f["run_verdict"] for f in store.findings(run_id=first)] == ["flagged"]
    assert [f["run_verdict"] for f in store.findings(run_id=second)] == ["suspicious"]
    assert [p["run_verdict"] for p in store.pages(run_id=first)] == ["flagged"]
    assert store.findings(run_id=second, verdict="flagged") == []


def test_recording_twice_in_one_run_keeps_one_page_run(store: Store) -> None:
    run_id = store.start_run("crawl", [], {})
    store.record_page(run_id, fetch(), report())
    store.record_page(run_id, fetch(), report())
    assert count(store, "page_runs") == 1
    assert count(store, "finding_runs") == 1


def test_binary_page_is_recorded_without_findings(store: Store) -> None:
    run_id = store.start_run("crawl", [], {})
    store.record_page(
        run_id,
        fetch(
            url="http://a.example/app",
            body=bytes(range(256)),
            content_type="application/zip",
            note="not analysed: application/zip is not a web page",
        ),
        None,
    )
    page = store.pages()[0]
    assert page["verdict"] is None
    assert page["note"].startswith("not analysed")
    assert count(store, "findings") == 0
    assert store.pages(run_id=run_id)[0]["run_verdict"] is None


def test_oversized_bodies_are_hashed_not_stored(store: Store) -> None:
    store.body_maxsize = 10
    run_id = store.start_run("crawl", [], {})
    recorded = store.record_page(run_id, fetch(body=b"x" * 100), None)
    capture = store.page_evidence(recorded.page_id)["captures"][0]
    assert capture["body"] is None
    assert capture["size"] == 100
    assert len(capture["body_sha256"]) == 64
    assert count(store, "bodies") == 0


def test_recorded_in_run_lists_what_a_resume_can_replay(store: Store) -> None:
    run_id = store.start_run("crawl", [], {})
    other = store.start_run("crawl", [], {})
    store.record_page(
        run_id,
        fetch(url="http://a.example/old", final_url="http://a.example/new", status=200),
        None,
    )
    store.record_page(other, fetch(url="http://a.example/elsewhere"), None)
    recorded = store.recorded_in_run(run_id)
    assert list(recorded) == ["http://a.example/old"]
    entry = recorded["http://a.example/old"]
    assert entry["final_url"] == "http://a.example/new"
    assert store.body(entry["body_sha256"]) == b"<html>call</html>"


def test_batch_is_one_transaction(store: Store) -> None:
    run_id = store.start_run("crawl", [], {})
    batch = [(fetch(url=f"http://a.example/{i}"), report()) for i in range(5)]
    batch.append((fetch(url="http://a.example/bad", status="not a number"), None))
    store.db.execute(
        "CREATE TRIGGER no_bad BEFORE INSERT ON captures WHEN NEW.status = 'not a number' "
        "BEGIN SELECT RAISE(ABORT, 'bad status'); END"
    )
    with pytest.raises(StoreError):
        store.record_pages(run_id, batch)
    assert count(store, "pages") == 0  # nothing half-written


# --- findings rule ------------------------------------------------------------------------------


def test_finding_groups_rule() -> None:
    assert finding_groups(report(brands=("Amazon",))) == [("Amazon", ["+18885550142"])]
    assert finding_groups(report(brands=(), numbers=(("+18885550142", None),))) == [
        ("", ["+18885550142"])
    ]
    assert finding_groups(report(brands=(), numbers=())) == []
    two = report(brands=("HP",), numbers=(("+18885550142", "HP"), ("+18775550199", "Canon")))
    assert finding_groups(two) == [("HP", ["+18885550142"]), ("Canon", ["+18775550199"])]


def test_real_detector_report_round_trips(store: Store) -> None:
    html = (SITE / "amazon-care-helpdesk.blogspot.com" / "contact.html").read_bytes()
    url = "http://amazon-care-helpdesk.blogspot.com/contact.html"
    page_report = detector.analyze(html, url=url, allowlist=allowlist.load())
    run_id = store.start_run("crawl", [url], {})
    store.record_page(run_id, fetch(url=url, body=html), page_report)
    found = store.findings(run_id=run_id)
    assert {f["brand"] for f in found} == {"Amazon"}
    assert found[0]["verdict"] == page_report.verdict
    e164s = {s["e164"] for s in store.sightings(found[0]["page_id"])}
    assert "+18885550142" in e164s
