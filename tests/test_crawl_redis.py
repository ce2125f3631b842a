"""Distributed runs on a real ``redis-server`` (started on a free loopback port; skipped when
the Debian package is absent): a recorder and two worker processes against a local site give
the same pages and verdicts as a single-process crawl, each page stored once."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawlhelp import PRINTER_HOST, query, run_scamlines, scamlines_command, site_args
from crawlhelp import subprocess_env as env
from sitemock import SiteServer

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with SiteServer(gen_pages=30) as server:
        yield server


def crawl_args(site: SiteServer, db: Path) -> list[str]:
    return ["crawl", site.url(PRINTER_HOST, "/gen/0"), "--db", str(db), "--depth", "10",
            "--format", "json", "--quiet", *site_args(site)]  # fmt: skip


def pages(db: Path) -> dict[str, str | None]:
    return {r["url"]: r["verdict"] for r in query(db, "SELECT url, verdict FROM pages")}


def test_recorder_and_two_workers_match_a_local_crawl(
    tmp_path: Path, site: SiteServer, redis_url: str
) -> None:
    local = tmp_path / "local.db"
    assert run_scamlines(*crawl_args(site, local)).returncode == 0
    db = tmp_path / "shared.db"
    recorder = subprocess.Popen(
        scamlines_command(*crawl_args(site, db), "--redis", redis_url),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
    )  # fmt: skip
    worker = subprocess.run(
        scamlines_command("worker", "--redis", redis_url, "--processes", "2"),
        check=False, capture_output=True, text=True, env=env(), timeout=180,
    )  # fmt: skip
    _, err = recorder.communicate(timeout=120)
    assert recorder.returncode == 0, err
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert pages(db) == pages(local) and len(pages(local)) > 20
    captures = query(db, "SELECT count(*) AS n, count(DISTINCT page_id) AS d FROM captures")
    assert captures[0]["n"] == captures[0]["d"]  # no page stored twice
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    settings = query(db, "SELECT settings FROM runs")[0]["settings"]
    assert "SCAMLINES_REDIS" in settings


def test_redis_down_at_start_is_exit_2(tmp_path: Path, site: SiteServer) -> None:
    url = f"redis://user:hunter2@127.0.0.1:{free_port()}/0"
    result = run_scamlines(*crawl_args(site, tmp_path / "x.db"), "--redis", url)
    assert result.returncode == 2
    assert "cannot reach Redis" in result.stderr and "hunter2" not in result.stderr
    worker = run_scamlines("worker", "--redis", url)
    assert worker.returncode == 2 and "hunter2" not in worker.stderr
