"""Recording a crawled page: the write path of every fetch.

:meth:`RecordMixin.record_pages` writes a batch of fetches in one transaction; for each,
:func:`_record` stores the body (once per SHA-256), upserts the page, adds a capture, and,
when the detector judged it, upserts its numbers and sightings (:func:`_record_numbers`), its
findings (:func:`_upsert_finding`, one per group of :func:`finding_groups`) and what the run
saw (``page_runs``, ``finding_runs``, ``number_runs``). A rescan reuses the numbers and
findings half of this path (:mod:`crawler.store.rescan`).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlite_utils

from crawler.store.base import StoreBase
from crawler.store.renders import Screenshot, record_extras
from crawler.store.reputation import mark_page
from crawler.store.values import _dumps

if TYPE_CHECKING:
    from detector.report import NumberReport, PageReport

#: zlib level for stored bodies: 6 costs ~3x level 1's CPU for ~10 % smaller HTML.
BODY_COMPRESSION_LEVEL = 1


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """What the crawler knows about one fetch, independent of Scrapy.

    ``url`` is the URL as requested (before redirects); ``redirect_chain`` lists each hop as
    ``{"url", "status"}`` ending with the final response. ``note`` says why a page was not
    analysed (binary body, …). ``body`` is the decoded (decompressed) body.
    """

    url: str
    final_url: str
    status: int
    body: bytes
    fetched_at: str
    headers: dict[str, list[str]] = field(default_factory=dict)
    content_type: str | None = None
    redirect_chain: list[dict[str, Any]] = field(default_factory=list)
    depth: int = 0
    priority: int = 0
    cached: bool = False
    note: str | None = None
    host: str | None = None
    domain: str | None = None
    #: What the detector judged: ``served``, ``rendered`` or ``document`` (None: nothing).
    text_source: str | None = None
    rendered: bytes | None = None  #: the DOM after rendering, when the page was rendered
    screenshots: tuple[Screenshot, ...] = ()
    doc_pages: tuple[str, ...] = ()  #: a PDF's text, page by page (for sightings.doc_page)
    render_limits: tuple[tuple[str, str], ...] = ()  #: render limits hit: (code, detail)
    #: The body was cut at the crawl's size cap (DOWNLOAD_MAXSIZE): only its beginning is here.
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class RecordedPage:
    """Ids written by :meth:`Store.record_page`."""

    page_id: int
    capture_id: int
    finding_ids: tuple[int, ...] = ()


class RecordMixin(StoreBase):
    """Recording fetches (and the detector's reports on them)."""

    def record_page(
        self, run_id: int, fetch: FetchRecord, report: PageReport | None
    ) -> RecordedPage:
        """Record one fetch (and the detector's report on it, or None) in one transaction."""
        return self.record_pages(run_id, [(fetch, report)])[0]

    def record_pages(
        self, run_id: int, batch: Sequence[tuple[FetchRecord, PageReport | None]]
    ) -> list[RecordedPage]:
        """Record several fetches in one transaction (bodies are compressed beforehand)."""
        prepared = [
            (fetch, report, _compress(fetch.body, self.body_maxsize)) for fetch, report in batch
        ]
        with self._writing() as db:
            return [
                _record(db, run_id, fetch, report, digest, blob)
                for fetch, report, (digest, blob) in prepared
            ]


def _compress(body: bytes, maxsize: int | None) -> tuple[str, bytes | None]:
    digest = hashlib.sha256(body).hexdigest()
    if maxsize is not None and len(body) > maxsize:
        return digest, None
    return digest, zlib.compress(body, BODY_COMPRESSION_LEVEL)


# --- writing one page -------------------------------------------------------------------------


def _record(
    db: sqlite_utils.Database,
    run_id: int,
    fetch: FetchRecord,
    report: PageReport | None,
    digest: str,
    blob: bytes | None,
) -> RecordedPage:
    now = fetch.fetched_at
    # (A status that is not a number is left for SQLite's own checks to refuse.)
    if isinstance(fetch.status, int) and fetch.status >= 400:
        report = None  # an HTTP error page is recorded, never judged (it is gone, not clean)
    if blob is not None:
        db.execute(
            "INSERT INTO bodies (sha256, body, size, content_type) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(sha256) DO NOTHING",
            [digest, blob, len(fetch.body), fetch.content_type],
        )
    page_id = _upsert_page(db, run_id, fetch, report, digest)
    capture_id = _insert_capture(db, run_id, page_id, fetch, digest)
    verdict = report.verdict if report is not None else None
    db.execute(
        "INSERT INTO page_runs (run_id, page_id, verdict, capture_id) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(run_id, page_id) DO UPDATE SET verdict = excluded.verdict, "
        "capture_id = excluded.capture_id",
        [run_id, page_id, verdict, capture_id],
    )
    if report is None:
        record_extras(db, run_id, page_id, capture_id, fetch, report, sighting_id)
        return RecordedPage(page_id, capture_id)
    _record_numbers(db, run_id, page_id, report, now)
    record_extras(db, run_id, page_id, capture_id, fetch, report, sighting_id)
    finding_ids = tuple(
        _upsert_finding(db, run_id, page_id, report, brand, numbers, now)
        for brand, numbers in finding_groups(report)
    )
    _record_run_numbers(db, run_id, page_id, report, finding_ids)
    if verdict == "flagged":
        mark_page(db, run_id, page_id)
    return RecordedPage(page_id, capture_id, finding_ids)


_PAGE_COLUMNS = (
    "url",
    "final_url",
    "host",
    "domain",
    "status",
    "content_type",
    "title",
    "language",
    "body_sha256",
    "verdict",
    "score",
    "brands",
    "note",
    "fetched_at",
    "depth",
    "priority",
)


def _upsert_page(
    db: sqlite_utils.Database,
    run_id: int,
    fetch: FetchRecord,
    report: PageReport | None,
    digest: str,
) -> int:
    values = {
        "url": fetch.url,
        "final_url": fetch.final_url,
        "host": fetch.host,
        "domain": (report.domain if report is not None else None) or fetch.domain,
        "status": fetch.status,
        "content_type": fetch.content_type,
        "title": report.title if report is not None else None,
        "language": report.language if report is not None else None,
        "body_sha256": digest,
        "verdict": report.verdict if report is not None else None,
        "score": report.score if report is not None else None,
        "brands": _dumps(list(report.brands)) if report is not None else None,
        "note": fetch.note,
        "fetched_at": fetch.fetched_at,
        "depth": fetch.depth,
        "priority": fetch.priority,
    }
    columns = ", ".join(_PAGE_COLUMNS)
    marks = ", ".join(f":{c}" for c in _PAGE_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _PAGE_COLUMNS if c != "url")
    # depth/priority keep the first crawl's values only when this fetch did not know better.
    sql = (
        f"INSERT INTO pages ({columns}, first_seen, last_seen, first_run, last_run) "
        f"VALUES ({marks}, :now, :now, :run, :run) "
        f"ON CONFLICT(url) DO UPDATE SET {updates}, last_seen = :now, last_run = :run "
        "RETURNING id"
    )
    cursor = db.execute(sql, {**values, "now": fetch.fetched_at, "run": run_id})
    return int(cursor.fetchone()[0])


def _insert_capture(
    db: sqlite_utils.Database, run_id: int, page_id: int, fetch: FetchRecord, digest: str
) -> int:
    cursor = db.execute(
        "INSERT INTO captures (page_id, run_id, fetched_at, final_url, status, headers, "
        "redirect_chain, body_sha256, size, cached) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            page_id,
            run_id,
            fetch.fetched_at,
            fetch.final_url,
            fetch.status,
            _dumps(fetch.headers),
            _dumps(fetch.redirect_chain),
            digest,
            len(fetch.body),
            int(fetch.cached),
        ],
    )
    return int(cursor.lastrowid or 0)


