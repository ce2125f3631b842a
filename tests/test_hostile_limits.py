"""Hostile sizes and shapes (issue 16, items 2 and 9): a page over the crawl's size cap is
recorded and its beginning analysed (``page_truncated``); one bad sitemap entry loses only
itself. Each case runs the CLI in a subprocess.
"""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

from hostile import SCAM_E164, RawServer, cli, page, response

CAP = 200_000
JUDGED = ("flagged", "suspicious")  # the scam page's verdict; never clean, never missing
CRAWL = ("--quiet", "--ignore-robots", "--set", "DOWNLOAD_DELAY=0",
         "--set", f"DOWNLOAD_MAXSIZE={CAP}", "--format", "json")


def _pages(db: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT p.url, p.verdict, f.reasons FROM pages p "
                            "LEFT JOIN findings f ON f.page_id = p.id")
        return {url.rsplit("/", 1)[1]: (verdict, reasons or "") for url, verdict, reasons in rows}


def test_crawl_keeps_the_beginning_of_a_page_over_the_cap(tmp_path: Path) -> None:
    padding = "<p>" + "padding " * (CAP // 4) + "</p>"
    big = page(extra="").replace(b"</body>", padding.encode() + b"</body>")
    index = b'<html><body><a href="/big">a</a> <a href="/chunked">b</a></body></html>'

    def chunked(sock: object) -> None:  # no Content-Length: the cap is found mid-stream
        head = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
        sock.sendall(head + big)  # type: ignore[attr-defined]

    routes = {"/": response(200, index), "/big": response(200, big), "/chunked": chunked}
    db = tmp_path / "c.db"
    with RawServer(routes) as server:
        result = cli("crawl", server.url("/"), "--db", str(db), *server.allow, *CRAWL)
    assert result.returncode == 0, result.stderr
    pages = _pages(db)
    for name in ("big", "chunked"):
        verdict, reasons = pages[name]
        assert verdict in JUDGED, pages
        assert "page_truncated" in reasons, reasons
    assert "page_truncated" not in pages[""][1]
    with sqlite3.connect(db) as conn:
        numbers = [row[0] for row in conn.execute("SELECT numbers FROM findings")]
    assert sum(SCAM_E164 in n for n in numbers) == 2, numbers


def test_a_compressed_page_over_the_cap_keeps_its_beginning_and_a_bomb_costs_nothing(
        tmp_path: Path) -> None:
    # Compressed, both are far under the cap; decompressed, both are far over it.
    padded = page().replace(b"</body>", b"<p>" + b"padding " * CAP + b"</p></body>")
    bomb = b"\0" * (CAP * 500)  # 100 MB of zeros: decompression must stop at the cap
    gzip_page, gzip_bomb = gzip.compress(padded), gzip.compress(bomb)
    assert len(gzip_page) < CAP and len(gzip_bomb) < CAP
    index = b'<html><body><a href="/gz">a</a> <a href="/bomb">b</a></body></html>'
    encoded = {"Content-Encoding": "gzip"}
    routes = {"/": response(200, index), "/gz": response(200, gzip_page, headers=encoded),
              "/bomb": response(200, gzip_bomb, headers=encoded)}
    db = tmp_path / "c.db"
    with RawServer(routes) as server:
        result = cli("crawl", server.url("/"), "--db", str(db), *server.allow, *CRAWL)
    assert result.returncode == 0, result.stderr
    pages = _pages(db)
    verdict, reasons = pages["gz"]
    assert verdict in JUDGED and "page_truncated" in reasons, pages
    assert "bomb" in pages  # recorded, its first CAP bytes read: never the 100 MB


def test_crawl_of_a_local_file_over_the_cap_is_analysed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "big.html").write_bytes(page() + b"<p>" + b"x" * (CAP * 2) + b"</p>")
    db = tmp_path / "c.db"
    result = cli("crawl", str(site / "big.html"), "--db", str(db), *CRAWL)
    assert result.returncode == 0, result.stderr
    verdict, reasons = _pages(db)["big.html"]
    assert verdict in JUDGED and "page_truncated" in reasons


BAD_LOCS = ["http://[::1/", "http://h:99999/x", "http://bad\x01host/", "javascript:alert(1)", ""]


def _sitemap(urls: list[str]) -> bytes:
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'.encode()


def test_one_bad_sitemap_entry_loses_only_itself(tmp_path: Path) -> None:
    routes = {"/a": response(200, page()), "/b": response(200, page())}
    db = tmp_path / "c.db"
    with RawServer(routes) as server:
        routes["/sitemap.xml"] = response(200, _sitemap([server.url("/a"), *BAD_LOCS,
                                                         server.url("/b")]),
                                          content_type="application/xml")
        result = cli("crawl", server.url("/sitemap.xml"), "--db", str(db), *server.allow, *CRAWL)
    assert result.returncode == 0, result.stderr
    assert {"a", "b"} <= set(_pages(db)), _pages(db)


def test_one_bad_robots_sitemap_line_loses_only_itself(tmp_path: Path) -> None:
    routes = {"/a": response(200, page())}
    db = tmp_path / "c.db"
    with RawServer(routes) as server:
        lines = [f"Sitemap: {u}" for u in ["http://[::1/", "http://h:99999/x"]]
        lines.append(f"Sitemap: {server.url('/sitemap.xml')}")
        routes["/robots.txt"] = response(200, "\n".join(lines).encode(), content_type="text/plain")
        routes["/sitemap.xml"] = response(200, _sitemap([server.url("/a")]),
                                          content_type="application/xml")
        result = cli("crawl", server.url("/robots.txt"), "--db", str(db), *server.allow, *CRAWL)
    assert result.returncode == 0, result.stderr
    assert "a" in _pages(db), _pages(db)
