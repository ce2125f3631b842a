"""PDF documents: text per page within caps, hostile PDFs get an outcome, check flags a fake
number in a PDF and names its page."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from crawlhelp import run_scamlines
from pdfmake import bomb_pdf, make_pdf

from crawler.documents import is_pdf, locate_pages, pdf_text

SCAM_PAGES = [
    "Printable guide",
    ("Norton Customer Care Number USA\nCall Norton toll free customer care 24/7:\n"
     "+1-888-555-0142 Norton support helpline number\nNorton refund helpline +1-888-555-0142"),
]


def test_text_is_read_page_by_page() -> None:
    document = pdf_text(make_pdf(["first page", "second page"]))
    assert document.outcome == "ok"
    assert document.page_count == 2
    assert [p.strip() for p in document.pages] == ["first page", "second page"]


@pytest.mark.parametrize(
    ("body", "outcome"),
    [
        (make_pdf(["secret"], encrypt=True), "encrypted"),
        (b"%PDF-1.4\n1 0 obj garbage", "malformed"),
        (make_pdf(["page"] * 1500), "truncated"),
    ],
    ids=["encrypted", "malformed", "thousands-of-pages"],
)
def test_hostile_pdfs_get_an_outcome(body: bytes, outcome: str) -> None:
    document = pdf_text(body, max_pages=100)
    assert document.outcome == outcome
    assert document.message()
    assert len(document.pages) <= 100


def test_a_decompression_bomb_stops_at_the_time_or_memory_cap() -> None:
    bomb = bomb_pdf()
    started = time.monotonic()
    slow = pdf_text(bomb, timeout=1.0)
    assert slow.outcome in ("timeout", "too_large")
    assert time.monotonic() - started < 5
    small = pdf_text(bomb, memory_limit=300 * 1024 * 1024)
    assert small.outcome in ("too_large", "timeout")


def test_is_pdf_and_page_lookup() -> None:
    assert is_pdf(b"%PDF-1.7 ...")
    assert is_pdf(b"x", "application/pdf")
    assert not is_pdf(b"<html>", "text/html")
    assert locate_pages(["555", "555", "777"], ["a 555", "b", "555 777"]) == [1, 3, 3]


def test_check_flags_a_fake_number_in_a_pdf(tmp_path: Path) -> None:
    pdf = tmp_path / "Norton customer care number.pdf"
    pdf.write_bytes(make_pdf(SCAM_PAGES))
    result = run_scamlines("check", str(pdf), "--format", "json", "--render", "never")
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["verdict"] == "flagged"
    assert row["text"] == "document"
    assert row["numbers"][0]["e164"] == "+18885550142"
    assert row["numbers"][0]["pdf_pages"] == [2]


def test_check_reports_an_encrypted_pdf_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(make_pdf(["secret"], encrypt=True))
    (tmp_path / "b.pdf").write_bytes(make_pdf(SCAM_PAGES))
    result = run_scamlines("check", str(tmp_path), "--render", "never")
    assert result.returncode == 2
    assert "encrypted" in result.stderr
    assert "FLAGGED" in result.stdout
