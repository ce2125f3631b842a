"""Hostile page content: no byte in a page may stop it being analysed (issue 16, item 1).

Every control character, invalid UTF-8 and random bytes served as ``text/html`` go through
``check`` (file and URL) and ``crawl`` in subprocesses: the page is analysed, its fake number
flagged, and nothing prints a traceback, even under ``--quiet``.
"""

from __future__ import annotations

import gzip
import random
import sqlite3
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import SCAM_E164, RawServer, cli, page, response

CONTROLS = [bytes([code]) for code in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]]
ODD_BYTES = [b"\xff\xfe", b"\xed\xa0\x80", b"\xef\xbf\xbe", b"\xc3", b"\x00\x00\x00"]


@pytest.mark.parametrize("bad", CONTROLS, ids=lambda b: b.hex())
def test_check_file_with_control_character_is_flagged(tmp_path: Path, bad: bytes) -> None:
    # The character before the markup, in a paragraph, and inside the number itself.
    body = page(extra="<p>x{}y</p>").replace(b"{}", bad).replace(b"555-0199", b"555-01" + bad + b"99")
    path = tmp_path / "page.html"
    path.write_bytes(bad + body)
    result = cli("check", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("FLAGGED"), result.stdout
    assert SCAM_E164 in result.stdout


@pytest.mark.parametrize("bad", ODD_BYTES, ids=lambda b: b.hex())
def test_check_file_with_invalid_bytes_is_flagged(tmp_path: Path, bad: bytes) -> None:
    # Invalid UTF-8, encoded surrogates and non-characters, NULs: anywhere but the number.
    path = tmp_path / "page.html"
    path.write_bytes(page(extra="<p>x{}y</p>").replace(b"{}", bad))
    result = cli("check", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("FLAGGED"), result.stdout
    assert SCAM_E164 in result.stdout


def test_random_bytes_served_as_html_are_analysed() -> None:
    noise = random.Random(16).randbytes(20000)
    routes = {"/noise": response(200, noise), "/noisy-scam": response(200, noise[:3000] + page() + noise)}
    with RawServer(routes) as server:
        result = cli("check", server.url("/noise"), server.url("/noisy-scam"), *server.allow)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("CLEAN") and "/noise" in line for line in lines), result.stdout
    assert any(line.startswith("FLAGGED") and "/noisy-scam" in line for line in lines), result.stdout


def test_binary_magic_before_html_served_as_html_is_flagged(tmp_path: Path) -> None:
    # A browser renders text/html whatever its first bytes; so must the detector.
    for magic in (b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n\x00", b"PK\x03\x04"):
        path = tmp_path / "page.html"
        path.write_bytes(magic + page())
        result = cli("check", str(path))
        assert result.stdout.startswith("FLAGGED"), (magic, result.stdout, result.stderr)


def test_check_url_with_control_characters_is_flagged() -> None:
    body = b"".join(CONTROLS) + page(extra="<p>" + "".join(map(chr, range(1, 32))) + "</p>")
    with RawServer({"/p": response(200, body)}) as server:
        result = cli("check", server.url("/p"), *server.allow)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("FLAGGED"), result.stdout


@pytest.mark.parametrize("compress", [gzip.compress, zlib.compress], ids=["gzip", "deflate"])
def test_check_reads_a_page_sent_compressed_unasked(compress: Callable[[bytes], bytes]) -> None:
    # Browsers always accept gzip, so a scam server may send it whatever the request says.
    encoding = "gzip" if compress is gzip.compress else "deflate"
    routes = {"/p": response(200, compress(page()), headers={"Content-Encoding": encoding})}
    with RawServer(routes) as server:
        result = cli("check", server.url("/p"), *server.allow)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("FLAGGED"), result.stdout


def test_crawl_flags_page_with_control_characters(tmp_path: Path) -> None:
    index = b'<html><body><a href="/a">a</a> <a href="/b">b</a></body></html>'
    routes = {"/": response(200, index),
              "/a": response(200, page(extra="<p>x\x01y</p>")),
              "/b": response(200, b"\x00" + page(extra="<p>\x1b[0m\x0b\x0c</p>"))}
    db = tmp_path / "c.db"
    with RawServer(routes) as server:
        result = cli("crawl", server.url("/"), "--db", str(db), "--quiet", *server.allow,
                     "--set", "DOWNLOAD_DELAY=0", "--ignore-robots")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("SELECT url, verdict FROM pages"))
    assert rows[server.url("/a")] == "flagged", rows
    assert rows[server.url("/b")] == "flagged", rows


@pytest.mark.parametrize("bad", [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"], ids=bytes.hex)
def test_invalid_byte_inside_a_number_does_not_hide_it(tmp_path: Path, bad: bytes) -> None:
    # The byte decodes to U+FFFD in the middle of the number, in a file and over HTTP.
    body = page().replace(b"555-0199", b"555-01" + bad + b"99")
    path = tmp_path / "page.html"
    path.write_bytes(body)
    with RawServer({"/p": response(200, body, content_type="text/html; charset=utf-8")}) as server:
        result = cli("check", str(path), server.url("/p"), *server.allow)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(SCAM_E164) >= 2, result.stdout
