"""Nightly scans of a site that changes between them: every diff class, clusters, exit codes.

Four ``scamlines scan`` subprocesses against one loopback site, with the changes scammers
make between them: scan 2 sees a page added (N1 again, for Delta), a page removed (refund,
N2) and a number swapped (contact: N1 -> N3); scan 3 sees the removed page restored; scan 4
sees nothing change. Each scan's JSON summary ends with its diff against the previous one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from crawlhelp import run_scamlines
from scanhelp import DELTA, N1, N2, N3, UNITED, WatchSite, rows, scan, write_config
from sitemock import SiteServer

from crawler.scans.reputation import BONUS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Run the four scans once; the tests below read their summaries and the store."""
    tmp = tmp_path_factory.mktemp("watch")
    site = WatchSite(tmp / "site")
    with SiteServer(root=tmp / "site") as server:
        config = write_config(tmp / "scan.toml", server)
        results = {"server": server, "db": tmp / "data" / "watch.db", "config": config}
        results[1] = scan(config)
        site.page(DELTA, "news.html", "Delta Air Lines", N1, "Baggage Claims")
        site.link("news.html")
        site.remove("refund.html")
        site.page(DELTA, "contact.html", "Delta Air Lines", N3, "Reservations")
        results[2] = scan(config, "--fail-on-new")
        site.restore("refund.html")
        results[3] = scan(config)
        results[4] = run_scamlines("scan", "--config", str(config), "--quiet", "--fail-on-new")
        yield results


def url(scans: dict[str, Any], host: str, path: str = "/") -> str:
    return scans["server"].url(host, path)


def classes(items: list[dict[str, Any]], key: str) -> dict[Any, str]:
    return {item[key]: item["change"] for item in items}


def finding_classes(diff: dict[str, Any]) -> dict[tuple[str, str], str]:
    return {(f["url"], f["brand"]): f["change"] for f in diff["findings"]}


def summary(scans: dict[str, Any], number: int) -> dict[str, Any]:
    result = scans[number]
    assert "Traceback" not in result.stderr
    return result.json()


def test_first_scan_sees_everything_new(scans: dict[str, Any]) -> None:
    assert scans[1].returncode == 0, scans[1].stderr
    first = summary(scans, 1)
    assert first["status"] == "finished"
    diff = first["diff"]
    assert diff["before"] is None
    assert diff["after"]["kind"] == "scan"
    assert classes(diff["pages"], "url") == {
        url(scans, DELTA): "new",
        url(scans, DELTA, "/contact.html"): "new",
        url(scans, DELTA, "/refund.html"): "new",
        url(scans, UNITED): "new",
    }
    assert classes(diff["numbers"], "e164") == {N1: "new", N2: "new"}
    assert set(finding_classes(diff).values()) == {"new"}
    assert first["newly_flagged"] == diff["newly_flagged"] == 3  # contact, refund, united


def test_second_scan_sees_added_removed_and_swapped(scans: dict[str, Any]) -> None:
    assert scans[2].returncode == 1, scans[2].stderr  # --fail-on-new: news.html is new flagged
    diff = summary(scans, 2)["diff"]
    assert diff["before"]["id"] == 1 and diff["after"]["id"] == 2
    assert classes(diff["pages"], "url") == {
        url(scans, DELTA): "still",
        url(scans, DELTA, "/contact.html"): "still",
        url(scans, DELTA, "/refund.html"): "gone",
        url(scans, DELTA, "/news.html"): "new",
        url(scans, UNITED): "still",
    }
    # N1 left the contact page but stays on news and United: still. N2 left with refund.
    assert classes(diff["numbers"], "e164") == {N1: "still", N2: "gone", N3: "new"}
    findings = {(f["url"], f["brand"]): f for f in diff["findings"]}
    contact = findings[(url(scans, DELTA, "/contact.html"), "Delta Air Lines")]
    assert (contact["change"], contact["before"], contact["after"]) == ("still", "flagged", "flagged")
    assert (contact["numbers_before"], contact["numbers"]) == ([N1], [N3])
    assert finding_classes(diff)[(url(scans, DELTA, "/refund.html"), "Delta Air Lines")] == "gone"
    assert finding_classes(diff)[(url(scans, DELTA, "/news.html"), "Delta Air Lines")] == "new"
    assert [f["url"] for f in diff["findings"] if f["change"] == "new"] == [
        url(scans, DELTA, "/news.html")
    ]
    assert diff["newly_flagged"] == 1


def test_a_number_flagged_elsewhere_raises_the_new_page(scans: dict[str, Any]) -> None:
    # news.html is the contact page's template with N1, which scan 1 flagged on the contact
    # page (Delta) and on the United page: both reputation reasons, each worth BONUS.
    found = rows(
        scans["db"],
        "SELECT p.url, fr.score, f.reasons FROM finding_runs fr "
        "JOIN findings f ON f.id = fr.finding_id JOIN pages p ON p.id = f.page_id "
        "WHERE fr.run_id = 2 AND f.brand = 'Delta Air Lines' AND p.url LIKE '%.html'",
    )
    by_url = {row["url"].rsplit("/", 1)[1]: row for row in found}
    news, contact = by_url["news.html"], by_url["contact.html"]
    assert "number_seen_before" in news["reasons"]
    assert "number_reused_across_brands" in news["reasons"]
    assert "flagged for United Airlines elsewhere" in news["reasons"]
    assert news["score"] == pytest.approx(contact["score"] + 2 * BONUS)
    assert "number_seen_before" not in contact["reasons"]  # N3 was never flagged before


