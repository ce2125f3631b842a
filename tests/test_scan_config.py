"""The scan configuration file: paths relative to it, every problem as file:line: message."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from crawlhelp import REPO

import allowlist
from crawler.cli import cli
from crawler.scans.config import ScanConfigError, load_scan_config

EXAMPLE = REPO / "examples" / "scan.toml"


def write(folder: Path, text: str, name: str = "scan.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ScanConfigError) as caught:
        load_scan_config(path)
    return str(caught.value).splitlines()


def test_the_example_file_is_valid() -> None:
    config = load_scan_config(EXAMPLE)
    assert config.name == "airline-support-scams"
    assert config.db == EXAMPLE.parent / "scamlines.db"
    assert config.brands == ("American Airlines", "Delta Air Lines", "United Airlines")
    assert (config.depth, config.max_pages, config.timeout) == (2, 500, 1800.0)
    assert config.settings == {"DOWNLOAD_DELAY": 2}
    assert config.discovery_queries
    assert [(r.format, r.path) for r in config.reports] == [
        ("html", EXAMPLE.parent / "reports" / "nightly.html"),
        ("csv", EXAMPLE.parent / "reports" / "nightly.csv"),
    ]


def test_relative_paths_resolve_against_the_file_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "watch"
    (folder / "pages").mkdir(parents=True)
    (folder / "pages" / "a.html").write_text("<p>hi</p>")
    (folder / "lists").mkdir()
    (folder / "lists" / "more.txt").write_text("# more\n../pages/a.html\nhttps://x.example/\n")
    write(folder, 'db = "store.db"\nseeds = ["pages/"]\nseed_files = ["lists/more.txt"]\n'
                  'allowlist = "../al"\n')  # fmt: skip
    (tmp_path / "al").mkdir()
    monkeypatch.chdir("/")
    config = load_scan_config(folder / "scan.toml")
    assert config.db == folder / "store.db"
    assert config.allowlist == allowlist.Selection((str(tmp_path / "al"),))
    assert config.seeds == (str(folder / "pages"), str(folder / "pages" / "a.html"),
                            "https://x.example/")  # fmt: skip
    assert config.name == "scan"
    assert (config.depth, config.max_pages, config.timeout) == (3, 1000, 3600.0)


def test_syntax_errors_have_their_line(tmp_path: Path) -> None:
    path = write(tmp_path, 'seeds = ["https://x.example/"]\n[limits]\ndepth = = 2\n')
    assert problems(path) == [
        f"{path}:3: TOML syntax error: Invalid value",
    ]


BAD = """\
name = "x"
db = "nowhere/x.db"
seeds = ["https://x.example/", "missing-folder/"]
brands = ["Delat Air Lines"]
[limits]
depth = -1
max_page = 3
timeout = "soon"
[crawl]
resolve = { "a.example" = "not-an-ip" }
ignore_robots = 1
[[reports]]
format = "csv"
"""


def test_every_semantic_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    expected = [
        f"2: db: folder {tmp_path / 'nowhere'} does not exist",
        "3: seeds: missing-folder/: not an http(s) URL and no such file or folder",
        (
            "4: brands: 'Delat Air Lines' is not a brand of the allowlist (did you mean "
            "'Delta Air Lines'?)"
        ),
        "6: [limits] depth: must be a whole number, 0 or more",
        (
            "7: [limits] max_page: unknown key (did you mean max_pages?); known keys: depth, "
            "max_pages, timeout"
        ),
        "8: [limits] timeout: must be a number of seconds, 0 (no limit) or more",
        "10: [crawl] resolve: a.example = 'not-an-ip': not an IP address",
        "11: [crawl] ignore_robots: must be true or false",
        "12: [[reports]] path: must be a non-empty string (where to write the report)",
    ]
    assert sorted(problems(path)) == sorted(f"{path}:{line}" for line in expected)


def test_no_seeds_and_bad_seed_file_lines(tmp_path: Path) -> None:
    no_seeds = "1: no seeds: give seeds = [URLs, files or folders] or seed_files"
    assert problems(write(tmp_path, 'db = "x.db"\n')) == [f"{tmp_path / 'scan.toml'}:{no_seeds}"]
    (tmp_path / "list.txt").write_text("https://ok.example/\n\nftp://nope.example/\n")
    path = write(tmp_path, 'seed_files = ["list.txt", "absent.txt"]\n')
    ftp = "3: seeds: ftp://nope.example/: only http(s) URLs and local files can be crawled"
    assert problems(path) == [
        f"{tmp_path / 'list.txt'}:{ftp}",
        f"{path}:1: seed_files: {tmp_path / 'absent.txt'}: no such seeds file",
    ]


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    assert problems(tmp_path / "absent.toml") == [
        f"{tmp_path / 'absent.toml'}: no such configuration file"
    ]
    assert problems(tmp_path) == [f"{tmp_path}: is a folder, not a TOML file"]


def test_brands_are_matched_case_insensitively_and_by_slug(tmp_path: Path) -> None:
    path = write(tmp_path, 'seeds = ["https://x.example/"]\nbrands = ["delta air lines", '
                           '"united-airlines"]\n')  # fmt: skip
    assert load_scan_config(path).brands == ("Delta Air Lines", "United Airlines")


def test_scan_command_reports_config_problems_without_a_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["scan", "--config", str(tmp_path / "none.toml")])
    assert missing.exit_code == 2
    assert "no such configuration file" in missing.output
    assert not isinstance(missing.exception, Exception) or isinstance(
        missing.exception, SystemExit
    )
    bad = write(tmp_path, "[limits\n")
    result = runner.invoke(cli, ["scan", "--config", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:1: TOML syntax error" in result.output
    assert not (tmp_path / "scamlines.db").exists()



def test_scan_reports_keep_this_scans_findings_of_the_configured_brands() -> None:
    from crawler.scans.scan import scan_filters
    from reports.rows import Filters

    def finding(brand: str, last_run: int) -> dict[str, object]:
        return {"id": 1, "brand": brand, "verdict": "flagged", "status": "new",
                "last_run": last_run, "last_seen": "2026-11-22T02:00:00.000Z"}  # fmt: skip

    one = scan_filters(Filters, 7, ("Delta Air Lines",))
    assert one.keeps(finding("Delta Air Lines", 7))
    assert not one.keeps(finding("United Airlines", 7))
    assert not one.keeps(finding("Delta Air Lines", 6))  # not seen by this scan
    two = scan_filters(Filters, 7, ("Delta Air Lines", "United Airlines"))
    assert two.keeps(finding("United Airlines", 7)) and two.keeps(finding("Delta Air Lines", 7))
    assert not two.keeps(finding("Netflix", 7))
    assert "brands Delta Air Lines, United Airlines" in two.describe()
    assert scan_filters(Filters, 7, ()).keeps(finding("Netflix", 7))
