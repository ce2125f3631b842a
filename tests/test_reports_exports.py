"""``scamlines report --format csv|jsonl`` from a crawl of the fixture sites, its filters and
its input errors; the CSV formula rule on its own."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from crawlhelp import PRINTER_HOST, SCAM_HOST, query
from reporthelp import PAYLOAD_HOST, PAYLOAD_NUMBER, run_cli

from crawler.cli import reports as cli_module
from crawler.store import FINDING_STATUSES, open_store
from detector.report import VERDICTS
from reports import rows as rows_module
from reports.csvsafe import FORMULA_STARTS, safe_cell
from reports.formats import FORMATS
from reports.rows import COLUMNS

pytestmark = pytest.mark.slow


FLAGGED_NUMBERS = {
    "+18885550142",
    "+18445550163",
    "+18335550177",
    "+18775550199",
    "+18555550188",
    PAYLOAD_NUMBER,
}


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def jsonl_rows(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


# --- the CSV formula rule -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("+18885550142", "'+18885550142"),
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Amazon", "Amazon"),
        ("a=b", "a=b"),
        (0.95, "0.95"),
        (None, ""),
        (["tel", "text"], "tel;text"),
    ],
)
def test_formula_cells_get_a_quote(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


# --- CSV and JSON Lines -------------------------------------------------------------------------


def test_csv_has_every_column_and_no_formula_cell(report_db: Path) -> None:
    result = run_cli("report", "--format", "csv", "--db", report_db)
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")  # .stdout would fold the CSV's \r\n
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    rows = csv_rows(text)
    assert rows
    for row in rows:
        for value in row.values():
            assert not value.startswith(FORMULA_STARTS), value
    # E.164 numbers are the documented casualty of the rule.
    assert {row["e164"] for row in rows} == {"'" + number for number in FLAGGED_NUMBERS}


def test_csv_row_for_a_flagged_page(report_db: Path) -> None:
    rows = csv_rows(run_cli("report", "--format", "csv", "--db", report_db).stdout)
    contact = next(r for r in rows if r["host"] == SCAM_HOST and r["url"].endswith("/contact.html"))
    assert contact["verdict"] == "flagged"
    assert contact["brand"] == "Amazon"
    assert contact["status"] == "new"
    assert contact["host"] == contact["domain"] == SCAM_HOST
    assert contact["raw"] == "'+1-888-555-0142"
    assert contact["number_type"] == "toll_free"
    assert contact["number_status"] == "unverified"
    assert contact["sources"] == "tel;text"
    assert "unverified_number" in contact["reasons"].split(";")
    assert "+1-888-555-0142" in contact["context"]
    assert len(contact["body_sha256"]) == 64
    assert contact["fetched_at"].endswith("Z") and contact["run_id"] == "1"


def test_jsonl_carries_plain_values_and_lists(report_db: Path) -> None:
    result = run_cli("report", "--format", "jsonl", "--db", report_db)
    assert result.exit_code == 0
    rows = jsonl_rows(result.stdout)
    assert {row["e164"] for row in rows} == FLAGGED_NUMBERS
    assert all(list(row) == list(COLUMNS) for row in rows)
    payload = next(row for row in rows if row["e164"] == PAYLOAD_NUMBER)
    assert payload["brand"] == "Norton"
    assert payload["host"] == PAYLOAD_HOST
    assert isinstance(payload["reasons"], list) and "unverified_number" in payload["reasons"]
    assert isinstance(payload["score"], float)
    assert "<script>document.title='pwned';" in payload["title"]
    assert "<img src=x onerror=" in payload["context"]


def test_redirected_page_keeps_its_final_url(report_db: Path) -> None:
    rows = jsonl_rows(run_cli("report", "--format", "jsonl", "--db", report_db).stdout)
    moved = next(row for row in rows if row["e164"] == "+18335550177")
    assert moved["url"].endswith("/redirect/moved-contact.html")
    assert moved["final_url"].endswith("/moved-contact.html")
    assert moved["final_url"] != moved["url"]


def test_default_is_flagged_and_suspicious_and_all_means_all(report_db: Path) -> None:
    default = jsonl_rows(run_cli("report", "--format", "jsonl", "--db", report_db).stdout)
    assert {row["verdict"] for row in default} <= {"flagged", "suspicious"}
    everything = jsonl_rows(
        run_cli("report", "--format", "jsonl", "--db", report_db, "--verdict", "all").stdout
    )
    assert {"flagged", "official", "clean"} <= {row["verdict"] for row in everything}
    official = jsonl_rows(
        run_cli("report", "--format", "jsonl", "--db", report_db, "--verdict", "official").stdout
    )
    assert official and all(row["verdict"] == "official" for row in official)


def test_brand_filter_ignores_case(report_db: Path) -> None:
    result = run_cli("report", "--format", "jsonl", "--db", report_db, "--brand", "hp")
    rows = jsonl_rows(result.stdout)
    assert rows and {row["brand"] for row in rows} == {"HP"}
    assert {row["host"] for row in rows} == {PRINTER_HOST}


def test_status_filter(report_db: Path) -> None:
    with open_store(report_db) as store:
        finding = store.findings(verdict="flagged", brand="Canon")[0]
        store.set_finding_status(finding["id"], "confirmed")
    result = run_cli("report", "--format", "jsonl", "--db", report_db, "--status", "confirmed")
    rows = jsonl_rows(result.stdout)
    assert [row["finding_id"] for row in rows] == [finding["id"]]


def test_since_run_and_date(report_db: Path) -> None:
    base = ("report", "--format", "jsonl", "--db", report_db)
    assert jsonl_rows(run_cli(*base, "--since", "1").stdout)
    assert jsonl_rows(run_cli(*base, "--since", "2000-01-01").stdout)
    future = run_cli(*base, "--since", "2999-01-01T00:00Z")
    assert future.exit_code == 0
    assert future.stdout == ""
    assert "no finding matches" in future.stderr


def test_output_file(report_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    result = run_cli("report", "--format", "csv", "--db", report_db, "-o", out)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_bytes().startswith(b"finding_id,run_id,")
    assert b"\r\n" in out.read_bytes() and b"\r\r\n" not in out.read_bytes()


# --- bad input: a clear message, exit 2, no traceback --------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--brand", "Nonexistent Brand"), "no finding names this brand"),
        (("--since", "42"), "no run 42"),
        (("--since", "last tuesday"), "expected a run id or a date"),
        (("--group", "brand"), "--group applies to --format misp only"),
        (("--verdict", "pwned"), "Invalid value for '--verdict'"),
    ],
)
def test_bad_filters_exit_2(report_db: Path, extra: tuple[str, ...], message: str) -> None:
    result = run_cli("report", "--format", "csv", "--db", report_db, *extra)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_missing_database_exits_2_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "nope.db"
    result = run_cli("report", "--format", "csv", "--db", db)
    assert result.exit_code == 2
    assert "no such database" in result.stderr
    assert not db.exists()


def test_empty_store_exits_2(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    open_store(db).close()
    result = run_cli("report", "--format", "html", "--db", db)
    assert result.exit_code == 2
    assert "the store is empty" in result.stderr


def test_not_a_database_exits_2(tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("not sqlite\n" * 500)
    result = run_cli("report", "--format", "csv", "--db", db)
    assert result.exit_code == 2
    assert "not an SQLite database" in result.stderr


def test_cli_choices_match_the_store_and_detector() -> None:
    assert cli_module._FINDING_STATUSES == FINDING_STATUSES
    assert cli_module._REPORT_VERDICTS == VERDICTS == rows_module.VERDICTS
    assert cli_module._REPORT_FORMATS == FORMATS


def test_unwritable_output_exits_2(report_db: Path, tmp_path: Path) -> None:
    result = run_cli("report", "--format", "csv", "--db", report_db, "-o", tmp_path / "no" / "x.csv")
    assert result.exit_code == 2
    assert "cannot write" in result.stderr


def test_report_reads_without_changing_findings(report_db: Path) -> None:
    before = query(report_db, "SELECT * FROM findings")
    for output_format in ("csv", "jsonl", "html", "md", "misp"):
        assert run_cli("report", "--format", output_format, "--db", report_db).exit_code == 0
    assert query(report_db, "SELECT * FROM findings") == before
