"""The scamlines store (being split into modules by what they do; see crawler/store/record.py)."""

from __future__ import annotations

from crawler.store.record import (
    BODY_COMPRESSION_LEVEL,
    FINDING_STATUSES,
    JSON_COLUMNS,
    MIGRATIONS,
    RUN_KINDS,
    RUN_STATUSES,
    TABLES,
    FetchRecord,
    RecordedPage,
    Store,
    StoreError,
    finding_groups,
    format_time,
    open_store,
    sighting_id,
    utc_now,
)

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
    "Store",
    "StoreError",
    "finding_groups",
    "format_time",
    "open_store",
    "sighting_id",
    "utc_now",
]
