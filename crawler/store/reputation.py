"""Where a number was flagged before, kept as an aggregate so a look-up costs the same at 1k
and at 50k stored pages.

A page "flags" a number when a run judges the page ``flagged`` and shows the number as
unverified or invalid. :func:`mark_page` records that once per page, number and brand
(``flag_marks``, with the first run that did) and counts it in ``number_flags``: per number,
brand, domain and first run, how many marks and how many distinct pages. A look-up
(:func:`reputation_rows`) reads only those counters (rows: brands x domains x runs, never
pages) and takes the asking page's own marks back out. A false-positive decision changes which
pages count, so triage calls :func:`refresh` for the numbers concerned.

The semantics are those of the query this replaced (kept in ``tests/test_store_reputation.py``
as the reference): earlier runs only, other pages only, dismissed page-number pairs never.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils

__all__ = ["backfill", "mark_page", "refresh", "reputation_rows"]

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


def refresh(db: sqlite_utils.Database, e164s: Iterable[str] | None = None) -> None:
    """Recount ``number_flags`` from ``flag_marks`` for ``e164s`` (None: every number)."""
    chosen, params = "1", []
    if e164s is not None:
        params = sorted(set(e164s))
        if not params:
            return
        chosen = f"e164 IN ({', '.join('?' for _ in params)})"
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
    refresh(db)


def reputation_rows(
    db: sqlite_utils.Database, e164s: list[str], *, before_run: int, exclude_url: str
) -> list[dict[str, Any]]:
    """``[{e164, brand, domain, pages, since}]``: per number, brand and domain, the pages
    flagged by runs before ``before_run``, the page at ``exclude_url`` taken out."""
    marks = ", ".join("?" for _ in e164s)
    counts: dict[tuple[str, str, str, int], list[Any]] = {}
    for e164, brand, domain, first_run, n_marks, pages, since in db.execute(
        "SELECT e164, brand, domain, first_run, marks, pages, since FROM number_flags "
        f"WHERE e164 IN ({marks}) AND first_run < ?",
        [*e164s, before_run],
    ):
        counts[(e164, brand, domain, first_run)] = [n_marks, pages, since]
    dismissed = _DISMISSED.format(page="m.page_id", e164="m.e164")
    for *key, counted in db.execute(
        "SELECT m.e164, m.brand, m.domain, m.first_run, m.counted FROM flag_marks m "
        f"JOIN pages p ON p.id = m.page_id WHERE p.url = ? AND m.e164 IN ({marks}) "
        f"AND m.first_run < ? AND NOT {dismissed}",
        [exclude_url, *e164s, before_run],
    ):
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
    return sorted(merged.values(), key=lambda r: (r["e164"], r["since"]))
