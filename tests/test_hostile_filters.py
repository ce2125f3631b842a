"""Hostile filters (issue 16, item 7): ``--brand`` is the same words everywhere: any case
selects the brand, an unknown brand is exit 2 naming the brands the store has. Each case runs
the CLI in a subprocess.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile import SCAM_E164, RawServer, cli, page, response


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("filters") / "c.db"
    with RawServer({"/": response(200, page())}) as server:
        for _ in range(2):
            result = cli("crawl", server.url("/"), "--db", str(db), "--quiet", *server.allow,
                         "--ignore-robots", "--set", "DOWNLOAD_DELAY=0")
            assert result.returncode == 0, result.stderr
    return db


@pytest.mark.parametrize("spelling", ["Netflix", "netflix", "NETFLIX", " netflix "])
def test_diff_brand_in_any_case_selects_the_brand(store: Path, spelling: str) -> None:
    result = cli("diff", "1", "2", "--db", str(store), "--brand", spelling, "--format", "json")
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [f["brand"] for f in findings] == ["Netflix"], findings
    assert SCAM_E164 in result.stdout


@pytest.mark.parametrize("command", [["diff", "1", "2"], ["report", "--format", "csv"], ["numbers"]])
def test_unknown_brand_is_refused_with_the_known_ones(store: Path, command: list[str]) -> None:
    result = cli(*command, "--db", str(store), "--brand", "Netflx")
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "--brand 'Netflx'" in result.stderr and "Netflix" in result.stderr, result.stderr
