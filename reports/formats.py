"""One entry point for ``scamlines report``: rows from the store, rendered in a format."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.store import utc_now

from .rows import Filters, Progress, build_rows

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = ["FORMATS", "Rendered", "render_report"]

FORMATS = ("csv", "jsonl", "html", "md", "misp")


@dataclass(frozen=True)
class Rendered:
    """A rendered report, how many rows (MISP: events) and findings it holds."""

    text: str
    count: int
    findings: int = 0


def render_report(
    store: Store,
    output_format: str,
    filters: Filters,
    *,
    group: str = "run",
    on_read: Progress | None = None,
    on_written: Progress | None = None,
) -> Rendered:
    """The report of the findings passing ``filters``. ``group`` applies to MISP only.

    ``on_read(done, total)`` is called as findings are read from the store, then
    ``on_written(done, total)`` as they are written (the report's own text is the same
    with or without them). Each format's module (and PyMISP) is imported only when that
    format is asked for.
    """
    rows = build_rows(store, filters, on_read)
    findings = len({row.finding_id for row in rows})
    if output_format in ("csv", "jsonl"):
        from .exports import write_csv, write_jsonl

        stream = io.StringIO(newline="")
        (write_csv if output_format == "csv" else write_jsonl)(rows, stream, on_written)
        return Rendered(stream.getvalue(), len(rows), findings)
    if output_format in ("html", "md"):
        from .html import ReportInfo, render_html
        from .markdown import render_markdown

        info = ReportInfo(generated_at=utc_now(), store=store.path.name, filters=filters.describe())
        if output_format == "md":
            return Rendered(render_markdown(rows, info, on_written), len(rows), findings)
        from .screenshots import PageShots

        shots = PageShots(store, {row.page_id for row in rows})
        return Rendered(render_html(rows, info, shots, on_written), len(rows), findings)
    if output_format == "misp":
        from .misp import build_events, exported_findings, write_events

        runs = {run["id"]: run for run in store.runs()}
        events = build_events(rows, runs, group=group, on_progress=on_written)
        stream = io.StringIO()
        write_events(events, stream)
        return Rendered(stream.getvalue(), len(events), exported_findings(rows))
    raise ValueError(f"format must be one of {FORMATS}, not {output_format!r}")