_NUMBER_UPSERT = (
    "INSERT INTO numbers (e164, type, region, valid, first_seen, last_seen, first_run, last_run) "
    "VALUES (:e164, :type, :region, :valid, :now, :now, :run, :run) "
    "ON CONFLICT(e164) DO UPDATE SET type = excluded.type, "
    "region = coalesce(excluded.region, region), valid = excluded.valid, "
    "last_seen = excluded.last_seen, last_run = excluded.last_run"
)

_SIGHTING_UPSERT = (
    'INSERT INTO sightings (id, page_id, run_id, e164, raw, source, start, "end", context, '
    "status, brand, obfuscated, first_seen, last_seen, first_run, last_run) "
    "VALUES (:id, :page_id, :run, :e164, :raw, :source, :start, :end, :context, :status, "
    ":brand, :obfuscated, :now, :now, :run, :run) "
    "ON CONFLICT(id) DO UPDATE SET run_id = excluded.run_id, context = excluded.context, "
    "status = excluded.status, brand = excluded.brand, last_seen = excluded.last_seen, "
    "last_run = excluded.last_run"
)


def _record_numbers(
    db: sqlite_utils.Database, run_id: int, page_id: int, report: PageReport, now: str
) -> None:
    stamp = {"now": now, "run": run_id}
    numbers: dict[str, dict[str, Any]] = {}
    for sighting in report.sightings:
        numbers.setdefault(
            sighting.e164,
            {
                "e164": sighting.e164,
                "type": sighting.type,
                "region": sighting.region,
                "valid": int(sighting.valid),
            },
        )
    judged = {number.e164: number for number in report.numbers}
    for number in judged.values():
        row = numbers.setdefault(number.e164, {"e164": number.e164, "region": None})
        row.update(type=number.type, valid=int(number.valid))
    for row in numbers.values():
        db.execute(_NUMBER_UPSERT, {**row, **stamp})
    for sighting in report.sightings:
        judgement = judged.get(sighting.e164)
        row = {
            "id": sighting_id(
                page_id, sighting.e164, sighting.source, sighting.start, sighting.end, sighting.raw
            ),
            "page_id": page_id,
            "e164": sighting.e164,
            "raw": sighting.raw,
            "source": sighting.source,
            "start": sighting.start,
            "end": sighting.end,
            "context": sighting.context,
            "status": judgement.status if judgement else None,
            "brand": judgement.brand if judgement else None,
            "obfuscated": int(sighting.obfuscated),
        }
        db.execute(_SIGHTING_UPSERT, {**row, **stamp})


