"""Hostile servers and URLs (issue 16, items 8 and 10): every bad URL, redirect and response
is refused or read with a clear message, within the fetch's total deadline, never a traceback.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from hostile import SCAM_E164, RawServer, cli, drip, page, response

BAD_URLS = ["http://127.0.0.1:abc/", "http://[::1/", "http://h:1:2/f", "http://ex\x01ample.com/",
            "http://:80/", "http://x.com:99999/"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_check_bad_url_is_refused_with_a_reason(url: str) -> None:
    result = cli("check", url)
    assert result.returncode == 2
    assert "error: " in result.stderr
    assert any(word in result.stderr
               for word in ("malformed URL", "bad port", "control character", "no host"))


@pytest.mark.parametrize("url", BAD_URLS[:3])
@pytest.mark.parametrize("command", ["crawl", "scan"])
def test_crawl_and_scan_bad_seed_is_refused(tmp_path: Path, url: str, command: str) -> None:
    if command == "crawl":
        result = cli("crawl", url, "--db", str(tmp_path / "c.db"), "--quiet")
    else:
        config = tmp_path / "scan.toml"
        config.write_text(f'db = "{tmp_path / "s.db"}"\nseeds = ["{url}"]\n', encoding="utf-8")
        result = cli("scan", "--config", str(config), "--quiet")
    assert result.returncode == 2, result.stderr
    assert "malformed URL" in result.stderr or "bad port" in result.stderr


def _redirect(location: bytes) -> bytes:
    return (b"HTTP/1.0 302 Found\r\nLocation: " + location + b"\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n")


HOSTILE = {
    "/bad-port": _redirect(b"http://h:1:2/f"),
    "/bad-ipv6": _redirect(b"http://[::1/x"),
    "/ctl": _redirect(b"/p\x01x"),
    "/chunked": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
                 b"Connection: close\r\n\r\nzz\r\n" + page() + b"\r\n"),
    "/headers": b"HTTP/1.0 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % n for n in range(150))
                + b"Content-Type: text/html\r\n\r\n" + page(),
    "/long-header": b"HTTP/1.0 200 OK\r\nX-Long: " + b"a" * 100000 + b"\r\n\r\n" + page(),
    "/status": b"HTTP/1.0 abc\r\n\r\n" + page(),
    "/garbage": b"\x00\xff\x13 garbage\r\n\r\n",
}


@pytest.mark.parametrize("path", sorted(HOSTILE))
def test_check_hostile_response_is_an_error_not_a_traceback(path: str) -> None:
    with RawServer(dict(HOSTILE)) as server:
        result = cli("check", server.url(path), *server.allow, "--timeout", "10", timeout=60)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"error: {server.url('/')}"), result.stderr


def test_tab_in_redirect_target_is_followed_as_a_browser_does() -> None:
    routes = {"/tab": _redirect(b"/p\tage"), "/page": response(200, page())}
    with RawServer(routes) as server:
        result = cli("check", server.url("/tab"), *server.allow)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("FLAGGED")


def test_body_cut_off_is_analysed_with_a_note() -> None:
    body = page()
    cut = (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
           % (len(body) + 5000)) + body
    with RawServer({"/cut": cut}) as server:
        result = cli("check", server.url("/cut"), *server.allow)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("FLAGGED") and SCAM_E164 in result.stdout
    assert "page_truncated" in result.stdout


def test_check_timeout_is_a_total_deadline_for_headers() -> None:
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"
    with RawServer({"/slow": drip(head + page(), 0.5)}) as server:
        started = time.monotonic()
        result = cli("check", server.url("/slow"), *server.allow, "--timeout", "3",
                     "--render", "never", timeout=90)
        elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stdout
    assert "timed out after 3 s (total limit)" in result.stderr
    # A hang bound, not a speed test: the drip would take minutes; a loaded machine is slow.
    assert elapsed < 60, elapsed


def test_check_timeout_is_a_total_deadline_for_the_body() -> None:
    # What arrived before the deadline is analysed, with a note: the number is in it.
    head = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n"

    def slow(sock: socket.socket) -> None:
        sock.sendall(head + page())
        drip(b" " * 1000, 0.2)(sock)

    with RawServer({"/slow": slow}) as server:
        started = time.monotonic()
        result = cli("check", server.url("/slow"), *server.allow, "--timeout", "3",
                     "--render", "never", timeout=90)
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("FLAGGED") and "page_truncated" in result.stdout
    # A hang bound, not a speed test: the drip sends for 200 s; a loaded machine is slow.
    assert elapsed < 60, elapsed
