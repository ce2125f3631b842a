"""CSV that is safe to open in a spreadsheet (OWASP "CSV Injection", CWE-1236).

Excel and LibreOffice evaluate a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula, and scam pages choose their own titles, URLs and text. Such a
cell gets a leading ``'``, which spreadsheets read as "this is text". The price: every E.164
number starts with ``+``, so phone numbers read ``'+18885550142`` in the CSV (JSON Lines and
MISP carry the plain E.164 for machines).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

__all__ = ["FORMULA_STARTS", "safe_cell", "write_rows"]

#: First characters a spreadsheet treats as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """``value`` as CSV cell text, prefixed with ``'`` when it could start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = ";".join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_rows(stream: IO[str], header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    """Write a header and rows, every cell through :func:`safe_cell` (header included)."""
    # QUOTE_MINIMAL plus "\r\n" line ends: what spreadsheets expect (RFC 4180).
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
