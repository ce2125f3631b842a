"""How values go into and come out of rows.

Timestamps are UTC ISO 8601 with milliseconds and a ``Z`` (:func:`utc_now`,
:func:`format_time`); JSON columns (:data:`~crawler.store.schema.JSON_COLUMNS`) are written
with :func:`_dumps` and returned decoded by :func:`_decode`. The rest are small helpers the
query modules share.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from crawler.store.schema import JSON_COLUMNS


def utc_now() -> str:
    """The current time as ``2026-11-22T10:15:00.123Z``."""
    return format_time(dt.datetime.now(dt.UTC))


def format_time(moment: dt.datetime) -> str:
    """``moment`` (aware, any zone) as UTC ISO 8601 with milliseconds and ``Z``."""
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_COLUMNS.intersection(row):
        if isinstance(row[key], str):
            row[key] = json.loads(row[key])
    return row


def _first(rows: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    return next(iter(rows), None)


def _where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    pairs = [(column, value) for column, value in filters.items() if value is not None]
    if not pairs:
        return "", []
    return "WHERE " + " AND ".join(f"{c} = ?" for c, _ in pairs), [v for _, v in pairs]


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
