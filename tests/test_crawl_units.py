"""Crawler parts that need no crawl: seeds, scope, link priority, settings, records."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings

import allowlist
from crawler.config import CrawlConfig
from crawler.links import in_scope, registrable_domain
from crawler.linkscore import BRAND, LinkScorer, brand_terms
from crawler.pipelines import run_status
from crawler.runner import CrawlOptions, build_settings, job_dir
from crawler.seeds import SeedError, SeedSet, parse_seeds
from crawler.spiders.scamlines import failure_kind, fetch_record

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "site"


# --- seeds --------------------------------------------------------------------------------------


def test_http_seeds_are_normalised_and_deduplicated() -> None:
    seeds = parse_seeds(["https://Example.com", "https://example.com/", "http://a.example/x y"])
    assert seeds.urls == ("https://example.com/", "http://a.example/x%20y")
    assert seeds.file_roots == ()


def test_folder_seed_is_every_html_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.html", "b.htm", "sub/c.html", "notes.txt"):
        (tmp_path / name).write_text("<p>x</p>")
    seeds = parse_seeds([str(tmp_path)])
    assert [url.rsplit("/", 1)[1] for url in seeds.urls] == ["a.html", "b.htm", "c.html"]
    assert all(url.startswith("file:///") for url in seeds.urls)
    assert seeds.file_roots == (tmp_path.resolve(),)


def test_file_seed_as_path_or_url(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<p>x</p>")
    by_path = parse_seeds(["page.html"], base=tmp_path)
    by_url = parse_seeds([page.as_uri()])
    assert by_path == by_url
    assert by_path.file_roots == (tmp_path.resolve(),)


def test_seeds_file_with_comments_relative_paths_and_fragments(tmp_path: Path) -> None:
    (tmp_path / "local.html").write_text("<p>x</p>")
    listing = tmp_path / "seeds.txt"
    listing.write_text(
        "# nightly watch list\n\nhttps://a.example/#top\nlocal.html  # a saved page\n"
    )
    seeds = parse_seeds([], listing, base=Path("/"))
    assert seeds.urls[0] == "https://a.example/#top"
    assert seeds.urls[1] == (tmp_path / "local.html").resolve().as_uri()


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ("example.com", "did you mean https://example.com/"),
        ("no/such/folder", "no such file or folder"),
        ("ftp://files.example/", "only http"),
        ("javascript:alert(1)", "no such file"),
        ("http:///nohost", "no host"),
        ("http://a.example:99999/", "bad port"),
    ],
)
def test_bad_seeds_are_explained(seed: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(SeedError, match=message):
        parse_seeds([seed], base=tmp_path)


def test_empty_folder_and_missing_seeds_file(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match=r"no \.html files"):
        parse_seeds([str(tmp_path)])
    with pytest.raises(SeedError, match="no such seeds file"):
        parse_seeds([], tmp_path / "missing.txt")
    with pytest.raises(SeedError, match="no seeds"):
        parse_seeds([])


def test_bad_line_in_seeds_file_is_located(tmp_path: Path) -> None:
    listing = tmp_path / "seeds.txt"
    listing.write_text("https://ok.example/\nnot-a-seed\n")
    with pytest.raises(SeedError, match=r"seeds\.txt:2: not-a-seed"):
        parse_seeds([], listing)


# --- scope and priority ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.amazon.com", "amazon.com"),
        ("shop.example.co.uk", "example.co.uk"),
        ("amazon-care.blogspot.com", "amazon-care.blogspot.com"),  # private suffix: a tenant
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
    ],
)
def test_registrable_domain(host: str, domain: str) -> None:
    assert registrable_domain(host) == domain


def test_scope_same_registrable_domain_by_default() -> None:
    page = "https://help.scam.example.com/a"
    assert in_scope("https://www.scam.example.com/b", page)
    assert not in_scope("https://other.example.org/", page)
    assert in_scope("https://other.example.org/", page, follow_offsite=True)
    # Two tenants of one free host are different sites.
    assert not in_scope("https://b.blogspot.com/", "https://a.blogspot.com/")
    assert not in_scope("mailto:x@scam.example.com", page)
    assert not in_scope("ftp://scam.example.com/", page, follow_offsite=True)


def test_scope_for_local_files(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    page = (root / "index.html").as_uri()
    assert in_scope((root / "other.html").as_uri(), page, file_roots=[root])
    assert not in_scope((tmp_path / "outside.html").as_uri(), page, file_roots=[root])
    assert not in_scope("file:///etc/passwd", page, file_roots=[root])
    # Web pages never lead to local files, whatever the options.
    assert not in_scope("file:///etc/passwd", "https://a.example/", follow_offsite=True)
    assert not in_scope("https://a.example/", page)
    assert in_scope("https://a.example/", page, follow_offsite=True)


def test_contact_and_brand_links_come_first() -> None:
    # More cases, and the other signals, in tests/test_discover_linkscore.py.
    scorer = LinkScorer(brand_terms(allowlist.load()))
    plain = scorer.score("https://x.example/blog/recipes", "Our recipes")
    contact = scorer.score("https://x.example/contact-us", "Contact")
    brand = scorer.score("https://x.example/posts/9", "Netflix account on hold")
    both = scorer.score("https://x.example/amazon-customer-service-number", "Call now")
    short_brand = scorer.score("https://x.example/p/1", "HP printer offline")
    assert plain == 0
    assert contact > 0
    assert brand == BRAND
    assert both > max(contact, brand)
    assert short_brand >= BRAND
    # A short brand name inside an ordinary word is not a mention.
    assert scorer.score("https://x.example/p/2", "Shipping costs") == 0


# --- settings and records -----------------------------------------------------------------------


def test_config_reads_and_validates_settings(tmp_path: Path) -> None:
    settings = Settings(
        {
            "SCAMLINES_DB": str(tmp_path / "x.db"),
            "SCAMLINES_ALLOW_HOSTS": ["127.0.0.1:8080"],
            "SCAMLINES_RESOLVE": {"A.Example.": "127.0.0.1"},
            "SCAMLINES_MAX_PAGES": "7",
        }
    )
    config = CrawlConfig.from_settings(settings)
    assert config.db == tmp_path / "x.db"
    assert config.allow_hosts[0].port == 8080
    assert config.resolve == {"a.example": "127.0.0.1"}
    assert config.max_pages == 7
    with pytest.raises(ValueError, match="SCAMLINES_ALLOW_HOSTS"):
        CrawlConfig.from_settings(Settings({"SCAMLINES_ALLOW_HOSTS": ["http://x/"]}))
    with pytest.raises(ValueError, match="SCAMLINES_RUN_ID"):
        CrawlConfig.from_settings(Settings({"SCAMLINES_REPLAY": True}))


def test_build_settings_is_explicit_and_absolute(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # like cron: no scrapy.cfg anywhere near
    seeds = SeedSet(("https://a.example/",))
    options = CrawlOptions(seeds=seeds.urls, db=Path("rel.db"), depth=1, ignore_robots=True)
    jobdir = job_dir(options.db.absolute(), seeds)
    settings = build_settings(options, seeds, run_id=4, jobdir=jobdir, log_file=None)
    assert settings["SPIDER_MODULES"] == ["crawler.spiders"]
    assert settings["SCAMLINES_DB"] == str(tmp_path / "rel.db")
    assert settings["JOBDIR"] is None  # memory queues; resume replays from the store
    assert Path(settings["HTTPCACHE_DIR"]).is_absolute()
    assert settings.getint("DEPTH_LIMIT") == 1
    assert settings.getbool("ROBOTSTXT_OBEY") is False
    assert settings.getbool("COOKIES_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings["REFERRER_POLICY"] == "no-referrer"
    assert settings.getdict("DOWNLOAD_HANDLERS")["data"] is None
    assert 503 in settings.getlist("HTTPCACHE_IGNORE_HTTP_CODES")
    assert jobdir.parent.parent == tmp_path / "rel.db.state"
    assert job_dir(options.db.absolute(), SeedSet(("https://b.example/",))) != jobdir


def test_fetch_record_keeps_the_redirect_chain() -> None:
    request = Request(
        "https://a.example/new",
        meta={
            "redirect_urls": ["https://a.example/old", "https://a.example/mid"],
            "redirect_reasons": [301, 302],
            "depth": 2,
            "scamlines_priority": 20,
        },
    )
    response = HtmlResponse(
        "https://a.example/new",
        body=b"<html><title>x</title></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=request,
    )
    record = fetch_record(response)
    assert record.url == "https://a.example/old"
    assert record.final_url == "https://a.example/new"
    assert [hop["status"] for hop in record.redirect_chain] == [301, 302, 200]
    assert record.redirect_chain[-1]["url"] == "https://a.example/new"
    assert (record.depth, record.priority, record.domain) == (2, 20, "a.example")
    assert record.headers["Content-Type"] == ["text/html; charset=utf-8"]
    assert record.note is None


def test_fetch_record_notes_binary_bodies() -> None:
    request = Request("https://a.example/app")
    response = Response(
        "https://a.example/app",
        body=b"\x00\x01",
        headers={"Content-Type": "application/octet-stream"},
        request=request,
    )
    assert "application/octet-stream" in fetch_record(response).note


def test_failure_kinds() -> None:
    assert failure_kind(IgnoreRequest("refused by the network guard: loopback")) is None
    assert failure_kind(IgnoreRequest("Forbidden by robots.txt")) is None
    assert failure_kind(IgnoreRequest("exceeded DOWNLOAD_MAXSIZE (1 B)")) == "too_large"
    assert failure_kind(DownloadCancelledError()) == "too_large"
    assert failure_kind(TimeoutError("slow")) == "TimeoutError"


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        ("finished", "finished"),
        ("max_pages", "finished"),
        ("shutdown", "interrupted"),
        ("closespider_timeout", "interrupted"),
        ("closespider_errorcount", "failed"),
        ("cancelled", "failed"),
    ],
)
def test_run_status(reason: str, status: str) -> None:
    assert run_status(reason, {}) == status
    assert run_status(reason, {"scamlines/store_error": "disk full"}) == "failed"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<p>Caf\u00e9 \u260e 1-888</p>".encode(), "text/html; charset=utf-8"),
        ("<p>Caf\u00e9 \u2013 1-888</p>".encode("cp1252"), "text/html"),
        (b"\xef\xbb\xbf<p>bom \xe2\x98\x8e</p>", "text/html; charset=latin-1"),
        (b"<meta charset='shift_jis'><p>\x82\xa0 broken \xff\xfe</p>", "text/html"),
        (b"<p>bad utf-8 \xc3\x28 \xa0</p>", "text/html; charset=utf-8"),
    ],
)
def test_the_page_worker_decodes_a_body_as_scrapy_did(body: bytes, content_type: str) -> None:
    from scrapy.http import HtmlResponse

    from crawler.pageworker import decoded

    response = HtmlResponse("https://a.example/", body=body,
                            headers={"Content-Type": content_type})  # fmt: skip
    assert decoded(body, response.encoding) == response.text


def test_the_page_worker_runs_below_the_crawl() -> None:
    """The worker yields a core to the crawl's event loop (benchmarks/crawl.py: detection on vs
    off); run in a child so this test process keeps its priority."""
    import subprocess
    import sys

    from crawler.pageworker import WORKER_NICENESS

    code = ("import os; before = os.nice(0); from crawler.pageworker import _lower_priority; "
            "_lower_priority(); print(os.nice(0) - before)")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(result.stdout) == WORKER_NICENESS


def test_a_resumed_summary_counts_the_whole_run_from_the_store() -> None:
    """Stats know only this process's pages; the store's counts are the run's."""
    from crawler.runner import summarise

    run = {"id": 3, "status": "finished", "finish_reason": "finished"}
    stats = {"scamlines/pages": 12, "scamlines/verdict/flagged": 2, "scamlines/analysed": 2}
    stored = {"flagged": 30, "clean": 5, None: 5}
    summary = summarise(run, stats, 1.0, [], True, Path("a.db"), Path("job"), Path("log"),
                        Settings(), stored)  # fmt: skip
    assert (summary.verdicts, summary.analysed, summary.not_analysed, summary.run_pages) == (
        {"clean": 5, "flagged": 30}, 35, 5, 40)
    assert "verdicts (whole run, 40 pages): 5 clean, 30 flagged; 5 not analysed" in summary.to_text()


def test_page_truncated_is_said_once_on_the_page_and_each_finding() -> None:
    """One way to say it (crawler.analysis.note_truncated), whoever says it and how often."""
    import detector
    from crawler.analysis import add_reasons, limit_reasons, note_truncated

    page = "<title>PayPal support</title><p>PayPal customer care toll free: call 1-888-555-0142</p>"
    report = detector.analyze(page, url="https://help.example/", allowlist=allowlist.load())
    assert report.findings
    report = note_truncated(note_truncated(report), "said again, differently")
    report = add_reasons(report, limit_reasons({"render_timeout": "15"}))
    for reasons in [report.reasons, *(finding.reasons for finding in report.findings)]:
        codes = [reason.code for reason in reasons]
        assert codes.count("page_truncated") == 1 and codes.count("render_timeout") == 1
