"""The store's schema: its tables, the values some columns may hold, and the migrations.

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
``screenshots``
    What a browser showed of a capture (``viewport`` and ``full_page`` PNGs, stored in
    ``bodies`` by SHA-256), with the time each was taken. ``captures.text_source`` says what
    the detector judged (``served``, ``rendered`` or ``document``), ``captures.rendered_sha256``
    the rendered DOM's body, ``sightings.doc_page`` the PDF page a number was printed on.
``discovery_runs`` and ``discoveries``
    ``scamlines discover``: each search run (provider, settings, per-query outcomes, the
    crawl it handed its URLs to), and each candidate URL found (normalised, one row per URL
    across queries and runs: the query, brand, provider and rank that first found it, first
    and last seen, how many times any query returned it).

``flag_marks`` and ``number_flags``
    Where each number was flagged (page, brand, first run), and the same counted per number,
    brand, domain and run: what "already flagged on N other pages" reads, at a cost that does
    not grow with the store (:mod:`crawler.store.reputation`).

A new table or column is a new migration at the end of this file; applied ones never change.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

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
    "flag_marks",
    "number_flags",
    "screenshots",
)

JSON_COLUMNS = frozenset(
    {"seeds", "settings", "stats", "headers", "redirect_chain", "reasons", "numbers", "brands"}
)

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


@MIGRATIONS(name="0005_number_reputation")
def _m0005_number_reputation(db: sqlite_utils.Database) -> None:
    # "Where was this number flagged before?" used to read every earlier sighting of the
    # number, once per flagged page: quadratic in the store. Two tables make it constant per
    # page (crawler/store/reputation.py keeps them as pages are recorded):
    # ``flag_marks``: each page-number-brand that some run judged flagged, once, with the
    # first such run (so "earlier runs only" stays exact); ``counted``: the first mark of its
    # page and number, the one that counts the page.
    db.table("flag_marks").create(
        {
            "e164": str,
            "page_id": int,
            "brand": str,
            "domain": str,
            "first_run": int,
            "counted": int,
        },
        pk=("e164", "page_id", "brand"),
        foreign_keys=[("page_id", "pages", "id"), ("first_run", "runs", "id")],
    )
    db.table("flag_marks").create_index(["page_id"])
    # ``number_flags``: per number, brand, domain and first run: how many marks and pages
    # (not dismissed as false positives); read by Store.number_reputation with one index range.
    db.table("number_flags").create(
        {
            "e164": str,
            "brand": str,
            "domain": str,
            "first_run": int,
            "marks": int,
            "pages": int,
            "since": str,
        },
        pk=("e164", "brand", "domain", "first_run"),
    )
    from crawler.store.reputation import backfill

    backfill(db)
@MIGRATIONS(name="0006_renders")
def _m0006_renders(db: sqlite_utils.Database) -> None:
    # What the detector judged for each capture: the HTML as served, the DOM a browser
    # rendered (stored as a body too, by SHA-256), or the text of a PDF document.
    db.table("captures").add_column("text_source", str)
    db.table("captures").add_column("rendered_sha256", str)
    # The PDF page a sighting was printed on (documents only).
    db.table("sightings").add_column("doc_page", int)
    # Screenshots are evidence: the PNG is a row of ``bodies`` (by SHA-256, like any body);
    # this table links it to the capture it shows, with the time it was taken.
    db.table("screenshots").create(
        {
            "id": int,
            "capture_id": int,
            "page_id": int,
            "run_id": int,
            "kind": str,
            "sha256": str,
            "captured_at": str,
            "width": int,
            "height": int,
            "size": int,
        },
        pk="id",
        not_null={"capture_id", "page_id", "kind", "sha256", "captured_at"},
        foreign_keys=[
            ("capture_id", "captures", "id"),
            ("page_id", "pages", "id"),
            ("run_id", "runs", "id"),
        ],
    )
    db.table("screenshots").create_index(["page_id"])
    db.table("screenshots").create_index(["capture_id", "kind"], unique=True)


@MIGRATIONS(name="0007_number_reputation_totals")
def _m0007_number_reputation_totals(db: sqlite_utils.Database) -> None:
    # number_flags has a row per run that flagged a number: a store of many runs made each
    # look-up read many rows. ``number_totals``: the same counters across every run, per
    # number, brand and domain, with the first run (its date and marks) and the last (the
    # watermark: a look-up for runs after it reads this row alone).
    db.table("number_totals").create(
        {
            "e164": str,
            "brand": str,
            "domain": str,
            "marks": int,
            "pages": int,
            "since": str,
            "first_run": int,
            "first_marks": int,
            "last_run": int,
        },
        pk=("e164", "brand", "domain"),
    )
    from crawler.store.reputation import backfill_totals

    backfill_totals(db)
