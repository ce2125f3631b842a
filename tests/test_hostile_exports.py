"""Hostile report content through the CLI (issue 16, items 12 and 13, in subprocesses): a
store crawled from scam pages whose text names hosts, IPs and e-mail addresses, on a hosting
platform's subdomain. ``report --format md`` shows no live address; ``report --format misp``
never names the platform's own domain as an indicator.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hostile import RawServer, cli, page, response

HOST = "paypal-help.weebly.com"
# What GFM and linkify-style renderers turn into links, once the text is unescaped.
_LIVE = re.compile(r"[A-Za-z0-9-]\.[A-Za-z]{2,}|\d+\.\d+\.\d+\.\d+|\w@\w|https?://|www\.")
TITLE = ("PayPal refunds at paypal-refund-desk.com/claim or //127.0.0.1/p, "
         "write to refunds@paypal-help.example")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("exports") / "c.db"
    body = page(extra=f"<h2>{TITLE}</h2>").replace(b"<html>", f"<html><title>{TITLE}</title>".encode())
    with RawServer({"/": response(200, body)}) as server:
        result = cli("crawl", f"http://{HOST}:{server.port}/", "--db", str(db), "--quiet",
                     "--resolve", f"{HOST}=127.0.0.1", "--resolve-only",
                     "--allow-host", f"{HOST}:{server.port}", "--ignore-robots",
                     "--set", "DOWNLOAD_DELAY=0")
    assert result.returncode == 0, result.stderr
    return db


def test_markdown_report_has_no_live_address(store: Path) -> None:
    result = cli("report", "--db", str(store), "--format", "md")
    assert result.returncode == 0, result.stderr
    assert "paypal-refund-desk" in result.stdout, result.stdout  # the title is shown, defanged
    shown = result.stdout.replace("\\", "")
    assert not _LIVE.search(shown), _LIVE.search(shown)


def test_misp_report_names_the_tenant_never_the_platform(store: Path) -> None:
    result = cli("report", "--db", str(store), "--format", "misp")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    values = {a["value"] for a in _attributes(json.loads(text))}
    assert HOST in values, values
    assert "weebly.com" not in values, values


def _attributes(document: object) -> list[dict[str, str]]:
    """Every MISP attribute anywhere in the export (events, objects)."""
    found: list[dict[str, str]] = []
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "value" in item and "type" in item:
                found.append(item)
            stack += list(item.values())
        elif isinstance(item, list):
            stack += item
    return found
