"""Rendered pages, documents and screenshots: the evidence a browser or a PDF adds to a capture.

Written in the same transaction as the capture (:func:`record_extras`, called by
:mod:`crawler.store.record`): which text the detector judged (``captures.text_source``), the
rendered DOM (a body, ``captures.rendered_sha256``), the PDF page of each sighting
(``sightings.doc_page``) and the screenshots (PNG bodies by SHA-256, linked to the capture in
``screenshots``). The read side (:class:`RendersMixin`) finds them for reports, takedown
packages and ``show``.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.store.base import StoreBase
from crawler.store.values import _first

if TYPE_CHECKING:
    from collections.abc import Callable

    import sqlite_utils

    from detector.report import PageReport

    #: ``sighting_id(page_id, e164, source, start, end, raw)`` (crawler.store.record's).
    SightingKey = Callable[[int, str, str, int, int, str], str]

__all__ = ["TEXT_SOURCES", "RendersMixin", "Screenshot", "record_extras"]

#: What the detector judged: the body as served, the DOM after rendering, a PDF's text.
TEXT_SOURCES = ("served", "rendered", "document")


@dataclass(frozen=True, slots=True)
class Screenshot:
    """One PNG a browser took of a page: ``viewport`` or ``full_page`` (height-capped)."""

    kind: str
    png: bytes
    captured_at: str
    width: int = 0
    height: int = 0

    @property
    def sha256(self) -> str:
        import hashlib

        return hashlib.sha256(self.png).hexdigest()


def record_extras(
    db: sqlite_utils.Database,
    run_id: int,
    page_id: int,
    capture_id: int,
    fetch: Any,
    report: PageReport | None,
    sighting_key: SightingKey,
) -> None:
    """Write what rendering or document reading added to one capture.

    ``fetch`` is the :class:`~crawler.store.record.FetchRecord` being recorded;
    ``sighting_key`` is :func:`~crawler.store.record.sighting_id` (passed in, so this module
    and the one that calls it do not import each other).
    """
    rendered = None
    if fetch.rendered is not None:
        rendered = _put_body(db, fetch.rendered, "text/html; charset=utf-8")
    if fetch.text_source is not None or rendered is not None:
        db.execute(
            "UPDATE captures SET text_source = ?, rendered_sha256 = ? WHERE id = ?",
            [fetch.text_source, rendered, capture_id],
        )
    for shot in fetch.screenshots:
        digest = _put_body(db, shot.png, "image/png")
        db.execute(
            "INSERT INTO screenshots (capture_id, page_id, run_id, kind, sha256, captured_at, "
            "width, height, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(capture_id, kind) DO NOTHING",
            [capture_id, page_id, run_id, shot.kind, digest, shot.captured_at, shot.width,
             shot.height, len(shot.png)],
        )
    if report is not None and fetch.doc_pages:
        _record_doc_pages(db, page_id, report, list(fetch.doc_pages), sighting_key)


def _put_body(db: sqlite_utils.Database, data: bytes, content_type: str) -> str:
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    db.execute(
        "INSERT INTO bodies (sha256, body, size, content_type) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(sha256) DO NOTHING",
        [digest, zlib.compress(data, 1), len(data), content_type],
    )
    return digest


def _record_doc_pages(
    db: sqlite_utils.Database, page_id: int, report: PageReport, pages: list[str],
    sighting_id: SightingKey,
) -> None:
    from crawler.documents import locate_pages  # a pure text function, no I/O

    texts = sorted((s for s in report.sightings if s.source == "text"), key=lambda s: s.start)
    for sighting, doc_page in zip(texts, locate_pages([s.raw for s in texts], pages),
                                  strict=True):
        if doc_page is None:
            continue
        key = sighting_id(page_id, sighting.e164, sighting.source, sighting.start, sighting.end,
                          sighting.raw)
        db.execute("UPDATE sightings SET doc_page = ? WHERE id = ?", [doc_page, key])


class RendersMixin(StoreBase):
    """Screenshots and rendered text, for reports, takedowns and ``show``."""

    def screenshots(self, page_id: int, *, capture_id: int | None = None) -> list[dict[str, Any]]:
        """The page's screenshots, newest capture first (``kind``, ``sha256``,
        ``captured_at``, ``capture_id``, size); ``capture_id`` limits them to one capture."""
        sql = "SELECT * FROM screenshots WHERE page_id = ?"
        params: list[Any] = [page_id]
        if capture_id is not None:
            sql += " AND capture_id = ?"
            params.append(capture_id)
        return list(self._rows(sql + " ORDER BY capture_id DESC, kind DESC", params))

    def latest_screenshot(self, page_id: int, kind: str = "viewport") -> dict[str, Any] | None:
        """The newest screenshot of ``kind`` of a page, with its PNG as ``png``, or None."""
        row = _first(self._rows(
            "SELECT s.*, b.body FROM screenshots s JOIN bodies b ON b.sha256 = s.sha256 "
            "WHERE s.page_id = ? AND s.kind = ? ORDER BY s.capture_id DESC LIMIT 1",
            [page_id, kind]))
        if row is None:
            return None
        row["png"] = zlib.decompress(row.pop("body"))
        return row

    def text_source(self, page_id: int) -> str | None:
        """What the detector judged in the page's latest capture (None: not recorded)."""
        row = _first(self._rows(
            "SELECT text_source FROM captures WHERE page_id = ? ORDER BY id DESC LIMIT 1",
            [page_id]))
        return row["text_source"] if row else None
