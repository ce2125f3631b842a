"""One entry point for ``scamlines report``: rows from the store, rendered in a format."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.store import utc_now

from .rows import Filters, build_rows

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = ["FORMATS", "Rendered", "render_report"]

FORMATS = ("csv", "jsonl", "html", "md", "misp")


@dataclass(frozen=True)
class Rendered:
    """A rendered report and how many rows (MISP: events) it holds."""

    text: str
    count: int


def render_report(
    store: Store, output_format: str, filters: Filters, *, group: str = "run"
) -> Rendered:
    """The report of the findings passing ``filters``. ``group`` applies to MISP only.

    Each format's module (and PyMISP) is imported only when that format is asked for.
    """
    rows = build_rows(store, filters)
    if output_format in ("csv", "jsonl"):
        from .exports import write_csv, write_jsonl

        stream = io.StringIO(newline="")
        (write_csv if output_format == "csv" else write_jsonl)(rows, stream)
        return Rendered(stream.getvalue(), len(rows))
    if output_format in ("html", "md"):
        from .html import ReportInfo, render_html
        from .markdown import render_markdown

        info = ReportInfo(generated_at=utc_now(), store=store.path.name, filters=filters.describe())
        if output_format == "md":
            return Rendered(render_markdown(rows, info), len(rows))
        from .screenshots import page_shots

        shots = page_shots(store, {row.page_id for row in rows})
        return Rendered(render_html(rows, info, shots), len(rows))
    if output_format == "misp":
        from .misp import build_events, write_events

        events = build_events(rows, {run["id"]: run for run in store.runs()}, group=group)
        stream = io.StringIO()
        write_events(events, stream)
        return Rendered(stream.getvalue(), len(events))
    raise ValueError(f"format must be one of {FORMATS}, not {output_format!r}")
