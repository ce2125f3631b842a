"""Everything the store holds about one page: ``scamlines show FINDING_ID|page:ID|URL``.

:func:`page_record` gathers the page, its captures (final URL, redirect chain, HTTP status,
headers, capture times, body SHA-256), its findings with their reasons, every sighting with
its context, the triage history and takedowns of its findings and, when asked, the captured
body as text: decompressed, decoded as the detector decodes pages, never rendered. Printed on
a terminal everything from the page goes through :func:`crawler.scans.terminal.for_terminal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.scans.terminal import for_terminal

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = ["PageRecord", "ShowError", "page_record"]


class ShowError(Exception):
    """Nothing in the store matches what was asked for."""


@dataclass
class PageRecord:
    """One page and its evidence; ``finding_id`` is the finding asked for, if any."""

    page: dict[str, Any]
    captures: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    sightings: list[dict[str, Any]]
    triage: list[dict[str, Any]]
    takedowns: list[dict[str, Any]]
    finding_id: int | None = None
    body: str | None = None  #: the latest stored body as text, with ``--body``
    body_note: str | None = None  #: why there is no body text, or that it was cut
    screenshot: str | None = None  #: where a screenshot is stored (none are taken yet)

    def to_dict(self) -> dict[str, Any]:
        """The ``--format json`` object."""
        return {
            "page": self.page, "finding_id": self.finding_id, "captures": self.captures,
            "findings": self.findings, "sightings": self.sightings, "triage": self.triage,
            "takedowns": self.takedowns, "body_sha256": self.page.get("body_sha256"),
            "body": self.body, "body_note": self.body_note, "screenshot": self.screenshot,
        }  # fmt: skip

    def to_text(self) -> str:
        """Sections: page, captures, findings, sightings, triage, takedowns, body."""
        lines = _page_lines(self.page)
        for capture in self.captures:
            lines += _capture_lines(capture)
        lines.append(f"findings ({len(self.findings)}):")
        for finding in self.findings:
            lines += _finding_lines(finding, finding["id"] == self.finding_id)
        lines.append(f"sightings ({len(self.sightings)}):")
        lines += [_sighting_line(sighting) for sighting in self.sightings]
        if self.triage:
            lines.append("triage:")
            lines += [f"  {t['at'][:19]}  #{t['finding_id']} -> {t['status']}"
                      + (f"  ({_t(t['note'])})" if t["note"] else "") for t in self.triage]
        if self.takedowns:
            lines.append("takedowns:")
            lines += [f"  {t['created_at'][:19]}  #{t['finding_id']} {t['kind']} {_t(t['target'])}"
                      f" -> {_t(t['recipient'])}  package {_t(t['package'])}"
                      for t in self.takedowns]
        if self.screenshot:
            lines.append(f"screenshot: {self.screenshot}")
        if self.body_note:
            lines.append(f"body: {self.body_note}")
        if self.body is not None:
            lines += ["body (as text, not rendered):", for_terminal(self.body, multiline=True)]
        return "\n".join(lines)


def _t(value: Any) -> str:
    return for_terminal(None if value is None else str(value))


def _page_lines(page: dict[str, Any]) -> list[str]:
    brands = ", ".join(page.get("brands") or []) or "-"
    return [
        f"page {page['id']}: {_t(page['url'])}",
        f"  final URL: {_t(page['final_url'])}",
        f"  title: {_t(page['title'])}",
        f"  verdict {page['verdict']} ({(page['score'] or 0):.2f}), brands: {_t(brands)}",
        f"  HTTP {page['status']}  {_t(page['content_type'])}  language {page['language'] or '-'}",
        (f"  first seen {page['first_seen']} (run {page['first_run']}), "
        f"last seen {page['last_seen']} (run {page['last_run']})"),
        f"  body SHA-256: {page['body_sha256'] or '-'}",
    ]


def _capture_lines(capture: dict[str, Any]) -> list[str]:
    stored = "" if capture["body_stored"] or not capture["body_sha256"] else " (body not stored)"
    lines = [
        (f"capture {capture['id']} (run {capture['run_id']}): {capture['fetched_at']}  "
        f"HTTP {capture['status']}  {capture['size'] or 0} bytes"
        f"{'  (from cache)' if capture['cached'] else ''}{stored}"),
        f"  final URL: {_t(capture['final_url'])}",
        f"  body SHA-256: {capture['body_sha256'] or '-'}",
    ]
    hops = capture["redirect_chain"] or []
    if len(hops) > 1:
        lines.append("  redirects: " + " -> ".join(
            f"{_t(hop.get('url'))} ({hop.get('status')})" if isinstance(hop, dict) else _t(hop)
            for hop in hops
        ))
    headers = capture["headers"] or {}
    for name, value in sorted(headers.items()) if isinstance(headers, dict) else []:
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        lines.append(f"  {_t(name)}: {_t(shown)}")
    return lines


def _finding_lines(finding: dict[str, Any], asked: bool) -> list[str]:
    numbers = ", ".join(finding["numbers"] or []) or "no number"
    lines = [
        f"  #{finding['id']} {_t(finding['brand']) or '(no brand)'}: {finding['verdict']} "
        f"{(finding['score'] or 0):.2f}, status {finding['status']}, {numbers}, "
        f"first {finding['first_seen']} last {finding['last_seen']}"
        + ("   <- asked" if asked else "")
    ]
    if finding["note"]:
        lines.append(f"      note: {_t(finding['note'])}")
    for reason in finding["reasons"] or []:
        lines.append(f"      - {reason.get('code')}: {_t(reason.get('message'))}")
    return lines


def _sighting_line(sighting: dict[str, Any]) -> str:
    mark = " obfuscated" if sighting["obfuscated"] else ""
    return (
        f"  {sighting['e164']}  {sighting['status'] or '-'}  {sighting['source']}"
        f"[{sighting['start']}:{sighting['end']}]  {_t(sighting['brand']) or '-'}{mark}\n"
        f"      as printed: {_t(sighting['raw'])!s}\n"
        f"      context: {_t(sighting['context'])}"
    )


def page_record(store: Store, ref: str, *, body: bool = False) -> PageRecord:
    """The record of the page ``ref`` names: a finding id (``12`` or ``#12``), a page id
    (``page:5``) or a URL (as requested, or the final URL a page ended at)."""
    page, finding_id = _resolve(store, ref.strip())
    page_id = int(page["id"])
    findings = [f for f in store.findings() if f["page_id"] == page_id]
    ids = [int(f["id"]) for f in findings]
    record = PageRecord(
        page=page, captures=store.captures(page_id), findings=findings,
        sightings=store.sightings(page_id), triage=store.triage_history(ids),
        takedowns=[t for t in store.takedowns() if t["finding_id"] in ids],
        finding_id=finding_id,
    )  # fmt: skip
    if body:
        record.body, record.body_note = _body_text(store, record.captures)
    return record


def _resolve(store: Store, ref: str) -> tuple[dict[str, Any], int | None]:
    kind, _, number = ref.partition(":")
    if kind.lower() == "page" and number.strip().isdigit():
        page = store.pages_by_id([int(number)]).get(int(number))
        if page is None:
            raise ShowError(f"{store.path}: no page {number}")
        return page, None
    if ref.removeprefix("#").isdigit():
        finding = store.finding(int(ref.removeprefix("#")))
        if finding is None:
            raise ShowError(f"{store.path}: no finding {ref.removeprefix('#')} "
                            "(a page id is written page:ID)")
        found = store.pages_by_id([finding["page_id"]])[finding["page_id"]]
        return found, int(finding["id"])
    page = store.page_at(ref)
    if page is None:
        raise ShowError(f"{store.path}: no page recorded at {ref}")
    return page, None


def _body_text(store: Store, captures: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    from detector.decode import MAX_BYTES, UnsupportedContent, decode

    capture = next((c for c in captures if c["body_sha256"]), None)
    if capture is None:
        return None, "no body was captured"
    data = store.body(capture["body_sha256"])
    if data is None:
        return None, "the body was not stored (over the size cap)"
    try:
        text, truncated = decode(data, capture["content_type"])
    except UnsupportedContent as error:
        return None, f"not shown: {error}"
    note = f"cut at {MAX_BYTES} bytes of {len(data)}" if truncated else None
    return text, note
