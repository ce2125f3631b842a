"""The scamlines store: one SQLite file holding runs, pages, evidence, numbers and findings.

This package is the only place SQL lives. Crawls write through :class:`Store`; ``reports/``
and the ``scan``/``diff`` commands read through its read methods. Nothing here imports
Scrapy, so the store can be used (and tested) on its own::

    from crawler.store import open_store

    with open_store("scamlines.db") as store:
        for finding in store.findings(verdict="flagged"):
            print(finding["brand"], finding["url"], finding["numbers"])

Where things are:

``schema.py``
    The tables (described there), run kinds and statuses, finding statuses, and the
    migrations that create them.
``connect.py``
    :func:`open_store`: opening, creating or migrating a file, WAL mode; ``errors.py``:
    :class:`StoreError` and its one-line explanations.
``facade.py``
    :class:`Store`, made of one mixin per file below on ``base.py``'s shared connection
    (``_writing`` for a transaction, ``_rows`` for a query).
``runs.py``
    Starting, finishing, resuming and looking up runs.
``record.py``
    The write path of a crawled page: body, page, capture, numbers and sightings, findings
    (:func:`finding_groups`, :func:`sighting_id`) and what the run saw. :class:`FetchRecord`
    goes in, :class:`RecordedPage` comes out.
``rescan.py``
    What a rescan re-judges (``rescan_targets``) and recording its reports.
``pages.py``, ``findings.py``, ``numbers.py``, ``evidence.py``
    Reads: pages; findings and an analyst's triage; numbers, where they were flagged and
    which were dismissed; bodies, sightings and a page's evidence for a takedown.
``takedowns.py``
    Recording and listing takedown notices.
``history.py``
    What each run saw, for ``scan``/``diff``: the runs to compare, their pages, findings,
    numbers, and what earlier runs had seen.
``discoveries.py``
    ``scamlines discover``'s search runs and candidate URLs.
``values.py``
    Timestamps (:func:`utc_now`, :func:`format_time`), JSON columns and small row helpers.

Timestamps are UTC ISO 8601 with milliseconds and a ``Z``. JSON columns are returned decoded.
"""

from __future__ import annotations

from crawler.store.connect import open_store
from crawler.store.errors import StoreError
from crawler.store.facade import Store
from crawler.store.record import (
    BODY_COMPRESSION_LEVEL,
    FetchRecord,
    RecordedPage,
    finding_groups,
    sighting_id,
)
from crawler.store.renders import Screenshot
from crawler.store.schema import (
    FINDING_STATUSES,
    JSON_COLUMNS,
    MIGRATIONS,
    RUN_KINDS,
    RUN_STATUSES,
    TABLES,
)
from crawler.store.values import format_time, utc_now

__all__ = [
    "BODY_COMPRESSION_LEVEL",
    "FINDING_STATUSES",
    "JSON_COLUMNS",
    "MIGRATIONS",
    "RUN_KINDS",
    "RUN_STATUSES",
    "TABLES",
    "FetchRecord",
    "RecordedPage",
    "Screenshot",
    "Store",
    "StoreError",
    "finding_groups",
    "format_time",
    "open_store",
    "sighting_id",
    "utc_now",
]
