"""The HTML report: one self-contained file with a sortable, filterable table.

Safety, because every string from a page is attacker-controlled:

- the template environment autoescapes everything (:mod:`reports.templating`); page text is
  never marked safe. The number is highlighted by splitting the context into three strings,
  each escaped, with ``<mark>`` written by the template between them;
- URLs are shown as text, never as links;
- a Content-Security-Policy allows only this file's own script and style (by SHA-256 hash)
  and nothing from anywhere else, so even an escaping bug could not load or run anything.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .context import split_context
from .rows import VERDICTS, FindingTally, Progress, ReportRow
from .templating import html_environment, template_source

__all__ = ["ReportInfo", "content_security_policy", "render_html"]


@dataclass(frozen=True)
class ReportInfo:
    """What the report header says about where the rows came from."""

    generated_at: str
    store: str
    filters: str


def render_html(rows: Sequence[ReportRow], info: ReportInfo,
                shots: Mapping[int, dict[str, Any]] | None = None,
                on_progress: Progress | None = None) -> str:
    """The complete HTML document. ``shots``: per page id, its screenshot and the text
    judged (:class:`reports.screenshots.PageShots`, read as the table is written); each
    page's screenshot is shown once, with its first finding row. ``on_progress`` counts the
    findings written."""
    script = template_source("report.js")
    style = template_source("report.css")
    template = html_environment().get_template("report.html")
    return template.render(
        info=info,
        rows=_Views(sorted(rows, key=_severity), shots or {}, on_progress),
        counts=_verdict_counts(rows),
        findings=len({row.finding_id for row in rows}),
        brands=sorted({row.brand for row in rows if row.brand}),
        statuses=sorted({row.status for row in rows}),
        csp=content_security_policy(script, style),
        # Our own files, copied verbatim: the CSP hashes must match them byte for byte.
        script=Markup(script),
        style=Markup(style),
    )


def content_security_policy(script: str, style: str) -> str:
    """Nothing may load; only the given inline script and style may run (by hash), and
    images only from ``data:`` URIs (the screenshots, embedded by us)."""
    return (
        "default-src 'none'; "
        f"script-src '{_csp_hash(script)}'; style-src '{_csp_hash(style)}'; "
        "img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _severity(row: ReportRow) -> tuple[int, float, int]:
    # Most severe first; the table can be re-sorted by any column.
    rank = VERDICTS.index(row.verdict) if row.verdict in VERDICTS else len(VERDICTS)
    return rank, -row.score, row.finding_id


def _verdict_counts(rows: Sequence[ReportRow]) -> list[tuple[str, int]]:
    findings = {row.finding_id: row.verdict for row in rows}
    counts = Counter(findings.values())
    return [(verdict, counts[verdict]) for verdict in VERDICTS if counts[verdict]]


class _Views:
    """The table's rows, made as the template writes them (one pass): so a row's screenshot
    is read, and its finding counted for ``on_progress``, when its row is written."""

    def __init__(self, rows: Sequence[ReportRow], shots: Mapping[int, dict[str, Any]],
                 on_progress: Progress | None) -> None:
        self.rows = rows
        self.shots = shots
        self.tally = FindingTally(rows, on_progress)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        shown = set()
        for row in self.tally.each(self.rows):
            view = _view(row)
            page = self.shots.get(row.page_id, {})
            view.update(text_source=page.get("text_source"), shot=None, shot_elsewhere=False)
            if page.get("uri") and row.page_id not in shown:
                shown.add(row.page_id)
                view["shot"] = page
            elif page.get("uri"):
                view["shot_elsewhere"] = True
            yield view


def _view(row: ReportRow) -> dict[str, Any]:
    before, number, after = split_context(row.context, row.raw, row.e164)
    return {
        "row": row,
        "before": before,
        "number": number,
        "after": after,
        "sources": ", ".join(row.sources),
    }
