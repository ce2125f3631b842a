"""The network guard in real crawls: loopback targets that were not allowed get no request.

Every target here is on the loopback interface, so even a broken guard could not send a
packet off the machine; the refused servers count their hits, which must stay at zero.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from crawlhelp import SCAM_HOST, query
from sitemock import SiteServer

pytestmark = pytest.mark.slow


def test_direct_loopback_seeds_are_refused(
    crawl, site: SiteServer, secret_server: SiteServer, alt_loopback_server: SiteServer
) -> None:
    result = crawl(
        f"http://127.0.0.2:{alt_loopback_server.port}/",
        f"http://127.0.0.1:{secret_server.port}/",
        f"http://localhost:{secret_server.port}/",
        f"http://2130706433:{secret_server.port}/",  # 127.0.0.1 spelled as a number
        site.url(SCAM_HOST, "/about.html"),
        "--depth",
        "0",
    )
    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert summary["refused"] == {"loopback": 4}
    assert summary["refused_total"] == 4
    assert len(summary["refused_examples"]) == 4
    assert summary["recorded"] == 1  # only the allowed virtual host
    assert secret_server.hits == []
    assert alt_loopback_server.hits == []


def test_allow_host_lets_one_host_and_port_through(
    tmp_path: Path,
    crawl,
    site: SiteServer,
    secret_server: SiteServer,
    alt_loopback_server: SiteServer,
) -> None:
    allowed = f"127.0.0.2:{alt_loopback_server.port}"
    result = crawl(
        f"http://{allowed}/",
        f"http://127.0.0.2:{secret_server.port}/",  # same address, port not allowed
        "--allow-host",
        allowed,
        "--depth",
        "0",
    )
    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert summary["refused"] == {"loopback": 1}
    assert alt_loopback_server.paths_hit() == ["/robots.txt", "/"]
    assert secret_server.hits == []
    urls = [row["url"] for row in query(tmp_path / "crawl.db", "SELECT url FROM pages")]
    assert urls == [f"http://{allowed}/"]


def test_every_redirect_hop_is_checked(
    tmp_path: Path, crawl, site: SiteServer, secret_server: SiteServer
) -> None:
    # Allowed hosts redirect to a loopback port that is not allowed, and to a local file.
    to_secret = site.url(SCAM_HOST, f"/redirect-to?url=http://127.0.0.1:{secret_server.port}/")
    to_file = site.url(SCAM_HOST, "/redirect-to?url=file:///etc/passwd")
    result = crawl(to_secret, to_file, "--depth", "0")
    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert summary["refused"] == {"loopback": 1}
    assert secret_server.hits == []
    # Scrapy does not follow a redirect to file: at all; the 302 itself is the page.
    pages = query(tmp_path / "crawl.db", "SELECT url, final_url, status FROM pages")
    assert pages == [{"url": to_file, "final_url": to_file, "status": 302}]


def test_text_summary_says_what_was_refused_and_why(
    tmp_path: Path, site: SiteServer, secret_server: SiteServer
) -> None:
    from crawlhelp import run_scamlines, site_args

    result = run_scamlines(
        "crawl",
        f"http://127.0.0.1:{secret_server.port}/admin",
        site.url(SCAM_HOST, "/about.html"),
        "--db",
        str(tmp_path / "text.db"),
        "--depth",
        "0",
        *site_args(site),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "refused by the network guard: 1 (1 loopback)" in out
    assert f"http://127.0.0.1:{secret_server.port}/admin" in out
    assert "127.0.0.1 (loopback)" in out
    assert "Traceback" not in result.stderr
    assert secret_server.hits == []
