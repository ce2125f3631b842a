"""What a victim reads and what a browser would dial: the text sources of one page.

HTML is parsed once with lxml (bs4's fastest tree builder, without bs4's per-node cost): visible
text with block boundaries kept as line breaks (so table cells never glue into a fake number),
title, meta description, headings, ``tel:`` links, JSON-LD ``telephone`` values and the
document language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape as html_unescape
from typing import Any

from lxml import etree

from detector.decode import (
    MAX_BYTES,
    UnsupportedContent,
    clean_text,
    decode,
    drop_stray_in_numbers,
    repair_mojibake,
)

_SKIP = frozenset({"script", "style", "template", "head", "svg", "math", "iframe", "object"})
_BLOCK = frozenset(
    ["address", "article", "aside", "blockquote", "body", "br", "dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "option", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul", "button", "label", "select", "textarea", "caption"]
)
_HEADINGS = frozenset({"h1", "h2", "h3"})
# huge_tree lifts libxml2's 256-level nesting limit; without it, text nested deeper (an easy
# trick) silently disappears. Everything below walks the tree without recursion.
# Plain lxml.etree, not lxml.html: the latter looks up a Python element class for every node.
_PARSER = etree.HTMLParser(huge_tree=True)
_LOOKS_HTML = re.compile(r"<(?:!doctype|html|head|body|p|div|a|span|br|table|meta|title)\b", re.IGNORECASE)
# Whitespace is tidied with str.replace only (C scans): a regex starting with a character
# class is tried at every space, and cost more than parsing the page.
_ODD_SPACES = "\t\r\f\v\u00a0"


@dataclass(slots=True)
class PageText:
    """The readable parts of a page."""

    text: str
    is_html: bool
    title: str = ""
    description: str = ""
    language: str | None = None
    headings: list[str] = field(default_factory=list)
    tel_links: list[str] = field(default_factory=list)  #: the number part of each tel: href
    jsonld_phones: list[str] = field(default_factory=list)
    truncated: bool = False


def read_page(content: bytes | str, content_type: str | None = None) -> PageText:
    """Decode and parse ``content``; raises UnsupportedContent for binary or empty input."""
    truncated = False
    if isinstance(content, bytes):
        content, truncated = decode(content, content_type)
    elif len(content) > MAX_BYTES:
        content, truncated = content[:MAX_BYTES], True
    content = clean_text(content)
    if not content.strip():
        raise UnsupportedContent("empty page")
    content = drop_stray_in_numbers(repair_mojibake(content))
    if _is_html(content, content_type):
        page = _read_html(content)
    else:
        page = _read_plain(content)
    page.truncated = truncated
    return page


def _is_html(content: str, content_type: str | None) -> bool:
    if content_type and "html" in content_type.lower():
        return True
    if content_type and content_type.lower().startswith("text/plain"):
        return False
    return bool(_LOOKS_HTML.search(content[:4096]))


def _read_plain(content: str) -> PageText:
    text = _tidy(content)
    title = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return PageText(text=text, is_html=False, title=title[:300])


def _tidy(text: str) -> str:
    """Runs of spaces, tabs and no-break spaces become one space; blank lines collapse."""
    for char in _ODD_SPACES:
        if char in text:
            text = text.replace(char, " ")
    text = _replace_all(text, "  ", " ")  # halves every run of spaces per pass
    text = _replace_all(_replace_all(text, "\n \n", "\n\n"), "\n\n\n", "\n\n")
    return text.strip()


def _replace_all(text: str, old: str, new: str) -> str:
    """Replace ``old`` until none is left (runs shrink by half or more per pass)."""
    while old in text:
        text = text.replace(old, new)
    return text


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _read_html(content: str) -> PageText:
    # lxml refuses a str that declares its own encoding (XHTML pages often do).
    content = _XML_DECLARATION.sub("", content, count=1)
    try:
        root = etree.fromstring(content, parser=_PARSER)
    except (etree.LxmlError, ValueError):
        # lxml rejects a few degenerate documents (an XML declaration in a str, only comments);
        # read them as text rather than fail.
        root = None
    if root is None:
        return _read_plain(_strip_tags(content))
    page = PageText(text="", is_html=True)
    # Browsers read <title> as plain text; lxml may have parsed markup inside it into elements.
    title = root.find(".//title")
    page.title = _tidy("".join(title.itertext()) if title is not None else "")[:300]
    page.language = (root.get("lang") or root.get("xml:lang") or "").strip() or None
    page.description = _meta_description(root)
    page.headings = [_tidy("".join(h.itertext()))[:300] for h in root.iter(*_HEADINGS)][:50]
    page.tel_links = list(_tel_links(root))
    page.jsonld_phones = list(_jsonld_phones(root))
    page.text = _tidy(_visible_text(root))  # last: it rewrites the tree
    if len(page.text) * 20 < len(content):
        # Under 5% text: either a script-heavy page or one libxml2 cut short (it stops at a
        # few thousand nested elements even with huge_tree). A plain tag strip decides.
        stripped = _tidy(_strip_tags(content))
        if len(stripped) > 2 * len(page.text) and len(stripped) > len(page.text) + 20:
            page.text = stripped
    return page


_INVISIBLE_BLOCKS = re.compile(r"<(script|style|template|svg)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def _strip_tags(content: str) -> str:
    return html_unescape(_TAG.sub("\n", _INVISIBLE_BLOCKS.sub(" ", content)))


def _visible_text(root: Any) -> str:
    # All in C but one loop over block elements: drop invisible subtrees (their tails stay),
    # put a line break around every block so table cells never glue into a fake number, then
    # let libxml2 concatenate the text (comments are skipped, their tails kept).
    etree.strip_elements(root, *_SKIP, with_tail=False)
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for element in root.iter(*_BLOCK):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    return etree.tostring(root, method="text", encoding="unicode", with_tail=False)


def _meta_description(root: Any) -> str:
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").lower()
        if name in ("description", "og:description", "og:title", "twitter:title"):
            content = meta.get("content")
            if content:
                return _tidy(content)[:1000]
    return ""


def _tel_links(root: Any) -> Iterator[str]:
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href[:4].lower() in ("tel:", "sms:") or href[:7].lower() == "callto:":
            yield href.split(":", 1)[1].split("?", 1)[0][:64]


def _jsonld_phones(root: Any) -> Iterator[str]:
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            # Broken JSON-LD is common; the telephone value is still worth a regex.
            yield from re.findall(r'"(?:telephone|faxNumber)"\s*:\s*"([^"]{4,40})"', script.text)
            continue
        yield from _walk_phones(data)


def _walk_phones(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "telephone" and isinstance(value, str):
                yield value[:64]
            else:
                yield from _walk_phones(value)
    elif isinstance(data, list):
        for item in data:
            yield from _walk_phones(item)