def _upsert_finding(
    db: sqlite_utils.Database,
    run_id: int,
    page_id: int,
    report: PageReport,
    brand: str,
    numbers: list[str],
    now: str,
) -> int:
    # Each brand gets its own verdict when the detector gave one (a page can abuse one brand
    # and quote another's real number); the brand-less finding takes the page's.
    judged = next((f for f in report.findings if f.brand == brand), None)
    verdict, score, reason_list = (
        (judged.verdict, judged.score, judged.reasons) if judged
        else (report.verdict, report.score, report.reasons))
    reasons = _dumps([{"code": r.code, "message": r.message} for r in reason_list])
    cursor = db.execute(
        "INSERT INTO findings (page_id, brand, verdict, score, reasons, numbers, first_seen, "
        "last_seen, first_run, last_run) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(page_id, brand) DO UPDATE SET verdict = excluded.verdict, "
        "score = excluded.score, reasons = excluded.reasons, numbers = excluded.numbers, "
        "last_seen = excluded.last_seen, last_run = excluded.last_run RETURNING id",
        [
            page_id,
            brand,
            verdict,
            score,
            reasons,
            _dumps(numbers),
            now,
            now,
            run_id,
            run_id,
        ],
    )
    finding_id = int(cursor.fetchone()[0])
    db.execute(
        "INSERT INTO finding_runs (run_id, finding_id, verdict, score) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(run_id, finding_id) DO UPDATE SET verdict = excluded.verdict, "
        "score = excluded.score",
        [run_id, finding_id, verdict, score],
    )
    return finding_id


def finding_groups(report: PageReport) -> list[tuple[str, list[str]]]:
    """The findings a report produces: ``[(brand, [e164, ...]), ...]``.

    One per brand the page is about (``report.brands`` plus any brand a number is shown
    for), each listing the numbers shown for that brand; each finding carries that brand's
    verdict, score and reasons (``report.findings``), or the page's when there is none. No brand but some numbers → one finding with brand ``''``
    and all the numbers. No brand and no number → no finding.
    """
    brands: list[str] = list(dict.fromkeys([*report.brands, *_number_brands(report.numbers)]))
    if not brands:
        numbers = list(dict.fromkeys(n.e164 for n in report.numbers))
        return [("", numbers)] if numbers else []
    return [
        (brand, list(dict.fromkeys(n.e164 for n in report.numbers if n.brand == brand)))
        for brand in brands
    ]


def _number_brands(numbers: Iterable[NumberReport]) -> list[str]:
    return [n.brand for n in numbers if n.brand]


def sighting_id(page_id: int, e164: str, source: str, start: int, end: int, raw: str) -> str:
    """The deterministic id of a sighting: the same place on the same page, the same id."""
    key = "\x1f".join([str(page_id), e164, source, str(start), str(end), raw])
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


# --- run history: what each run saw -----------------------------------------------------------


def _record_run_numbers(
    db: sqlite_utils.Database,
    run_id: int,
    page_id: int,
    report: PageReport,
    finding_ids: Sequence[int],
) -> None:
    """Remember which numbers ``run_id`` saw on the page and which each finding showed."""
    db.execute("DELETE FROM number_runs WHERE run_id = ? AND page_id = ?", [run_id, page_id])
    judged = {number.e164: number for number in report.numbers}
    for e164 in dict.fromkeys([*(s.e164 for s in report.sightings), *judged]):
        judgement = judged.get(e164)
        status, brand = (judgement.status, judgement.brand) if judgement else (None, None)
        db.execute(
            "INSERT INTO number_runs (run_id, page_id, e164, status, brand) VALUES (?, ?, ?, ?, ?)",
            [run_id, page_id, e164, status, brand],
        )
    for finding_id, (_, numbers) in zip(finding_ids, finding_groups(report), strict=True):
        db.execute(
            "UPDATE finding_runs SET numbers = ? WHERE run_id = ? AND finding_id = ?",
            [_dumps(numbers), run_id, finding_id],
        )
