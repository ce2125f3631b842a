"""The analyst's daily loop on a crawled local site: ``findings``, ``show``, bulk ``triage``
(with ``--dry-run``) and ``numbers --brand``, in text and JSON, and their input errors.

The store is one crawl of the fixture sites (``reporthelp.SEED_PATHS``), copied per test.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from crawlhelp import PRINTER_HOST, SCAM_HOST, query, run_scamlines
from reporthelp import PAYLOAD_HOST, PAYLOAD_NUMBER, findings, run_cli
from scanhelp import N1, N2, page, run

from crawler.cli import findings as findings_cli
from crawler.scans.terminal import for_terminal
from crawler.store import FINDING_STATUSES, open_store
from detector.report import VERDICTS

pytestmark = pytest.mark.slow

CONTACT_NUMBER = "+18885550142"  # the Amazon scam contact page (text and tel:)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_choices_match_the_store() -> None:
    assert findings_cli._VERDICTS == VERDICTS
    assert findings_cli._STATUSES == FINDING_STATUSES


# --- findings ------------------------------------------------------------------------------------


def test_findings_lists_flagged_and_suspicious_newest_first(report_db: Path) -> None:
    result = run_cli("findings", "--db", report_db, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json_lines(result.stdout)
    stored = findings(report_db)
    expected = {f["id"] for f in stored if f["verdict"] in ("flagged", "suspicious")}
    assert {row["finding_id"] for row in rows} == expected
    assert [(r["last_seen"], r["finding_id"]) for r in rows] == sorted(
        ((r["last_seen"], r["finding_id"]) for r in rows), reverse=True
    )
    contact = next(r for r in rows if r["domain"] == SCAM_HOST
                   and r["url"].split("/", 3)[3] == "contact.html")
    assert contact["numbers"] == [CONTACT_NUMBER]
    assert contact["brand"] == "Amazon" and contact["verdict"] == "flagged"
    assert contact["status"] == "new" and contact["domain"] == SCAM_HOST


def test_findings_text_is_one_line_each(report_db: Path) -> None:
    result = run_cli("findings", "--db", report_db, "--brand", "AMAZON")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines and all(" Amazon " in line for line in lines)
    contact = next(line for line in lines if f"{SCAM_HOST}" in line and "/contact.html" in line)
    assert contact.startswith("#") and " flagged " in contact and CONTACT_NUMBER in contact
    assert " new " in contact and " last 20" in contact


def test_findings_filters(report_db: Path) -> None:
    def ids(*args: str) -> set[int]:
        result = run_cli("findings", "--db", report_db, "--format", "json", *args)
        assert result.exit_code == 0, result.output
        return {row["finding_id"] for row in json_lines(result.stdout)}

    printer = {f["id"] for f in findings(report_db) if f["host"] == PRINTER_HOST}
    assert printer and ids("--domain", PRINTER_HOST) == printer
    assert ids("--domain", f"http://{PRINTER_HOST}/anything") == printer
    by_number = ids("--number", "1 (888) 555-0142")
    assert by_number and all(
        CONTACT_NUMBER in json.loads(f["numbers"]) for f in findings(report_db) if f["id"] in by_number
    )
    official = ids("--verdict", "official")
    assert official == {f["id"] for f in findings(report_db, verdict="official")}
    assert ids("--verdict", "all") == {f["id"] for f in findings(report_db)}
    assert len(ids("--limit", "2")) == 2
    assert ids("--since", "1") == ids()
    assert ids("--since", "2999-01-01") == set()
    assert ids("--status", "confirmed") == set()


def test_findings_csv_is_formula_safe(report_db: Path) -> None:
    result = run_cli("findings", "--db", report_db, "--format", "csv", "--number", PAYLOAD_NUMBER)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert len(rows) == 1
    assert rows[0]["numbers"] == "'" + PAYLOAD_NUMBER
    assert rows[0]["brand"] == "Norton" and PAYLOAD_HOST in rows[0]["url"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--brand", "Acme"), "the store has: "),
        (("--since", "99"), "no run 99"),
        (("--since", "yesterday"), "expected a run id or a date"),
        (("--number", "call me"), "not a phone number"),
    ],
)
def test_findings_input_errors(report_db: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("findings", "--db", report_db, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    if args[0] == "--brand":
        assert "Amazon" in result.stderr and "Norton" in result.stderr


def test_findings_missing_database(tmp_path: Path) -> None:
    result = run_cli("findings", "--db", tmp_path / "none.db")
    assert result.exit_code == 2 and "no such database" in result.stderr
    assert not (tmp_path / "none.db").exists()


# --- show ----------------------------------------------------------------------------------------


def test_show_a_finding_as_text(report_db: Path) -> None:
    contact = next(f for f in findings(report_db) if f["host"] == SCAM_HOST
                   and f["url"].split("/", 3)[3] == "contact.html")
    result = run_cli("show", contact["id"], "--db", report_db)
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"page {contact['page_id']}: {contact['url']}")
    sha = query(report_db, "SELECT body_sha256 FROM pages WHERE id = ?", (contact["page_id"],))
    assert f"body SHA-256: {sha[0]['body_sha256']}" in text
    assert "HTTP 200" in text and "content-type: text/html" in text.lower()
    assert f"#{contact['id']} Amazon: flagged" in text and "<- asked" in text
    assert "- unverified_number: " in text
    assert f"{CONTACT_NUMBER}  unverified  tel[" in text and f"{CONTACT_NUMBER}  unverified  text[" in text
    assert "as printed: +1-888-555-0142" in text and "context: " in text
    assert "body (as text" not in text  # only with --body


def test_show_redirect_chain_and_url_lookup(report_db: Path) -> None:
    moved = next(f for f in findings(report_db) if f["url"].endswith("/redirect/moved-contact.html"))
    final = query(report_db, "SELECT final_url FROM pages WHERE id = ?", (moved["page_id"],))
    # By the final URL the page ended at, as JSON.
    result = run_cli("show", final[0]["final_url"], "--db", report_db, "--format", "json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["page"]["id"] == moved["page_id"]
    chain = record["captures"][0]["redirect_chain"]
    assert [hop["status"] for hop in chain][:1] == [301]
    assert record["captures"][0]["final_url"].endswith("/moved-contact.html")
    text = run_cli("show", f"page:{moved['page_id']}", "--db", report_db).stdout
    assert "redirects: " in text and "(301) -> " in text


def test_show_body_json_and_text(report_db: Path) -> None:
    payload = next(f for f in findings(report_db) if f["host"] == PAYLOAD_HOST)
    result = run_cli("show", payload["id"], "--db", report_db, "--format", "json", "--body")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert "<script>" in record["body"] and "</html>" in record["body"]
    assert record["body_sha256"] == record["captures"][0]["body_sha256"]
    assert [f["id"] for f in record["findings"]] == [payload["id"]]
    assert record["sightings"] and record["sightings"][0]["context"]
    assert record["triage"] == [] and record["takedowns"] == []
    text = run_cli("show", payload["id"], "--db", report_db, "--body").stdout
    assert "body (as text, not rendered):\n<!DOCTYPE html>" in text or \
        "body (as text, not rendered):\n<" in text


def test_show_triage_history(report_db: Path) -> None:
    target = findings(report_db, verdict="flagged")[0]
    run_cli("triage", target["id"], "--status", "confirmed", "--note", "called it", "--db", report_db)
    result = run_cli("show", f"#{target['id']}", "--db", report_db, "--format", "json")
    record = json.loads(result.stdout)
    assert [(t["finding_id"], t["status"], t["note"]) for t in record["triage"]] == [
        (target["id"], "confirmed", "called it")
    ]
    text = run_cli("show", target["id"], "--db", report_db).stdout
    assert f"#{target['id']} -> confirmed  (called it)" in text


@pytest.mark.parametrize(
    ("ref", "message"),
    [("999", "no finding 999"), ("page:999", "no page 999"),
     ("http://nowhere.example/", "no page recorded at http://nowhere.example/")],
)  # fmt: skip
def test_show_unknown(report_db: Path, ref: str, message: str) -> None:
    result = run_cli("show", ref, "--db", report_db)
    assert result.exit_code == 2 and message in result.stderr


def test_show_never_prints_terminal_escapes(tmp_path: Path) -> None:
    """A page carrying escape sequences in its title, number context and body: the text
    output carries none of them; JSON keeps them, escaped."""
    evil = "\x1b]0;owned\x07\x1b[2J\x1b[31m"
    html = (f"<html><head><title>Amazon help {evil}</title></head><body><p>Amazon customer "
            f"care toll free {evil}: call +1 (888) 555-0142 now 24/7 \u202e</p></body></html>")
    db = tmp_path / "evil.db"
    with open_store(db) as store:
        run(store, {"http://amazon-help.weebly.com/": html})
        finding_id = store.findings()[0]["id"]
    text = run_cli("show", finding_id, "--db", db, "--body").stdout
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    # In the body the sequences are dropped whole (the detector already stripped the control
    # characters from the title and contexts it stored).
    assert "<title>Amazon help </title>" in text
    assert "\\u202e" in text and "call +1 (888) 555-0142" in text  # shown, not obeyed
    record = json.loads(run_cli("show", finding_id, "--db", db, "--body", "--format", "json").stdout)
    assert evil in record["body"]
    listed = run_cli("findings", "--db", db, "--verdict", "all").stdout
    assert listed and "\x1b" not in listed


def test_for_terminal_keeps_text_and_lines() -> None:
    assert for_terminal("a\x1b[1mb\x1b[0m c", multiline=True) == "ab c"
    assert for_terminal("one\r\ntwo\tthree", multiline=True) == "one\ntwo\tthree"
    assert for_terminal("one\ntwo") == "one\\x0atwo"
    assert for_terminal("\x9b31m\x00") == "\\x00"


# --- bulk triage ---------------------------------------------------------------------------------


@pytest.fixture
def shared_number_db(tmp_path: Path) -> Path:
    """A crawled folder: N1 advertised on a Delta and a United page, N2 on another Delta page."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "delta.html").write_text(page("Delta Air Lines", N1), encoding="utf-8")
    (site / "united.html").write_text(page("United Airlines", N1), encoding="utf-8")
    (site / "refund.html").write_text(page("Delta Air Lines", N2), encoding="utf-8")
    db = tmp_path / "shared.db"
    result = run_scamlines("crawl", str(site), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return db


def test_dismiss_a_number_everywhere_in_one_command(shared_number_db: Path) -> None:
    db = shared_number_db
    showing = [f for f in findings(db) if N1 in json.loads(f["numbers"] or "[]")]
    assert len(showing) == 2 and {f["verdict"] for f in showing} == {"flagged"}
    dry = run_cli("triage", "--number", N1, "--status", "false_positive", "--dry-run", "--db", db)
    assert dry.exit_code == 0, dry.output
    assert "2 findings would be set to false_positive (dry run)" in dry.stdout
    assert all(f"finding #{f['id']} " in dry.stdout for f in showing)
    assert {f["status"] for f in findings(db)} == {"new"}  # nothing changed

    done = run_cli("triage", "--number", "(844) 555-0101", "--status", "false_positive",
                   "--note", "the airlines' reseller", "--db", db)
    assert done.exit_code == 0, done.output
    assert "2 findings changed to false_positive" in done.stdout
    statuses = {f["url"].rsplit("/", 1)[1]: f["status"] for f in findings(db)}
    assert statuses == {"delta.html": "false_positive", "united.html": "false_positive",
                        "refund.html": "new"}  # fmt: skip
    marked = query(db, "SELECT finding_id, e164 FROM false_positives ORDER BY finding_id")
    assert [(m["finding_id"], m["e164"]) for m in marked] == sorted((f["id"], N1) for f in showing)
    listed = run_cli("findings", "--status", "false_positive", "--db", db, "--format", "json")
    assert {row["finding_id"] for row in json_lines(listed.stdout)} == {f["id"] for f in showing}
    again = run_cli("triage", "--number", N1, "--status", "false_positive", "--db", db)
    assert "0 findings changed to false_positive (2 already false_positive)" in again.stdout
    # The number is no longer FLAGGED in its cluster.
    cluster = json_lines(run_cli("numbers", "--brand", "united airlines", "--db", db,
                                 "--format", "json").stdout)
    assert [(c["e164"], c["flagged"]) for c in cluster] == [(N1, False)]


def test_triage_several_ids_and_by_domain(report_db: Path) -> None:
    flagged = [f["id"] for f in findings(report_db, verdict="flagged")][:2]
    result = run_cli("triage", *flagged, "--status", "confirmed", "--db", report_db)
    assert result.exit_code == 0, result.output
    assert "2 findings changed to confirmed" in result.stdout
    assert {f["status"] for f in findings(report_db) if f["id"] in flagged} == {"confirmed"}

    printer = [f for f in findings(report_db) if f["host"] == PRINTER_HOST]
    result = run_cli("triage", "--domain", PRINTER_HOST, "--status", "reported", "--db", report_db)
    assert f"{len(printer)} findings changed to reported" in result.stdout
    assert {f["status"] for f in findings(report_db) if f["host"] == PRINTER_HOST} == {"reported"}

    result = run_cli("triage", "--brand", "norton", "--status", "resolved", "--db", report_db)
    assert "1 finding changed to resolved" in result.stdout
    assert [f["status"] for f in findings(report_db, brand="Norton")] == ["resolved"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--status", "confirmed"), "name findings by id"),
        (("424242", "--status", "confirmed"), "no finding 424242"),
        (("--brand", "Acme", "--status", "confirmed"), "the store has: "),
    ],
)
def test_triage_errors(report_db: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("triage", *args, "--db", report_db)
    assert result.exit_code == 2
    assert message in result.stderr
    assert {f["status"] for f in findings(report_db)} == {"new"}


# --- numbers --brand -----------------------------------------------------------------------------


def test_numbers_brand_any_case(report_db: Path) -> None:
    result = run_cli("numbers", "--brand", "hp", "--db", report_db, "--format", "json")
    assert result.exit_code == 0, result.output
    clusters = json_lines(result.stdout)
    assert [c["e164"] for c in clusters] == ["+18775550199"]
    assert all("HP" in c["brands"] for c in clusters)
    text = run_cli("numbers", "--brand", "AMAZON", "--db", report_db).stdout
    assert CONTACT_NUMBER in text and "+18775550199" not in text


def test_numbers_unknown_brand_lists_the_known(report_db: Path) -> None:
    result = run_cli("numbers", "--brand", "Acme", "--db", report_db)
    assert result.exit_code == 2
    assert "--brand 'Acme'" in result.stderr and "Amazon" in result.stderr


# --- progress lines ------------------------------------------------------------------------------


def test_ticker_writes_periodic_lines_and_the_end() -> None:
    from crawler.ticker import Ticker

    stream = io.StringIO()
    quiet = Ticker("rescan", "pages", interval=3600, stream=stream)
    for done in range(1, 5):
        quiet(done, 4)
    assert stream.getvalue() == ""  # nothing before the first interval, so no end line either
    ticker = Ticker("rescan", "pages", interval=0, stream=stream)
    ticker(2, 4)
    ticker(4, 4, "3 flagged")
    assert stream.getvalue().splitlines() == ["[0:00] rescan: 2 of 4 pages",
                                              "[0:00] rescan: 4 of 4 pages, 3 flagged"]


def test_rescan_quiet_prints_no_progress(report_db: Path) -> None:
    result = run_cli("rescan", "--db", report_db, "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and result.stdout.startswith("Rescan run ")
