"""Hostile report content (issue 16, item 12): nothing a scam page writes becomes a live link
in a GitHub-flavoured Markdown renderer: bare hosts, protocol-relative IPs, e-mail addresses.
"""

from __future__ import annotations

import re

import pytest

from reports.markdown import md_escape

# What GFM and linkify-style renderers turn into links, once the text is unescaped.
_LIVE = re.compile(r"[A-Za-z0-9-]\.[A-Za-z]{2,}|\d+\.\d+\.\d+\.\d+|\w@\w|https?://|www\.")


@pytest.mark.parametrize("title", [
    "Call now //127.0.0.1/p",
    "Refunds at paypal-refund-desk.com/claim",
    "Write to refunds@paypal-help.example",
    "Visit https://paypal-help.weebly.com/x or www.paypal-help.example",
])
def test_markdown_text_has_no_live_address(title: str) -> None:
    shown = md_escape(title).replace("\\", "")
    assert not _LIVE.search(shown), shown


def test_markdown_keeps_numbers_and_words_readable() -> None:
    assert md_escape("score 0.60, toll_free") == "score 0.60, toll_free"


@pytest.mark.parametrize(("domain", "host", "platform"), [
    ("weebly.com", "paypal-help.weebly.com", True),
    ("zohodesk.com", "acme.zohodesk.com", True),
    ("google.com", "sites.google.com", True),
    ("weebly.com", "weebly.com", False),  # the platform's own page is its own indicator
    ("paypal-refund-desk.com", "www.paypal-refund-desk.com", False),
])
def test_hosting_platform_domain_is_never_the_indicator(domain: str, host: str,
                                                        platform: bool) -> None:
    from reports.hosting import is_hosting_platform

    assert is_hosting_platform(domain, host) is platform
