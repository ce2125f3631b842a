"""``scamlines report --format html``: self-contained, escaped, nothing loads from anywhere.

The store comes from a crawl of the fixture sites, including a scam page whose title and
number context are HTML and script (``tests/site/norton-helpdesk-support.net``). The browser
half of this check is ``test_reports_browser.py``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from crawlhelp import SCAM_HOST
from reporthelp import PAYLOAD_HOST, foreign_elements, is_screenshot, run_cli

from reports.context import split_context

pytestmark = pytest.mark.slow

#: Attributes through which an HTML document can make the browser fetch or navigate.
LOADING_ATTRIBUTES = (
    "src", "href", "srcset", "action", "formaction", "data", "poster", "background",
    "ping", "xlink:href", "manifest", "codebase", "cite", "longdesc", "usemap",
)  # fmt: skip


@pytest.fixture
def html(report_db: Path) -> str:
    result = run_cli("report", "--format", "html", "--db", report_db)
    assert result.exit_code == 0, result.output
    return result.stdout


def payload_row(doc: Any) -> Any:
    rows = [row for row in doc.iter("tr") if PAYLOAD_HOST in row.text_content()]
    assert len(rows) == 1
    return rows[0]


def test_page_markup_is_shown_as_text(html: str) -> None:
    doc = lxml.html.document_fromstring(html)
    # One script (ours), one style (ours); not one element a scam page asked for.
    assert len(doc.xpath("//script")) == 1
    assert len(doc.xpath("//style")) == 1
    assert foreign_elements(doc) == []  # our own screenshots (data: PNGs) only
    assert [el.tag for el in doc.iter() if any(a.startswith("on") for a in el.attrib)] == []
    assert doc.findtext(".//title") == "scamlines report"
    # ...while the text the analyst reads is exactly what the page said.
    row = payload_row(doc).text_content()
    assert "<script>document.title='pwned'</script> 1-888-555-0166" in row
    assert "<img src=x onerror=\"document.title='pwned'\">" in row
    assert "<a href=\"javascript:document.title='pwned'\">" in row
    assert "&lt;script&gt;document.title=&#39;pwned&#39;;new Image()" in html


def test_nothing_is_loaded_from_anywhere(html: str) -> None:
    doc = lxml.html.document_fromstring(html)
    for element in doc.iter():
        if is_screenshot(element):
            continue  # a data: URI we wrote; the CSP allows data: images and nothing else
        for name in LOADING_ATTRIBUTES:
            assert name not in element.attrib, (element.tag, name, element.attrib[name])
    for style in doc.xpath("//style/text()"):
        assert "url(" not in style and "@import" not in style
    script = doc.xpath("//script/text()")[0]
    for call in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "innerHTML", "eval("):
        assert call not in script
    assert not re.search(r"https?:", script + "".join(doc.xpath("//style/text()")))


def test_content_security_policy_allows_only_the_inline_code(html: str) -> None:
    doc = lxml.html.document_fromstring(html)
    metas = doc.xpath("//meta[@http-equiv='Content-Security-Policy']")
    assert len(metas) == 1
    policy = metas[0].get("content")
    assert "default-src 'none'" in policy
    assert "img-src data:" in policy and "connect-src 'none'" in policy
    assert "'unsafe-inline'" not in policy and "http" not in policy
    # The meta must come before anything it governs.
    head = doc.find("head")
    assert list(head).index(metas[0]) < list(head).index(head.find("style"))
    for tag, directive in (("script", "script-src"), ("style", "style-src")):
        text = doc.xpath(f"//{tag}/text()")[0]
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy


def test_scam_urls_are_text_not_links(html: str) -> None:
    doc = lxml.html.document_fromstring(html)
    text = doc.text_content()
    assert f"http://{SCAM_HOST}:" in text
    assert f"{SCAM_HOST}" not in "".join(str(v) for el in doc.iter() for v in el.attrib.values())


def test_number_is_highlighted_in_its_context(html: str) -> None:
    doc = lxml.html.document_fromstring(html)
    marks = [mark.text for mark in doc.iter("mark")]
    assert "1-888-555-0166" in marks  # the payload page, with markup on both sides
    assert "+1-888-555-0142" in marks  # the plain scam page
    assert "1-8 4 4-5 5 5-0 1 6 3" in marks  # an obfuscated number, found through its digits
    mark = next(m for m in doc.iter("mark") if m.text == "1-888-555-0166")
    assert (mark.getprevious() is None) and mark.getparent().text.endswith("</script> ")


def test_reasons_are_in_words_with_their_codes(html: str) -> None:
    row = payload_row(lxml.html.document_fromstring(html))
    reasons = [li.text_content() for li in row.iter("li")]
    assert any(
        "+18885550166 is advertised as Norton's line but is not in the verified allowlist" in r
        and r.endswith("unverified_number")
        for r in reasons
    )


def test_evidence_shows_hash_capture_time_and_final_url(html: str) -> None:
    doc = lxml.html.document_fromstring(html)
    row = next(r for r in doc.iter("tr") if "/redirect/moved-contact.html" in r.text_content())
    text = row.text_content()
    assert re.search(r"captured \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text)
    assert re.search(r"\b[0-9a-f]{64}\b", text)
    assert "final URL" in text and "/moved-contact.html" in text


def test_filters_and_sort_controls_are_present(html: str) -> None:
    doc = lxml.html.document_fromstring(html)
    assert doc.get_element_by_id("q").get("type") == "search"
    brands = [o.text for o in doc.get_element_by_id("f-brand").iter("option")]
    assert {"Amazon", "HP", "Canon", "Norton"} <= set(brands)
    sortable = [th.text for th in doc.xpath("//thead//th[@data-type]")]
    assert "Verdict" in sortable and "#" in sortable


def test_empty_report_says_so(report_db: Path) -> None:
    result = run_cli("report", "--format", "html", "--db", report_db, "--since", "2999-01-01")
    assert result.exit_code == 0
    assert "No findings match these filters." in result.stdout


@pytest.mark.parametrize(
    ("context", "raw", "e164", "expected"),
    [
        ("call +1-888-555-0142 now", "+1-888-555-0142", "+18885550142",
         ("call ", "+1-888-555-0142", " now")),
        # The raw text had word joiners the context no longer has: found by its digits.
        ("free: 1-877-555-0199. Call", "1\u2060-\u2060877\u2060-555-0199", "+18775550199",
         ("free: ", "1-877-555-0199", ". Call")),
        ("dial (877) 555 0199 today", "8775550199", "+18775550199",
         ("dial (", "877) 555 0199", " today")),
        ("no number here", "+1 888", "+18885550142", ("no number here", "", "")),
    ],
)  # fmt: skip
def test_split_context(context: str, raw: str, e164: str, expected: tuple[str, str, str]) -> None:
    assert split_context(context, raw, e164) == expected
