"""Rendering in headless Chromium: script-written numbers are found, screenshots are taken,
and the browser reaches no host the crawl's guard would refuse.

The trap server (``secret_server``) is another loopback port the page's scripts, images,
iframes, WebSocket, beacon, popup, ``location =`` and ``<meta refresh>`` all point at: it must
get no request at all. Skipped without Chromium and Playwright.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from crawlhelp import query, run_scamlines, site_args
from sitemock import SiteServer

from crawler.render import chromium_path

pytest.importorskip("playwright")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="needs Chromium"),
]

ROOT = Path(__file__).parent / "site_render"
HOST = "norton-help-portal.zohosites.com"


@pytest.fixture
def render_site(secret_server: SiteServer) -> Iterator[SiteServer]:
    with SiteServer(ROOT, substitutions={"SECRET_PORT": secret_server.port}) as server:
        yield server


@pytest.fixture
def direct_site(tmp_path: Path, secret_server: SiteServer) -> Iterator[SiteServer]:
    """The same pages answered for Host 127.0.0.1 (``check`` resolves names itself)."""
    shutil.copytree(ROOT / HOST, tmp_path / "127.0.0.1")
    with SiteServer(tmp_path, substitutions={"SECRET_PORT": secret_server.port}) as server:
        yield server


def _check(site: SiteServer, path: str, *args: str) -> tuple[dict, str]:
    url = f"http://127.0.0.1:{site.port}{path}"
    result = run_scamlines("check", url, "--allow-host", f"127.0.0.1:{site.port}",
                           "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_check_finds_a_script_written_number_only_when_rendering(
    direct_site: SiteServer, tmp_path: Path
) -> None:
    served, _ = _check(direct_site, "/app.html", "--render", "never")
    assert served["verdict"] == "clean"
    assert served["numbers"] == []
    assert served["text"] == "served"
    rendered, _ = _check(direct_site, "/app.html", "--render", "auto",
                         "--screenshots", str(tmp_path / "shots"))
    assert rendered["verdict"] == "flagged"
    assert rendered["text"] == "rendered"
    assert [n["e164"] for n in rendered["numbers"]] == ["+18885550142"]
    kinds = {s["kind"] for s in rendered["screenshots"]}
    assert kinds == {"viewport", "full_page"}
    png = Path(rendered["screenshots"][0]["path"]).read_bytes()
    assert png.startswith(b"\x89PNG")


def test_check_render_reaches_no_other_host(
    direct_site: SiteServer, secret_server: SiteServer
) -> None:
    url = f"http://127.0.0.1:{direct_site.port}"
    result = run_scamlines("check", f"{url}/traps.html", f"{url}/leave.html", "--allow-host",
                           f"127.0.0.1:{direct_site.port}", "--format", "json",
                           "--render", "always")
    assert result.returncode == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    for report in reports:
        assert report["text"] == "rendered"
        assert report["verdict"] == "flagged"  # the script ran: it wrote the number
    assert secret_server.hits == []
    refused = " ".join(r for report in reports for r in report["refused_requests"])
    for path in ("/fetch", "/xhr", "/img.png", "/iframe", "/script.js", "/ws", "/location",
                 "/meta-refresh"):
        assert f"{secret_server.port}{path}" in refused, path  # tried, and stopped
    # the page's own subrequests did go through the guarded fetch
    assert direct_site.paths_hit() == ["/traps.html", "/leave.html"]


def test_render_always_without_chromium_is_exit_2(direct_site: SiteServer) -> None:
    import subprocess

    from crawlhelp import scamlines_command, subprocess_env

    env = {**subprocess_env(), "SCAMLINES_CHROMIUM": "/nonexistent/chromium"}
    url = f"http://127.0.0.1:{direct_site.port}/app.html"
    base = ["check", url, "--allow-host", f"127.0.0.1:{direct_site.port}"]
    always = subprocess.run(scamlines_command(*base, "--render", "always"), env=env,
                            capture_output=True, text=True, check=False)
    assert always.returncode == 2
    assert "Chromium" in always.stderr
    auto = subprocess.run(scamlines_command(*base), env=env, capture_output=True, text=True,
                          check=False)
    assert auto.returncode == 0
    assert auto.stderr.count("warning: --render auto") == 1


def _crawl(tmp_path: Path, site: SiteServer, *args: str) -> Path:
    db = tmp_path / "render.db"
    result = run_scamlines(
        "crawl", site.url(HOST, "/"), "--db", str(db), "--depth", "1", "--format", "json",
        "--quiet", *site_args(site), *args, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return db


def _verdicts(db: Path) -> dict[str, str | None]:
    rows = query(db, "SELECT url, verdict FROM pages")
    return {row["url"].rsplit("/", 1)[1]: row["verdict"] for row in rows}


def test_crawl_renders_pages_built_by_scripts(
    tmp_path: Path, render_site: SiteServer, secret_server: SiteServer
) -> None:
    db = _crawl(tmp_path, render_site, "--render", "auto")
    verdicts = _verdicts(db)
    assert verdicts["app.html"] == "flagged"
    assert verdicts["plain.html"] == "flagged"
    assert verdicts["traps.html"] == "flagged"
    assert verdicts["leave.html"] == "flagged"
    assert verdicts["guide.pdf"] == "flagged"
    assert secret_server.hits == []
    sources = {row["url"].rsplit("/", 1)[1]: row["text_source"] for row in query(
        db, "SELECT p.url, c.text_source FROM pages p JOIN captures c ON c.page_id = p.id")}
    assert sources["app.html"] == "rendered"
    assert sources["plain.html"] == "rendered"  # rendered for its screenshot
    assert sources["guide.pdf"] == "document"
    assert sources[""] == "served"  # the index: enough text, no script, no number
    # every flagged web page has a screenshot; the PDF names the page of its number
    shots = query(db, "SELECT p.url, s.kind, b.content_type FROM screenshots s "
                      "JOIN pages p ON p.id = s.page_id JOIN bodies b ON b.sha256 = s.sha256")
    shown = {(r["url"].rsplit("/", 1)[1], r["kind"]) for r in shots}
    for page in ("app.html", "plain.html", "traps.html", "leave.html"):
        assert (page, "viewport") in shown and (page, "full_page") in shown
    assert {r["content_type"] for r in shots} == {"image/png"}
    pages = query(db, "SELECT DISTINCT doc_page FROM sightings s JOIN pages p ON p.id = s.page_id "
                      "WHERE p.url LIKE '%guide.pdf'")
    assert [r["doc_page"] for r in pages] == [3]


def test_crawl_without_rendering_misses_the_script_written_number(
    tmp_path: Path, render_site: SiteServer, secret_server: SiteServer
) -> None:
    db = _crawl(tmp_path, render_site, "--render", "never")
    verdicts = _verdicts(db)
    assert verdicts["app.html"] == "clean"
    assert verdicts["plain.html"] == "flagged"
    assert query(db, "SELECT count(*) AS n FROM screenshots")[0]["n"] == 0
    assert secret_server.hits == []


def test_report_and_takedown_carry_the_screenshots(
    tmp_path: Path, render_site: SiteServer, secret_server: SiteServer
) -> None:
    import asyncio
    import hashlib

    from reporthelp import foreign_elements, run_cli

    db = _crawl(tmp_path, render_site, "--render", "auto")
    flagged = {r["id"]: r["url"] for r in query(
        db, "SELECT id, url FROM pages WHERE verdict = 'flagged' AND url LIKE '%.html'")}
    assert len(flagged) == 4
    report = tmp_path / "report.html"
    assert run_cli("report", "--format", "html", "--db", db, "-o", report).exit_code == 0
    # In headless Chromium, under the report's own CSP: every flagged page's screenshot is
    # shown (decoded: it has a width), and nothing else loads.
    shown = asyncio.run(_images_in_browser(report))
    shas = {r["sha256"] for r in query(db, "SELECT sha256 FROM screenshots WHERE kind = 'viewport'")}
    assert {sha for sha, width in shown if width > 0} == shas
    assert len(shas) >= len(flagged) - 1  # identical pages may share one PNG
    import lxml.html

    assert foreign_elements(lxml.html.fromstring(report.read_text())) == []
    assert "text judged: rendered" in report.read_text()
    # The takedown package: each flagged page's screenshot, its hash in manifest and sums.
    out = tmp_path / "takedown"
    result = run_cli("takedown", "--domain", HOST, "-o", out, "--db", db)
    assert result.exit_code == 0, result.output
    site_dir = next(out.glob("site-*"))
    manifest = json.loads((site_dir / "manifest.json").read_text())
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    sums = (site_dir / "SHA256SUMS").read_text()
    for page_id in flagged:
        name = f"evidence/page-{page_id}/screenshot.png"
        digest = hashlib.sha256((site_dir / name).read_bytes()).hexdigest()
        assert listed[name] == digest
        assert f"{digest}  {name}" in sums
    assert secret_server.hits == []


async def _images_in_browser(report: Path) -> list[tuple[str, int]]:
    from playwright.async_api import async_playwright

    from crawler.render import launch_options

    executable = chromium_path()
    assert executable is not None
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**launch_options(executable))
        page = await browser.new_page()
        await page.goto(report.as_uri())
        images = await page.evaluate(
            "() => [...document.images].map(i => [i.dataset.sha256, i.naturalWidth])")
        await browser.close()
    return [(sha, int(width)) for sha, width in images]
