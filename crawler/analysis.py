"""Which text the detector judges (served HTML, rendered DOM, a PDF's text) and the reasons
that say how it was read.

The detector takes one text; this module chooses it and, after the detector has judged it,
adds the reasons about the reading itself: ``document_truncated`` (a PDF read up to its
page or text cap), ``render_timeout``, ``render_dom_capped`` and ``render_subrequests_capped``
(a page analysed from what the browser had rendered when a limit stopped it). They explain a
verdict; they never change it or the score. Used by ``scamlines check``
(:mod:`crawler.checks.check`) and by the crawl's page worker (:mod:`crawler.pageworker`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from crawler.documents import DocumentText, is_pdf, pdf_text
from detector.report import Reason

if TYPE_CHECKING:
    from allowlist import Allowlist
    from crawler.store import FetchRecord
    from detector.report import PageReport

__all__ = [
    "LIMIT_REASONS",
    "TRUNCATED",
    "add_reasons",
    "analyse_pdf",
    "judge_document",
    "limit_reasons",
    "note_truncated",
]

#: Reason codes for the limits of rendering and document reading, with their sentences.
LIMIT_REASONS = {
    "document_truncated": "{detail}; the rest of the document was not analysed",
    "render_timeout": "the page was still loading after {detail} s; analysed as rendered so far",
    "render_dom_capped": "the rendered page was larger than {detail}; analysed up to the cap",
    "render_subrequests_capped": "the page made more than {detail} requests; the rest were "
                                 "refused and it was analysed as rendered",
}


def limit_reasons(limits: dict[str, str]) -> list[Reason]:
    """Reasons for the limits hit: ``{code: detail}`` → ``[Reason]``, in a stable order."""
    return [Reason(code, LIMIT_REASONS[code].format(detail=detail))
            for code, detail in limits.items() if code in LIMIT_REASONS]


#: What ``page_truncated`` says when the crawl's size cap or the analysis limit cut a page.
TRUNCATED = ("the page was larger than the size cap (DOWNLOAD_MAXSIZE) or the analysis limit; "
             "only its beginning was read")


def add_reasons(report: PageReport, reasons: list[Reason]) -> PageReport:
    """``report`` with ``reasons`` appended to the page's and each brand finding's reasons;
    a code the page (or finding) already gives is not said twice."""
    if not reasons:
        return report
    report.reasons = _merged(report.reasons, reasons)
    report.findings = [dataclasses.replace(f, reasons=_merged(f.reasons, reasons))
                       for f in report.findings]
    return report


def note_truncated(report: PageReport, message: str = TRUNCATED) -> PageReport:
    """Say ``page_truncated`` on the page and each of its findings (what the store keeps and
    reports show), once: a verdict on part of a page is not a verdict on all of it. The one
    way a crawl, a PDF, a rendered page and ``scamlines check`` say it."""
    return add_reasons(report, [Reason("page_truncated", message)])


def _merged(reasons: list[Reason], more: list[Reason]) -> list[Reason]:
    codes = {reason.code for reason in reasons}
    return [*reasons, *(reason for reason in more if reason.code not in codes)]


def analyse_pdf(body: bytes, *, url: str | None, allowlist: Allowlist,
                source: str | None = None) -> tuple[PageReport | None, DocumentText]:
    """Read a PDF (capped, in a child process) and judge its text like a page.

    Returns ``(None, document)`` when nothing could be analysed (encrypted, malformed,
    timeout, no text); ``document.message()`` says why.
    """
    import detector

    document = pdf_text(body)
    if not document.readable:
        return None, document
    report = detector.analyze(document.text, url=url, allowlist=allowlist,
                              content_type="text/plain", source=source)
    if document.outcome == "truncated":
        add_reasons(report, limit_reasons({"document_truncated": document.message()}))
    return report, document


def judge_document(fetch: FetchRecord, allowlist: Allowlist) -> tuple[FetchRecord,
                                                                        PageReport | None]:
    """A crawled PDF: its report (or None) and the fetch with its note and PDF pages."""
    try:
        report, document = analyse_pdf(fetch.body, url=fetch.final_url, allowlist=allowlist)
    except Exception as err:  # noqa: BLE001 - a detector bug costs one document, not the crawl
        return dataclasses.replace(fetch, note=f"not analysed: detector error "
                                               f"({type(err).__name__})"), None
    if report is None:
        why = document.message() or "the PDF has no text"
        return dataclasses.replace(fetch, note=f"not analysed: {why}"), None
    return dataclasses.replace(fetch, note=None, text_source="document",
                               doc_pages=tuple(document.pages)), report


def wants_document(fetch: FetchRecord, text: str | None) -> bool:
    """True when a fetch is a PDF the worker should read (not a web page)."""
    return text is None and is_pdf(fetch.body, fetch.content_type, fetch.final_url)
