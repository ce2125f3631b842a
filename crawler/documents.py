"""PDF documents: their text, page by page, read in a capped child process.

Fake-support PDFs ("Brand customer care number.pdf") are uploaded to document hosts and
university or government upload folders. Their text is read with **pypdfium2** (PDFium, the
PDF engine of Chromium: fast, maintained, hardened by Chrome's fuzzing) and analysed like a
page (plain text, one PDF page after another).

A PDF is hostile input parsed by C++ code, so the parsing never happens in the caller's
process: :func:`pdf_text` runs ``python -m crawler.documents`` with the body on stdin, a
wall-clock limit, an address-space limit (a decompression bomb runs out of memory there, not
in the crawl) and a page cap. Whatever happens, the caller gets a :class:`DocumentText` with
an ``outcome`` saying what became of the document; a crawl never stops on one.

Outcomes: ``ok``; ``truncated`` (more pages than the cap, or more text than the cap: the first
pages are analysed); ``timeout`` (the time cap passed: nothing is analysed, the reason says
so); ``encrypted`` (needs a password); ``malformed`` (PDFium cannot read it); ``too_large``
(the child ran out of its memory cap); ``failed`` (anything else: no pypdfium2, a crash).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

__all__ = [
    "MAX_CHARS",
    "MAX_PAGES",
    "MEMORY_LIMIT",
    "TIMEOUT",
    "DocumentText",
    "is_pdf",
    "locate_pages",
    "pdf_text",
]

#: Pages read from one PDF; the rest are not (outcome ``truncated``).
MAX_PAGES = 200
#: Seconds one PDF may take, child start-up included.
TIMEOUT = 15.0
#: Characters of text kept from one PDF (the detector caps pages at 8 MiB anyway).
MAX_CHARS = 4 * 1024 * 1024
#: Address space of the child process, bytes: a decompression bomb ends here.
MEMORY_LIMIT = 1024 * 1024 * 1024

_PDF_TYPES = ("application/pdf", "application/x-pdf", "application/acrobat")

#: What each outcome means for the analyst, when it is not ``ok``.
_MESSAGES = {
    "truncated": "only the first {read} of {count} PDF pages were read (page or text cap)",
    "timeout": "reading the PDF took more than {detail} s and was stopped",
    "encrypted": "the PDF is encrypted (needs a password)",
    "malformed": "the PDF is malformed and could not be read",
    "too_large": "reading the PDF needed more memory than allowed (a decompression bomb?)",
    "failed": "the PDF could not be read ({detail})",
}


@dataclass(slots=True)
class DocumentText:
    """The text of a PDF, one string per page read, and what became of it."""

    pages: list[str] = field(default_factory=list)
    page_count: int = 0  #: pages in the document (may exceed ``len(pages)``)
    outcome: str = "ok"
    detail: str = ""

    @property
    def text(self) -> str:
        """The pages' text as one plain-text page (blank line between PDF pages)."""
        return "\n\n".join(self.pages)

    @property
    def readable(self) -> bool:
        """True when some text was read and can be analysed."""
        return self.outcome in ("ok", "truncated") and bool(self.text.strip())

    def message(self) -> str:
        """A sentence for the analyst ('' when the outcome is ``ok``)."""
        template = _MESSAGES.get(self.outcome)
        if template is None:
            return ""
        return template.format(read=len(self.pages), count=self.page_count,
                               detail=self.detail or self.outcome)


def is_pdf(body: bytes, content_type: str | None = None, name: str | None = None) -> bool:
    """True when ``body`` is a PDF: by its signature, its Content-Type, or a ``.pdf`` name.

    PDF readers accept the ``%PDF-`` signature anywhere in the first KiB, so does this.
    """
    if b"%PDF-" in body[:1024]:
        return True
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media in _PDF_TYPES or bool(name and name.lower().endswith(".pdf") and body)


def pdf_text(body: bytes, *, max_pages: int = MAX_PAGES, timeout: float = TIMEOUT,
             max_chars: int = MAX_CHARS, memory_limit: int = MEMORY_LIMIT) -> DocumentText:
    """Read the text of a PDF in a child process within the caps; never raises for bad input."""
    command = [sys.executable, "-m", "crawler.documents", str(max_pages), str(max_chars)]
    try:
        done = subprocess.run(
            command, check=False, input=body, capture_output=True, timeout=timeout,
            preexec_fn=_limit_memory(memory_limit) if os.name == "posix" else None,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
    except subprocess.TimeoutExpired:
        return DocumentText(outcome="timeout", detail=f"{timeout:g}")
    except OSError as error:
        return DocumentText(outcome="failed", detail=str(error))
    try:
        result = json.loads(done.stdout)
    except ValueError:
        if b"MemoryError" in done.stderr or done.returncode in (-9, -6):
            return DocumentText(outcome="too_large")
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["crashed"]
        return DocumentText(outcome="failed", detail=detail[0][:200])
    return DocumentText(pages=result["pages"], page_count=result["page_count"],
                        outcome=result["outcome"], detail=result.get("detail", ""))


def _limit_memory(limit: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def locate_pages(raws: list[str], pages: list[str]) -> list[int | None]:
    """The 1-based PDF page of each printed number in ``raws`` (in page order), or None.

    The detector reports where a number is in the joined text, after its own whitespace
    tidying; looking the printed text up page by page is robust to that. The n-th sighting
    of the same text is found after the (n-1)-th.
    """
    cursor: dict[str, tuple[int, int]] = {}
    found: list[int | None] = []
    for raw in raws:
        index, offset = cursor.get(raw, (0, 0))
        needle = " ".join(raw.split())
        page_no: int | None = None
        while index < len(pages):
            where = " ".join(pages[index].split()).find(needle, offset)
            if where >= 0:
                page_no, offset = index + 1, where + len(needle)
                break
            index, offset = index + 1, 0
        if page_no is None:
            index, offset = cursor.get(raw, (0, 0))
        cursor[raw] = (index, offset)
        found.append(page_no)
    return found


def _extract(body: bytes, max_pages: int, max_chars: int) -> dict[str, object]:
    """The child's work: open the PDF, read at most ``max_pages`` pages of text."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(body)
    except pdfium.PdfiumError as error:
        outcome = "encrypted" if "password" in str(error).lower() else "malformed"
        return {"pages": [], "page_count": 0, "outcome": outcome, "detail": str(error)}
    count = len(document)
    pages: list[str] = []
    total = 0
    for index in range(min(count, max_pages)):
        try:
            text = document[index].get_textpage().get_text_bounded()
        except pdfium.PdfiumError:
            text = ""  # one unreadable page does not hide the others
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        pages.append(text[: max(0, max_chars - total)])
        total += len(text)
        if total >= max_chars:
            break
    truncated = len(pages) < count or total > max_chars
    return {"pages": pages, "page_count": count, "outcome": "truncated" if truncated else "ok"}


def _main(argv: list[str]) -> int:
    max_pages, max_chars = int(argv[0]), int(argv[1])
    result = _extract(sys.stdin.buffer.read(), max_pages, max_chars)
    sys.stdout.write(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
