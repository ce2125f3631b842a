"""Hostile configuration (issue 16, item 11): whatever an allowlist layer, a scan
configuration or ``--set`` holds, the command says what is wrong and where, and exits 2
before anything is fetched. Each case runs the CLI in a subprocess.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import cli

DEEP = "[" * 100_000 + "]" * 100_000
SCAN = 'name = "x"\ndb = "{db}"\nseeds = ["http://127.0.0.1:9/"]\n'


def _scan(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "scan.toml"
    path.write_text(SCAN.format(db=tmp_path / "x.db") + extra, encoding="utf-8")
    return path


# ids: a test's id lands in the environment of its subprocesses (PYTEST_CURRENT_TEST).
@pytest.mark.parametrize("nested", [DEEP, "{a = " * 5000 + "1" + "}" * 5000, "[" * 40 + "]" * 40],
                         ids=["arrays", "tables", "forty"])
def test_deeply_nested_allowlist_layer_is_refused(tmp_path: Path, nested: str) -> None:
    layer = tmp_path / "layer"
    layer.mkdir()
    (layer / "acme.toml").write_text(f'name = "Acme"\nnumbers = {nested}\n', encoding="utf-8")
    page = tmp_path / "p.html"
    page.write_text("<p>hello</p>", encoding="utf-8")
    result = cli("check", "--allowlist", str(layer), str(page))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "acme.toml:2: TOML syntax error: too deeply nested" in result.stderr


def test_deeply_nested_scan_config_is_refused(tmp_path: Path) -> None:
    result = cli("scan", "--config", str(_scan(tmp_path, f"[limits]\nx = {DEEP}\n")))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "scan.toml:5: TOML syntax error: too deeply nested" in result.stderr


@pytest.mark.parametrize(("extra", "message"), [
    ("[crawl.settings]\nDOWNLOAD_HANDLERS = 5\n",
     "scan.toml:5: [crawl.settings] DOWNLOAD_HANDLERS: must be a table"),
    ('[crawl.settings]\nDOWNLOAD_HANDLERS = {http = 5}\n',
     "DOWNLOAD_HANDLERS: the value of 'http' must be a class path"),
    ('[crawl.settings]\nDOWNLOAD_DELAY = "abc"\n',
     "scan.toml:5: [crawl.settings] DOWNLOAD_DELAY: must be a number, not 'abc'"),
    ("[crawl.settings]\nCLOSESPIDER_TIMEOUT = nan\n", "CLOSESPIDER_TIMEOUT: must be a finite number"),
    ("[limits]\ntimeout = nan\n", "scan.toml:5: [limits] timeout: must be a number of seconds"),
    ("[limits]\ntimeout = inf\n", "scan.toml:5: [limits] timeout: must be a number of seconds"),
])
def test_bad_scan_setting_is_refused_with_its_line(tmp_path: Path, extra: str, message: str) -> None:
    result = cli("scan", "--config", str(_scan(tmp_path, extra)))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert not (tmp_path / "x.db").exists()  # refused before the store was made


@pytest.mark.parametrize(("args", "message"), [
    (["--set", "DOWNLOAD_DELAY=abc"], "setting DOWNLOAD_DELAY: must be a number, not 'abc'"),
    (["--set", "DOWNLOAD_HANDLERS=5"], "setting DOWNLOAD_HANDLERS: must be a table"),
    (["--set", "ROBOTSTXT_OBEY=maybe"], "setting ROBOTSTXT_OBEY: must be true or false"),
    (["--set", "SCAMLINES_MAX_PAGES=lots"], "setting SCAMLINES_MAX_PAGES: must be a number"),
    (["--timeout", "nan"], "'nan' is not a finite number of seconds"),
])
def test_bad_crawl_setting_is_refused_before_the_crawl(tmp_path: Path, args: list[str],
                                                      message: str) -> None:
    db = tmp_path / "c.db"
    result = cli("crawl", "http://127.0.0.1:9/", "--db", str(db), "--quiet", *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert "failed_to_start" not in result.stdout + result.stderr
    assert not db.exists()


def test_deeply_nested_query_templates_are_refused(tmp_path: Path) -> None:
    queries = tmp_path / "q.toml"
    queries.write_text(f"en = {DEEP}\n", encoding="utf-8")
    result = cli("discover", "--queries", str(queries), "--provider", "searxng",
                 "--searxng-url", "http://127.0.0.1:9/", "--db", str(tmp_path / "d.db"))
    assert "too deeply nested" in result.stderr, (result.stdout, result.stderr)
    assert result.returncode == 2
