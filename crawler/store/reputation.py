"""Where a number was flagged before, kept as an aggregate so a look-up costs the same at 1k
and at 50k stored pages.

A page "flags" a number when a run judges the page ``flagged`` and shows the number as
unverified or invalid. :func:`mark_page` records that once per page, number and brand
(``flag_marks``, with the first run that did) and counts it in ``number_flags``: per number,
brand, domain and first run, how many marks and how many distinct pages; and in
``number_totals``: the same per number, brand and domain across every run, with the first and
the last run that counts (the watermark) and the marks of the first. A look-up
(:func:`reputation_rows`) asked for runs before one past the watermark (a crawl's usual case)
reads only the totals (rows: brands x domains, never runs or pages) and takes the asking page's
own marks back out; asked about an older point in time, or when the asking page holds the only
marks of the first run (its date is then another run's), it reads the per-run counters of those
numbers. A false-positive decision changes which pages count, so triage calls :func:`refresh`
for the numbers concerned.

The semantics are those of the query this replaced (kept in ``tests/test_store_reputation.py``
as the reference): earlier runs only, other pages only, dismissed page-number pairs never.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils

__all__ = ["backfill", "backfill_totals", "mark_page", "refresh", "reputation_rows"]

_BAD = "('unverified', 'invalid')"

#: The page-number pair is covered by a false-positive decision still in force.
_DISMISSED = (
    "EXISTS (SELECT 1 FROM false_positives fp JOIN findings f ON f.id = fp.finding_id "
    "WHERE fp.page_id = {page} AND fp.e164 = {e164} AND f.status = 'false_positive')"
)


def mark_page(db: sqlite_utils.Database, run_id: int, page_id: int) -> None:
    """Count what ``run_id`` saw on ``page_id`` (already in ``page_runs``/``number_runs``)."""
    rows = db.execute(
        "SELECT nr.e164, coalesce(nr.brand, '') FROM number_runs nr JOIN page_runs pr "
        "ON pr.run_id = nr.run_id AND pr.page_id = nr.page_id WHERE nr.run_id = ? "
        f"AND nr.page_id = ? AND pr.verdict = 'flagged' AND nr.status IN {_BAD}",
        [run_id, page_id],
    ).fetchall()
    for e164, brand in rows:
        _mark(db, run_id, page_id, e164, brand)


def _mark(db: sqlite_utils.Database, run_id: int, page_id: int, e164: str, brand: str) -> None:
    marks = db.execute(
        "SELECT brand, domain, first_run FROM flag_marks WHERE e164 = ? AND page_id = ?",
        [e164, page_id],
    ).fetchall()
    mine = next((m for m in marks if m[0] == brand), None)
    if mine is not None:
        if mine[2] > run_id:  # an older run recorded after a newer one (rare): recount exactly
            db.execute(
                "UPDATE flag_marks SET first_run = ? WHERE e164 = ? AND page_id = ? AND brand = ?",
                [run_id, e164, page_id, brand],
            )
            refresh(db, [e164])
        return
    if marks:  # the page already counts for this number: this mark only adds a brand
        domain, counted = marks[0][1], 0
    else:
        found = db.execute("SELECT coalesce(domain, '') FROM pages WHERE id = ?", [page_id])
        domain, counted = found.fetchone()[0], 1
    db.execute(
        "INSERT INTO flag_marks (e164, page_id, brand, domain, first_run, counted) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [e164, page_id, brand, domain, run_id, counted],
    )
    dismissed = _DISMISSED.format(page="?", e164="?")
    if db.execute(f"SELECT {dismissed}", [page_id, e164]).fetchone()[0]:
        return
    db.execute(
        "INSERT INTO number_flags (e164, brand, domain, first_run, marks, pages, since) "
        "VALUES (?, ?, ?, ?, 1, ?, (SELECT started_at FROM runs WHERE id = ?)) "
        "ON CONFLICT(e164, brand, domain, first_run) DO UPDATE SET marks = marks + 1, "
        "pages = pages + excluded.pages",
        [e164, brand, domain, run_id, counted, run_id],
    )
    db.execute(  # SET reads the row as it was: each CASE sees the old first_run
        "INSERT INTO number_totals (e164, brand, domain, marks, pages, since, first_run, "
        "first_marks, last_run) VALUES (?, ?, ?, 1, ?, (SELECT started_at FROM runs WHERE id = ?), "
        "?, 1, ?) ON CONFLICT(e164, brand, domain) DO UPDATE SET marks = marks + 1, "
        "pages = pages + excluded.pages, "
        "since = CASE WHEN excluded.first_run < first_run THEN excluded.since ELSE since END, "
        "first_marks = CASE WHEN excluded.first_run < first_run THEN 1 "
        "WHEN excluded.first_run = first_run THEN first_marks + 1 ELSE first_marks END, "
        "first_run = min(first_run, excluded.first_run), "
        "last_run = max(last_run, excluded.last_run)",
        [e164, brand, domain, counted, run_id, run_id, run_id],
    )


def refresh(db: sqlite_utils.Database, e164s: Iterable[str] | None = None) -> None:
    """Recount ``number_flags`` and ``number_totals`` from ``flag_marks`` for ``e164s``
    (None: every number)."""
    chosen = _refresh_flags(db, e164s)
    if chosen is not None:
        _refresh_totals(db, *chosen)


def _chosen(e164s: Iterable[str] | None) -> tuple[str, list[str]] | None:
    """``(SQL condition, parameters)`` for ``e164s``; None when there are none."""
    if e164s is None:
        return "1", []
    params = sorted(set(e164s))
    return (f"e164 IN ({', '.join('?' for _ in params)})", params) if params else None


def _refresh_flags(
    db: sqlite_utils.Database, e164s: Iterable[str] | None
) -> tuple[str, list[str]] | None:
    found = _chosen(e164s)
    if found is None:
        return None
    chosen, params = found
    mine = "1" if chosen == "1" else f"m.{chosen}"
    db.execute(f"DELETE FROM number_flags WHERE {chosen}", params)
    dismissed = _DISMISSED.format(page="m.page_id", e164="m.e164")
    db.execute(
        "INSERT INTO number_flags (e164, brand, domain, first_run, marks, pages, since) "
        "SELECT m.e164, m.brand, m.domain, m.first_run, count(*), sum(m.counted), r.started_at "
        f"FROM flag_marks m JOIN runs r ON r.id = m.first_run WHERE {mine} "
        f"AND NOT {dismissed} GROUP BY m.e164, m.brand, m.domain, m.first_run",
        params,
    )
    return chosen, params


def _refresh_totals(db: sqlite_utils.Database, chosen: str, params: list[str]) -> None:
    db.execute(f"DELETE FROM number_totals WHERE {chosen}", params)
    mine = "1" if chosen == "1" else f"f.{chosen}"
    db.execute(
        "INSERT INTO number_totals (e164, brand, domain, marks, pages, since, first_run, "
        "first_marks, last_run) SELECT t.e164, t.brand, t.domain, t.marks, t.pages, f.since, "
        "t.first_run, f.marks, t.last_run FROM (SELECT e164, brand, domain, sum(marks) AS marks, "
        "sum(pages) AS pages, min(first_run) AS first_run, max(first_run) AS last_run "
        f"FROM number_flags f WHERE {mine} GROUP BY e164, brand, domain) t "
        "JOIN number_flags f ON f.e164 = t.e164 AND f.brand = t.brand AND f.domain = t.domain "
        "AND f.first_run = t.first_run",
        params,
    )


def backfill_totals(db: sqlite_utils.Database) -> None:
    """Build ``number_totals`` from ``number_flags`` (the migration that adds it)."""
    _refresh_totals(db, "1", [])


def backfill(db: sqlite_utils.Database) -> None:
    """Build both tables from the run history (the migration that adds them)."""
    db.execute(
        "INSERT OR IGNORE INTO flag_marks (e164, page_id, brand, domain, first_run, counted) "
        "SELECT nr.e164, nr.page_id, coalesce(nr.brand, ''), coalesce(p.domain, ''), "
        "min(nr.run_id), 0 FROM number_runs nr JOIN page_runs pr ON pr.run_id = nr.run_id "
        "AND pr.page_id = nr.page_id JOIN pages p ON p.id = nr.page_id "
        f"WHERE pr.verdict = 'flagged' AND nr.status IN {_BAD} "
        "GROUP BY nr.e164, nr.page_id, coalesce(nr.brand, '')"
    )
    # One counting mark per page and number: the earliest (then the first brand).
    db.execute(
        "UPDATE flag_marks SET counted = 1 WHERE rowid IN (SELECT (SELECT m2.rowid FROM "
        "flag_marks m2 WHERE m2.e164 = m.e164 AND m2.page_id = m.page_id "
        "ORDER BY m2.first_run, m2.brand LIMIT 1) FROM flag_marks m GROUP BY m.e164, m.page_id)"
    )
    # A page's marks share one domain, so a brand-only mark never adds a domain.
    db.execute(
        "UPDATE flag_marks SET domain = (SELECT m2.domain FROM flag_marks m2 "
        "WHERE m2.e164 = flag_marks.e164 AND m2.page_id = flag_marks.page_id AND m2.counted = 1)"
    )
    _refresh_flags(db, None)
    if "number_totals" in db.table_names():  # not yet while migration 0005 runs
        backfill_totals(db)


def reputation_rows(
    db: sqlite_utils.Database, e164s: list[str], *, before_run: int, exclude_url: str
) -> list[dict[str, Any]]:
    """``[{e164, brand, domain, pages, since}]``: per number, brand and domain, the pages
    flagged by runs before ``before_run``, the page at ``exclude_url`` taken out."""
    marks = ", ".join("?" for _ in e164s)
    totals: dict[tuple[str, str, str], list[Any]] = {}
    per_run: set[str] = set()  # numbers the totals cannot answer for
    for e164, brand, domain, n_marks, pages, since, first_run, first_marks, last_run in db.execute(
        "SELECT e164, brand, domain, marks, pages, since, first_run, first_marks, last_run "
        f"FROM number_totals WHERE e164 IN ({marks}) AND first_run < ?",
        [*e164s, before_run],
    ):
        if last_run >= before_run:
            per_run.add(e164)
        totals[(e164, brand, domain)] = [n_marks, pages, since, first_run, first_marks]
    for e164, brand, domain, first_run, counted in _own_marks(db, e164s, before_run, exclude_url):
        row = totals.get((e164, brand, domain))
        if row is None:
            continue
        row[0] -= 1
        row[1] -= counted
        if first_run == row[3]:
            row[4] -= 1
            if row[4] <= 0 and row[0] > 0:  # the first run's date was this page's alone
                per_run.add(e164)
    rows = [
        {"e164": e164, "brand": brand or None, "domain": domain or None, "pages": pages,
         "since": since}
        for (e164, brand, domain), (n_marks, pages, since, _, _) in sorted(totals.items())
        if n_marks > 0 and e164 not in per_run
    ]  # fmt: skip
    if per_run:
        rows += _per_run_rows(db, sorted(per_run), before_run, exclude_url)
    return sorted(rows, key=lambda r: (r["e164"], r["since"]))


def _own_marks(
    db: sqlite_utils.Database, e164s: list[str], before_run: int, exclude_url: str
) -> list[tuple[str, str, str, int, int]]:
    """The marks of the page at ``exclude_url`` that count before ``before_run``."""
    marks = ", ".join("?" for _ in e164s)
    dismissed = _DISMISSED.format(page="m.page_id", e164="m.e164")
    return db.execute(
        # The page first (one index look-up), then its marks by primary key: never the
        # number's marks on every page.
        "SELECT m.e164, m.brand, m.domain, m.first_run, m.counted FROM flag_marks m "
        f"WHERE m.page_id = (SELECT id FROM pages WHERE url = ?) AND m.e164 IN ({marks}) "
        f"AND m.first_run < ? AND NOT {dismissed}",
        [exclude_url, *e164s, before_run],
    ).fetchall()


def _per_run_rows(
    db: sqlite_utils.Database, e164s: list[str], before_run: int, exclude_url: str
) -> list[dict[str, Any]]:
    """:func:`reputation_rows` from the per-run counters: exact at any point in time."""
    marks = ", ".join("?" for _ in e164s)
    counts: dict[tuple[str, str, str, int], list[Any]] = {}
    for e164, brand, domain, first_run, n_marks, pages, since in db.execute(
        "SELECT e164, brand, domain, first_run, marks, pages, since FROM number_flags "
        f"WHERE e164 IN ({marks}) AND first_run < ?",
        [*e164s, before_run],
    ):
        counts[(e164, brand, domain, first_run)] = [n_marks, pages, since]
    for *key, counted in _own_marks(db, e164s, before_run, exclude_url):
        own = counts.get(tuple(key))  # type: ignore[arg-type]
        if own is not None:
            own[0] -= 1
            own[1] -= counted
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for (e164, brand, domain, _), (n_marks, pages, since) in sorted(counts.items()):
        if n_marks <= 0:
            continue
        row = merged.setdefault(
            (e164, brand, domain),
            {"e164": e164, "brand": brand or None, "domain": domain or None, "pages": 0,
             "since": since},
        )  # fmt: skip
        row["pages"] += pages
        row["since"] = min(row["since"], since)
    return list(merged.values())