def test_third_scan_sees_the_restored_page_back(scans: dict[str, Any]) -> None:
    assert scans[3].returncode == 0, scans[3].stderr
    diff = summary(scans, 3)["diff"]
    assert diff["before"]["id"] == 2
    refund = url(scans, DELTA, "/refund.html")
    assert classes(diff["pages"], "url") == {
        url(scans, DELTA): "still",
        url(scans, DELTA, "/contact.html"): "still",
        url(scans, DELTA, "/news.html"): "still",
        refund: "back",
        url(scans, UNITED): "still",
    }
    assert classes(diff["numbers"], "e164") == {N1: "still", N2: "back", N3: "still"}
    assert finding_classes(diff)[(refund, "Delta Air Lines")] == "back"
    assert diff["counts"]["findings"] == {"new": 0, "back": 1, "gone": 0, "still": 4}
    assert diff["newly_flagged"] == 1


def test_quiet_scan_with_nothing_new_prints_nothing(scans: dict[str, Any]) -> None:
    assert scans[4].returncode == 0, scans[4].stderr  # --fail-on-new, but nothing is new
    assert scans[4].stdout == ""
    assert rows(scans["db"], "SELECT status FROM runs WHERE id = 4") == [{"status": "finished"}]


def test_diff_command_defaults_to_the_last_two_scans(scans: dict[str, Any]) -> None:
    db = str(scans["db"])
    text = run_scamlines("diff", "--db", db)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("scan run 4 (") and "compared with scan run 3 (" in lines[0]
    assert "findings: 0 new, 0 back, 0 gone, 5 still; 0 newly flagged" in lines
    explicit = run_scamlines("diff", "2", "3", "--db", db, "--format", "json")
    assert explicit.json() == summary(scans, 3)["diff"]
    wide = run_scamlines("diff", "1", "3", "--db", db, "--format", "json").json()
    # news.html first appeared in run 2, between the two: new since run 1, not back.
    assert classes(wide["pages"], "url")[url(scans, DELTA, "/news.html")] == "new"
    assert classes(wide["pages"], "url")[url(scans, DELTA, "/refund.html")] == "still"


def test_diff_text_lists_what_changed(scans: dict[str, Any]) -> None:
    text = run_scamlines("diff", "1", "2", "--db", str(scans["db"])).stdout
    assert f"{N1} -> {N3}" in text  # the swapped number on a still finding
    assert "gone   flagged" in text and "/refund.html" in text
    assert "new    flagged" in text and "/news.html" in text
    assert f"gone   {N2}" in text


def test_numbers_clusters(scans: dict[str, Any]) -> None:
    db = str(scans["db"])
    result = run_scamlines("numbers", "--db", db, "--min-pages", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    clusters = [line for line in result.stdout.splitlines() if line]
    assert len(clusters) == 1  # only N1 is on more than one page
    cluster = result.json()
    assert cluster["e164"] == N1
    assert cluster["page_count"] == 3
    assert len(cluster["domains"]) == 2
    assert cluster["brands"] == ["Delta Air Lines", "United Airlines"]
    assert cluster["flagged"] is True
    current = {page["url"]: page["current"] for page in cluster["pages"]}
    assert current == {
        url(scans, DELTA, "/contact.html"): False,  # swapped away in scan 2
        url(scans, DELTA, "/news.html"): True,
        url(scans, UNITED): True,
    }
    assert all(page["findings"] for page in cluster["pages"] if page["current"])
    every = run_scamlines("numbers", "--db", db)
    heads = [line.split()[0] for line in every.stdout.splitlines() if line.startswith("+")]
    assert heads == [N1, N2, N3]  # most pages first, then by number
    assert "3 pages on 2 domains" in every.stdout


def test_runs_are_scans_of_the_config(scans: dict[str, Any]) -> None:
    runs = rows(scans["db"], "SELECT id, kind, status, settings FROM runs ORDER BY id")
    assert [(r["kind"], r["status"]) for r in runs] == [("scan", "finished")] * 4
    assert all(str(scans["config"]) in r["settings"] for r in runs)


def test_db_path_is_relative_to_the_config_file(scans: dict[str, Any]) -> None:
    assert Path(scans["db"]).is_file()
    assert summary(scans, 1)["db"] == str(scans["db"])


def test_brands_filter_reports_and_discovery(tmp_path: Path) -> None:
    WatchSite(tmp_path / "site")
    with SiteServer(root=tmp_path / "site") as server:
        config = write_config(tmp_path / "scan.toml", server, extra='brands = ["united-airlines"]')
        config.write_text(
            config.read_text()
            + '[discovery]\nqueries = ["united airlines refund number"]\n'
            + '[[reports]]\nformat = "csv"\npath = "out/nightly.csv"\n'
            + '[[reports]]\nformat = "jsonl"\npath = "out/nightly.jsonl"\n'
        )
        result = scan(config)
    assert result.returncode == 0, result.stderr
    summary = result.json()
    # Only the United finding is reported; every page is still crawled and recorded.
    assert {f["brand"] for f in summary["diff"]["findings"]} == {"United Airlines"}
    assert summary["diff"]["brands"] == ["United Airlines"]
    assert summary["pages"] == 4 and len(summary["diff"]["pages"]) == 4
    assert [n["e164"] for n in summary["diff"]["numbers"]] == [N1]
    assert any(note.startswith("discovery: ") and "1 [discovery] query was not searched" in note
               for note in summary["notes"])  # fmt: skip
    assert [(r["format"], r["outcome"], r["detail"]) for r in summary["reports"]] == [
        ("csv", "written", "1 row"),
        ("jsonl", "written", "1 row"),
    ]
    csv_text = (tmp_path / "out" / "nightly.csv").read_text(encoding="utf-8")
    assert "United Airlines" in csv_text and "Delta Air Lines" not in csv_text
    assert f"'{N1}" in csv_text  # the reports package's spreadsheet-safe number
