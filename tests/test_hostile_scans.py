"""Hostile results: a scan or crawl must not hide a failure (issue 16, items 3 to 5).

A page answering an HTTP error is ``not analysed: HTTP 404``, never ``clean``; its finding is
``gone``, and ``back`` when the page returns. Each case runs the CLI in a subprocess.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hostile import RawServer, cli, page, response

INDEX = b'<html><body><a href="/scam">help</a></body></html>'


def _config(tmp_path: Path, server: RawServer, *, seeds: list[str] | None = None) -> Path:
    seeds = seeds or [server.url("/")]
    text = (f'name = "hostile"\ndb = "{tmp_path / "scan.db"}"\nseeds = {json.dumps(seeds)}\n'
            "[limits]\ndepth = 1\nmax_pages = 20\ntimeout = 60\n"
            f'[crawl]\nallow_hosts = ["127.0.0.1:{server.port}"]\nignore_robots = true\n'
            "[crawl.settings]\nDOWNLOAD_DELAY = 0\nAUTOTHROTTLE_ENABLED = false\n")
    path = tmp_path / "scan.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _findings(result: Any) -> dict[str, str]:
    return {f["url"].rsplit("/", 1)[1]: f["change"] for f in result.json()["diff"]["findings"]}


def test_check_of_a_missing_page_is_not_clean() -> None:
    with RawServer({"/scam": response(404, page())}) as server:
        result = cli("check", server.url("/scam"), server.url("/nothing"), *server.allow)
    assert result.returncode == 2
    assert "CLEAN" not in result.stdout
    assert f"{server.url('/scam')}: not analysed: HTTP 404" in result.stderr


def test_a_scam_page_that_404s_is_gone_then_back(tmp_path: Path) -> None:
    routes: dict[str, Any] = {"/": response(200, INDEX), "/scam": response(200, page())}
    with RawServer(routes) as server:
        config = _config(tmp_path, server)
        first = cli("scan", "--config", str(config), "--format", "json")
        routes["/scam"] = response(404, page())  # a soft 404 still showing the scam
        second = cli("scan", "--config", str(config), "--format", "json")
        routes["/scam"] = response(200, page())
        third = cli("scan", "--config", str(config), "--format", "json")
    assert _findings(first)["scam"] == "new", first.stdout
    assert _findings(second)["scam"] == "gone", second.stdout
    assert _findings(third)["scam"] == "back", third.stdout
    assert {p["url"].rsplit("/", 1)[1]: p["after"] for p in second.json()["diff"]["pages"]
            }.get("scam") is None


def _dead_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_crawl_where_nothing_could_be_fetched_fails(tmp_path: Path) -> None:
    port = _dead_port()
    result = cli("crawl", f"http://127.0.0.1:{port}/", "--db", str(tmp_path / "c.db"), "--quiet",
                 "--allow-host", f"127.0.0.1:{port}", "--ignore-robots",
                 "--set", "RETRY_ENABLED=false")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Error: nothing could be fetched: 1 request got no page" in result.stderr
    assert "ConnectionRefusedError" in result.stderr


def test_quiet_scan_where_nothing_could_be_fetched_speaks(tmp_path: Path) -> None:
    with RawServer({}) as server:
        config = _config(tmp_path, server, seeds=[f"http://127.0.0.1:{_dead_port()}/"])
    text = config.read_text().replace(f"127.0.0.1:{server.port}", "127.0.0.1")
    config.write_text(text + "RETRY_ENABLED = false\n")
    result = cli("scan", "--config", str(config), "--quiet")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Error: the scan failed (nothing could be fetched" in result.stderr
    assert "FETCH FAILURE" in result.stdout


def test_crawl_where_most_fetches_failed_fails(tmp_path: Path) -> None:
    port = _dead_port()
    links = "".join(f'<a href="http://127.0.0.1:{port}/{n}">{n}</a>' for n in range(4))
    with RawServer({"/": response(200, f"<html><body>{links}</body></html>".encode())}) as server:
        result = cli("crawl", server.url("/"), "--db", str(tmp_path / "c.db"), "--quiet",
                     "--follow-offsite", "--ignore-robots", "--allow-host", "127.0.0.1",
                     "--set", "RETRY_ENABLED=false", "--format", "json")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Error: most fetches failed: 4 of 5" in result.stderr
    assert result.json()["status"] == "finished"
