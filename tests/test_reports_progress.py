"""Progress of ``report`` and ``takedown`` over a store with hundreds of findings: periodic
lines on stderr (``SCAMLINES_PROGRESS_INTERVAL`` makes them come at once), none with
``--quiet``, a last line with the time taken, and the same report or packages either way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reporthelp import copy_db, run_cli
from scanhelp import AL, N1, N2, page

import detector
from crawler.store import FetchRecord, open_store, utc_now
from crawler.ticker import DEFAULT_INTERVAL, interval_from_env

HOST = "delta-help.weebly.com"
PAGES = 240  #: one flagged Delta finding each, with two numbers (480 report rows)
TAKEDOWN_PAGES = 40  #: on TAKEDOWN_HOST: a site package and one per number, 120 evidence folders
TAKEDOWN_HOST = "refund-desk.weebly.com"
FORMATS = ("csv", "jsonl", "html", "md", "misp")
FROZEN = "2026-12-01T09:00:00.000Z"
TICK = re.compile(r"^\[\d+:\d\d\] (report|takedown): (\d+) of (\d+) (.+)$")


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """PAGES + TAKEDOWN_PAGES flagged pages recorded in one finished scan. The page is judged
    once and recorded under every URL (the same host), which is what a crawl would store."""
    path = tmp_path_factory.mktemp("progress") / "scamlines.db"
    html = page("Delta Air Lines", N1, N2)
    urls = [f"http://{HOST}/help-{i}.html" for i in range(PAGES)]
    urls += [f"http://{TAKEDOWN_HOST}/refund-{i}.html" for i in range(TAKEDOWN_PAGES)]
    reports = {host: detector.analyze(html, url=f"http://{host}/", allowlist=AL,
                                      content_type="text/html") for host in (HOST, TAKEDOWN_HOST)}  # fmt: skip
    with open_store(path) as store:
        run_id = store.start_run("scan", urls[:1], {}, AL)
        store.record_pages(run_id, [
            (FetchRecord(url=url, final_url=url, status=200, body=html.encode(),
                         fetched_at=utc_now(), content_type="text/html",
                         host=url.split("/")[2], domain="weebly.com"),
             reports[url.split("/")[2]])
            for url in urls
        ])  # fmt: skip
        store.finish_run(run_id, "finished", {})
    return path


@pytest.fixture
def every_tick(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line at (nearly) every finding, and reports dated FROZEN so two runs can be compared."""
    monkeypatch.setenv("SCAMLINES_PROGRESS_INTERVAL", "0.000001")
    monkeypatch.setattr("reports.formats.utc_now", lambda: FROZEN)
    monkeypatch.setattr("reports.takedown.utc_now", lambda: FROZEN)


def ticks(stderr: str) -> list[tuple[str, int, int, str]]:
    """The progress lines in ``stderr``: (command, done, total, unit)."""
    found = [TICK.match(line) for line in stderr.splitlines()]
    return [(m[1], int(m[2]), int(m[3]), m[4]) for m in found if m]


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.usefixtures("every_tick")
def test_report_progress_then_a_last_line(big_db: Path, tmp_path: Path,
                                          output_format: str) -> None:
    findings = PAGES + TAKEDOWN_PAGES
    out = tmp_path / f"report.{output_format}"
    result = run_cli("report", "--format", output_format, "--db", big_db, "-o", out)
    assert result.exit_code == 0, result.output
    lines = ticks(result.stderr)
    assert {(what, total) for what, _, total, _ in lines} == {("report", findings)}
    read = [done for _, done, _, unit in lines if unit == "findings read"]
    written = [done for _, done, _, unit in lines if unit == "findings written"]
    # Reading first, then writing, each counting up to every finding.
    assert [unit for *_, unit in lines] == sorted(unit for *_, unit in lines)
    assert len(read) > 10 and read == sorted(read) and read[-1] == findings
    assert len(written) > 10 and written == sorted(written) and written[-1] == findings
    last = result.stderr.splitlines()[-1]
    events = " in 1 MISP event" if output_format == "misp" else ""
    assert re.fullmatch(rf"report: {findings} findings{events} written to {re.escape(str(out))} "
                        r"in \d+\.\d s", last), last  # fmt: skip
    assert result.stdout == ""

    quiet_out = tmp_path / f"quiet.{output_format}"
    quiet = run_cli("report", "--format", output_format, "--db", big_db, "-o", quiet_out, "-q")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == "" and quiet.stdout == ""
    assert quiet_out.read_bytes() == out.read_bytes()


@pytest.mark.usefixtures("every_tick")
def test_report_to_stdout_has_progress_but_no_last_line(big_db: Path) -> None:
    result = run_cli("report", "--format", "csv", "--db", big_db)
    quiet = run_cli("report", "--format", "csv", "--db", big_db, "--quiet")
    assert result.exit_code == quiet.exit_code == 0
    assert result.stdout == quiet.stdout and result.stdout.count("\n") > PAGES
    assert ticks(result.stderr) and all(TICK.match(line) for line in result.stderr.splitlines())
    assert quiet.stderr == ""


@pytest.mark.usefixtures("every_tick")
def test_takedown_progress_and_identical_packages(big_db: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The same packages with and without progress: each run on its own copy of the store,
    into ``pkg`` under its own folder (the README names the folder as given)."""
    trees = {}
    for name, quiet in (("loud", ()), ("quiet", ("--quiet",))):
        (tmp_path / name).mkdir()
        db = copy_db(big_db, tmp_path / name / big_db.name)
        monkeypatch.chdir(db.parent)
        result = run_cli("takedown", "--domain", TAKEDOWN_HOST, "-o", "pkg", "--db", db.name,
                         *quiet)  # fmt: skip
        assert result.exit_code == 0, result.output
        assert result.stdout.count("site-") == 1 and result.stdout.count("number-") == 2
        if quiet:
            assert result.stderr == ""
        else:
            lines = ticks(result.stderr)
            folders = 3 * TAKEDOWN_PAGES  # the site's package and each number's
            assert {line[3] for line in lines} == {"page evidence folders"}
            done = [line[1] for line in lines]
            assert len(done) > 10 and done == sorted(done) and done[-1] == folders
            assert {line[2] for line in lines} == {folders}
            assert re.fullmatch(rf"takedown: 3 packages for {TAKEDOWN_PAGES} findings written "
                                r"to pkg in \d+\.\d s", result.stderr.splitlines()[-1])  # fmt: skip
        root = db.parent / "pkg"
        trees[name] = {path.relative_to(root).as_posix(): path.read_bytes()
                       for path in sorted(root.rglob("*")) if path.is_file()}  # fmt: skip
    assert len(trees["loud"]) > 3 * TAKEDOWN_PAGES
    assert trees["loud"] == trees["quiet"]


def test_progress_interval_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler.ticker import Ticker

    monkeypatch.delenv("SCAMLINES_PROGRESS_INTERVAL", raising=False)
    assert interval_from_env() == DEFAULT_INTERVAL == Ticker("x", "y").interval
    for value, seconds in (("0.5", 0.5), ("2", 2.0), ("soon", DEFAULT_INTERVAL), ("", 5.0)):
        monkeypatch.setenv("SCAMLINES_PROGRESS_INTERVAL", value)
        assert interval_from_env() == seconds
    monkeypatch.setenv("SCAMLINES_PROGRESS_INTERVAL", "0")  # as the crawl setting: no lines
    assert interval_from_env() == float("inf")
    assert Ticker("x", "y", interval=0).interval == 0  # an explicit interval wins
