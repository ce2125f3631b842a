"""``scamlines check`` and ``scamlines eval`` through click, with a real loopback server for URLs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sitemock import SiteServer

from crawler.cli import cli

SCAM_PAGE = """<html><head><title>Norton Renewal Refund Helpline</title></head><body>
<h1>Norton customer care</h1>
<p>To cancel Norton and get a refund, call the official Norton toll-free helpline
☎ 1⚚888⚚276⚚4410 now. Norton agents at 1⚚888⚚276⚚4410 answer 24/7.</p>
</body></html>"""
CLEAN_PAGE = """<html><head><title>Cash App help</title></head><body>
<p>Cash App support can be reached by phone at 1-800-969-1940.</p></body></html>"""


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "scam.html").write_text(SCAM_PAGE, "utf-8")
    (folder / "clean.html").write_text(CLEAN_PAGE, "utf-8")
    return folder


@pytest.fixture
def server(tmp_path: Path, pages: Path) -> Iterator[SiteServer]:
    root = tmp_path / "www"
    (root / "127.0.0.1").mkdir(parents=True)
    (root / "127.0.0.1" / "scam.html").write_text(SCAM_PAGE, "utf-8")
    with SiteServer(root=root) as site:
        yield site


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_file_text_output(pages: Path) -> None:
    code, out, _ = run("check", str(pages / "scam.html"))
    assert code == 0
    assert out.startswith("FLAGGED")
    assert "+18882764410" in out and "unverified" in out
    assert "obfuscated_number" in out and "(Norton)" in out


def test_check_folder_json_one_object_per_page(pages: Path) -> None:
    code, out, _ = run("check", str(pages), "--format", "json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    by_file = {Path(row["source"]).name: row for row in rows}
    assert set(by_file) == {"scam.html", "clean.html"}
    scam, clean = by_file["scam.html"], by_file["clean.html"]
    assert scam["verdict"] == "flagged" and scam["brands"] == ["Norton"]
    assert scam["numbers"][0]["e164"] == "+18882764410"
    assert set(scam["numbers"][0]) == {"raw", "e164", "type", "valid", "status", "brand",
                                       "count", "context"}
    assert {r["code"] for r in scam["reasons"]} >= {"unverified_number", "toll_free_claim"}
    assert clean["verdict"] == "clean"
    assert clean["numbers"][0]["status"] == "verified"


def test_check_url_option_makes_official(pages: Path) -> None:
    code, out, _ = run("check", str(pages / "clean.html"), "--url", "https://cash.app/help",
                       "--format", "json")
    assert code == 0
    assert json.loads(out)["verdict"] == "official"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("logo.html", b"\x89PNG\r\n\x1a\n" + bytes(200), "binary content (PNG image)"),
    ("empty.txt", b"", "empty page"),
    ("missing.html", None, "no such file"),
])
def test_check_bad_input_exit_2_and_others_still_analysed(
    pages: Path, name: str, content: bytes | None, message: str
) -> None:
    bad = pages.parent / name
    if content is not None:
        bad.write_bytes(content)
    code, out, err = run("check", str(bad), str(pages / "scam.html"))
    assert code == 2
    assert message in err and "Traceback" not in err + out
    assert "FLAGGED" in out


def test_check_malformed_allowlist_is_file_line_error(pages: Path, tmp_path: Path) -> None:
    folder = tmp_path / "allow"
    folder.mkdir()
    (folder / "acme.toml").write_text('name = "Acme"\n[[numbers]]\nnumber = "12"\n', "utf-8")
    code, _, err = run("check", str(pages / "scam.html"), "--allowlist", str(folder))
    assert code == 2
    assert f"{folder / 'acme.toml'}:3:" in err


def test_check_url_on_allowed_loopback_host(server: SiteServer) -> None:
    url = f"http://127.0.0.1:{server.port}/scam.html"
    code, out, _ = run("check", url, "--allow-host", f"127.0.0.1:{server.port}",
                       "--format", "json")
    assert code == 0
    row = json.loads(out)
    assert row["verdict"] == "flagged" and row["source"] == url
    assert server.paths_hit() == ["/scam.html"]


def test_check_url_refuses_loopback_unless_allowed(server: SiteServer) -> None:
    code, _, err = run("check", f"http://127.0.0.1:{server.port}/scam.html")
    assert code == 2
    assert "loopback" in err and "--allow-host" in err
    assert server.paths_hit() == []  # refused before any packet was sent


def test_check_redirect_to_unallowed_port_is_refused(server: SiteServer) -> None:
    with SiteServer(root=server.root) as other:
        target = f"http://127.0.0.1:{other.port}/scam.html"
        url = f"http://127.0.0.1:{server.port}/redirect-to?url={target}"
        code, _, err = run("check", url, "--allow-host", f"127.0.0.1:{server.port}")
        assert code == 2
        assert "loopback" in err
        assert other.paths_hit() == []


# -- eval ---------------------------------------------------------------------------------


def write_corpus(root: Path, labels: list[dict[str, object]], pages: dict[str, str]) -> Path:
    (root / "pages").mkdir(parents=True)
    for name, text in pages.items():
        (root / "pages" / name).write_text(text, "utf-8")
    (root / "labels.jsonl").write_text("\n".join(json.dumps(x) for x in labels), "utf-8")
    return root


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", [
        {"file": "a.txt", "url": None, "expected": "flag",
         "numbers": ["1⚚888⚚276⚚4410", "911"]},
        {"file": "b.txt", "url": None, "expected": "flag", "numbers": ["1-877-332-5896"]},
        {"file": "c.txt", "url": None, "expected": "review", "numbers": []},
    ], {
        "a.txt": "Norton refund helpline\nCall Norton toll free 1⚚888⚚276⚚4410 now, or 911.",
        # Labelled flag, but the page only mentions the number: a deliberate miss.
        "b.txt": "A page about gardening. 1-877-332-5896",
        "c.txt": "Norton review page.",
    })


def test_eval_summary_and_minimums(corpus: Path) -> None:
    code, out, err = run("eval", str(corpus), "--format", "json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    summary = rows[-1]["summary"]
    assert summary["true_positives"] == 1 and summary["false_negatives"] == 1
    assert summary["reviewed"] == 1 and summary["precision"] == 1.0
    assert summary["recall"] == 0.5
    assert summary["numbers_labelled"] == 2  # 911 is a short code, not dialable
    assert summary["number_recall"] == 1.0
    assert rows[0]["file"] == "a.txt" and rows[0]["expected"] == "flag"
    code, _, err = run("eval", str(corpus), "--min-recall", "0.9")
    assert code == 1 and "recall" in err


def test_eval_bad_labels_file_line(tmp_path: Path) -> None:
    root = tmp_path / "bad"
    (root / "pages").mkdir(parents=True)
    (root / "labels.jsonl").write_text('{"file": "a.txt", "expected": "flag"}\n{oops\n', "utf-8")
    code, _, err = run("eval", str(root))
    assert code == 2
    assert "labels.jsonl:2:" in err
