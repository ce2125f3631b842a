"""The flat exports: CSV for spreadsheets, JSON Lines for scripts. One line per report row."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO

from .csvsafe import write_rows
from .rows import COLUMNS, FindingTally, Progress, ReportRow

__all__ = ["write_csv", "write_jsonl"]


def write_csv(
    rows: Sequence[ReportRow], stream: IO[str], on_progress: Progress | None = None
) -> None:
    """CSV with a header of :data:`~reports.rows.COLUMNS`; lists are joined with ``;``.

    Cells that could start a spreadsheet formula are prefixed with ``'`` (see
    :mod:`reports.csvsafe`), which includes every E.164 number. ``on_progress`` counts
    the findings written.
    """
    records = (row.record() for row in FindingTally(rows, on_progress).each(rows))
    write_rows(stream, COLUMNS, ([record[c] for c in COLUMNS] for record in records))


def write_jsonl(
    rows: Sequence[ReportRow], stream: IO[str], on_progress: Progress | None = None
) -> None:
    """One JSON object per row, keys in :data:`~reports.rows.COLUMNS` order, plain values."""
    for row in FindingTally(rows, on_progress).each(rows):
        stream.write(json.dumps(row.record(), ensure_ascii=False) + "\n")
