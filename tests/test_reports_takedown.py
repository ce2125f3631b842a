"""``scamlines takedown``: packages whose checksums verify, recorded in the store, and the
targets it must refuse. No test here touches the network (``--rdap`` is never passed)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from crawlhelp import NEWS_HOST, PRINTER_HOST, SCAM_HOST, query
from reporthelp import findings, run_cli

from crawler.store import open_store
from reports.rdap import find_abuse_email, placeholder
from reports.templating import plain

pytestmark = pytest.mark.slow

SITE_PACKAGE = f"site-{SCAM_HOST}"
SCAM_NUMBERS = ("+18335550177", "+18445550163", "+18885550142")


@pytest.fixture
def packaged(report_db: Path, tmp_path: Path) -> Path:
    """``takedown --domain SCAM_HOST`` into a new folder; returns the folder."""
    out = tmp_path / "takedown"
    result = run_cli(
        "takedown", "--domain", SCAM_HOST, "-o", out, "--db", report_db,
        "--reporter", "Ana Lyst", "--contact", "ana@example.org",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify_manifest(folder: Path) -> dict[str, Any]:
    """Recompute every hash in ``folder``'s manifest and SHA256SUMS; returns the manifest."""
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = {entry["path"]: entry for entry in manifest["files"]}
    on_disk = {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.relative_to(folder).as_posix() not in ("manifest.json", "SHA256SUMS")
    }  # fmt: skip
    assert set(listed) == on_disk  # every file listed, nothing listed that is not there
    for path, entry in listed.items():
        assert sha256(folder / path) == entry["sha256"], path
        assert (folder / path).stat().st_size == entry["size"]
    sums = dict(
        reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text().splitlines()
    )
    assert sums == {**{p: e["sha256"] for p, e in listed.items()},
                    "manifest.json": sha256(folder / "manifest.json")}  # fmt: skip
    return manifest


# --- a package for a domain ---------------------------------------------------------------------


def test_domain_package_layout(packaged: Path) -> None:
    names = sorted(p.name for p in packaged.iterdir())
    assert names == sorted(
        ["README.txt", "manifest.json", "SHA256SUMS", SITE_PACKAGE]
        + [f"number-{n}" for n in SCAM_NUMBERS]
    )
    site = packaged / SITE_PACKAGE
    assert {"notice.txt", "brand-contacts.txt", "manifest.json", "SHA256SUMS", "evidence"} == {
        p.name for p in site.iterdir()
    }
    assert len(list(site.glob("evidence/page-*/captured-body.txt"))) == 3


def test_every_manifest_verifies(packaged: Path) -> None:
    root = verify_manifest(packaged)
    assert {p["folder"] for p in root["packages"]} == {SITE_PACKAGE} | {
        f"number-{n}" for n in SCAM_NUMBERS
    }
    for package in root["packages"]:
        manifest = verify_manifest(packaged / package["folder"])
        assert sha256(packaged / package["folder"] / "manifest.json") == package["manifest_sha256"]
        assert manifest["kind"] == package["kind"]


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils' sha256sum")
def test_sha256sum_checks_the_folder_and_catches_tampering(packaged: Path) -> None:
    for folder in (packaged, packaged / SITE_PACKAGE):
        done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder,
                              capture_output=True, text=True, check=False)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    notice = packaged / SITE_PACKAGE / "notice.txt"
    notice.write_text(notice.read_text().replace("Amazon", "Amaz0n"))
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=packaged / SITE_PACKAGE,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 1
    assert "notice.txt: FAILED" in done.stdout


def test_findings_are_marked_reported(packaged: Path, report_db: Path) -> None:
    scam = [f for f in findings(report_db, verdict="flagged") if f["host"] == SCAM_HOST]
    assert len(scam) == 3
    assert {f["status"] for f in scam} == {"reported"}
    others = [f for f in findings(report_db, verdict="flagged") if f["host"] != SCAM_HOST]
    assert others and {f["status"] for f in others} == {"new"}
    rows = query(report_db, "SELECT * FROM takedowns ORDER BY id")
    site_rows = [r for r in rows if r["kind"] == "site"]
    assert {r["finding_id"] for r in site_rows} == {f["id"] for f in scam}
    assert {r["target"] for r in site_rows} == {SCAM_HOST}
    assert {r["recipient"] for r in site_rows} == {placeholder(SCAM_HOST)}
    assert {r["reporter"] for r in rows} == {"Ana Lyst"}
    assert {r["manifest_sha256"] for r in site_rows} == {
        sha256(packaged / SITE_PACKAGE / "manifest.json")
    }
    assert {r["target"] for r in rows if r["kind"] == "number"} == set(SCAM_NUMBERS)


def test_evidence_is_the_captured_page(packaged: Path, report_db: Path) -> None:
    pages = {p["id"]: p for p in query(report_db, "SELECT * FROM pages")}
    for body in (packaged / SITE_PACKAGE).glob("evidence/page-*/captured-body.txt"):
        evidence = json.loads((body.parent / "evidence.json").read_text())
        capture = evidence["capture"]
        assert sha256(body) == capture["body_sha256"] == pages[evidence["page"]["id"]]["body_sha256"]
        assert capture["fetched_at_utc"].endswith("Z")
        assert capture["response_headers"]["Content-Type"] == ["text/html; charset=utf-8"]
        assert capture["redirect_chain"][-1]["url"] == capture["final_url"]
        assert any(s["context"] and s["e164"] in SCAM_NUMBERS for s in evidence["sightings"])
    moved = next(
        json.loads(p.read_text())
        for p in (packaged / SITE_PACKAGE).glob("evidence/page-*/evidence.json")
        if json.loads(p.read_text())["page"]["url"].endswith("/redirect/moved-contact.html")
    )
    assert [hop["status"] for hop in moved["capture"]["redirect_chain"]] == [301, 200]


def test_site_notice(packaged: Path) -> None:
    notice = (packaged / SITE_PACKAGE / "notice.txt").read_text()
    assert notice.startswith(f"To: {placeholder(SCAM_HOST)}\n")
    assert f"[abuse contact: look up via RDAP for {SCAM_HOST}]" in notice
    assert "impersonate the" in notice and "customer support of Amazon" in notice
    for number in ("+1 888-555-0142", "+1 844-555-0163", "+1 833-555-0177"):
        assert number in notice
    assert "Call Amazon Support: +1-888-555-0142" in notice  # the number in its context
    assert "Redirect chain:" in notice
    assert "is advertised as Amazon's line but is not in the verified allowlist" in notice
    assert "amazon.com" in notice  # the brand's real domains
    assert "Ana Lyst <ana@example.org>" in notice
    assert "sha256sum -c SHA256SUMS" in notice


def test_number_notice_routes_toll_free_numbers_to_the_resporg(packaged: Path) -> None:
    notice = (packaged / "number-+18885550142" / "notice.txt").read_text()
    assert "Responsible Organization (RespOrg)" in notice
    assert "Somos" in notice and "RespOrg look-up" in notice
    assert "https://reportfraud.ftc.gov/" in notice
    assert "Call Amazon Support: +1-888-555-0142" in notice
    contacts = (packaged / "number-+18885550142" / "brand-contacts.txt").read_text()
    assert "+1 888-280-4331" in contacts  # Amazon's verified number, with its use and source
    assert "source: https://www.amazon.com/gp/help/customer/contact-us" in contacts


# --- other selections ---------------------------------------------------------------------------


def test_number_selection(report_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    result = run_cli("takedown", "--number", "(844) 555-0163", "-o", out, "--db", report_db)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [
        "number-+18445550163", SITE_PACKAGE,
    ]  # fmt: skip
    verify_manifest(out)
    refund = [f for f in findings(report_db) if "+18445550163" in f["numbers"]]
    assert [f["status"] for f in refund] == ["reported"]


def test_finding_selection(report_db: Path, tmp_path: Path) -> None:
    [hp] = findings(report_db, verdict="flagged", brand="HP")
    out = tmp_path / "pkg"
    result = run_cli("takedown", "--finding", hp["id"], "-o", out, "--db", report_db)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [
        "number-+18775550199", f"site-{PRINTER_HOST}",
    ]  # fmt: skip
    assert findings(report_db, id=hp["id"])[0]["status"] == "reported"


# --- refusals: exit 2, a clear message, nothing written or recorded ------------------------------


def refused(report_db: Path, tmp_path: Path, *args: Any) -> str:
    out = tmp_path / "refused"
    result = run_cli("takedown", *args, "-o", out, "--db", report_db)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())
    assert query(report_db, "SELECT count(*) AS n FROM takedowns")[0]["n"] == 0
    return result.stderr


def test_nothing_matches(report_db: Path, tmp_path: Path) -> None:
    assert "nothing to package" in refused(report_db, tmp_path, "--domain", "example.org")


def test_a_clean_finding_is_refused(report_db: Path, tmp_path: Path) -> None:
    [news] = [f for f in findings(report_db) if f["host"] == NEWS_HOST]
    message = refused(report_db, tmp_path, "--finding", news["id"])
    assert f"--finding {news['id']}: verdict clean" in message


def test_false_positives_are_never_packaged(report_db: Path, tmp_path: Path) -> None:
    with open_store(report_db) as store:
        for finding in store.findings(brand="Canon"):
            store.set_finding_status(finding["id"], "false_positive")
    assert "nothing to package" in refused(report_db, tmp_path, "--number", "+18555550188")


def test_a_verified_number_is_refused(report_db: Path, tmp_path: Path) -> None:
    message = refused(report_db, tmp_path, "--number", "1-888-280-4331")
    assert "Amazon's own number in the allowlist" in message


def test_an_official_domain_is_refused(report_db: Path, tmp_path: Path) -> None:
    assert "belongs to Amazon" in refused(report_db, tmp_path, "--domain", "www.amazon.com")


def test_bad_number_and_unknown_finding(report_db: Path, tmp_path: Path) -> None:
    assert "not a phone number" in refused(report_db, tmp_path, "--number", "call-me")
    assert "no such finding" in refused(report_db, tmp_path, "--finding", "9999")


@pytest.mark.parametrize("args", [(), ("--domain", SCAM_HOST, "--number", "+18885550142")])
def test_exactly_one_selector(report_db: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    assert "exactly one of --domain, --number or --finding" in refused(report_db, tmp_path, *args)


def test_output_folder_must_be_new(report_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "used"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    result = run_cli("takedown", "--domain", SCAM_HOST, "-o", out, "--db", report_db)
    assert result.exit_code == 2
    assert "not an empty folder" in result.stderr
    assert [p.name for p in out.iterdir()] == ["mine.txt"]
    assert {f["status"] for f in findings(report_db)} == {"new"}


def test_missing_database(tmp_path: Path) -> None:
    result = run_cli("takedown", "--domain", SCAM_HOST, "-o", tmp_path / "o", "--db",
                     tmp_path / "none.db")  # fmt: skip
    assert result.exit_code == 2
    assert "no such database" in result.stderr


# --- the pieces ---------------------------------------------------------------------------------


RDAP_RECORD = {
    "objectClassName": "domain",
    "ldhName": "EXAMPLE.NET",
    "entities": [
        {"roles": ["registrant"], "vcardArray": ["vcard", [["email", {}, "text", "x@y.z"]]]},
        {
            "roles": ["registrar"],
            "vcardArray": ["vcard", [["fn", {}, "text", "Registrar Inc."]]],
            "entities": [
                {
                    "roles": ["abuse"],
                    "vcardArray": [
                        "vcard",
                        [["fn", {}, "text", "Abuse"], ["email", {}, "text", "abuse@registrar.example"]],
                    ],
                }
            ],
        },
    ],
}


def test_rdap_abuse_email_is_found_in_nested_entities() -> None:
    assert find_abuse_email(RDAP_RECORD) == "abuse@registrar.example"
    assert find_abuse_email({"entities": RDAP_RECORD["entities"][:1]}) is None
    assert find_abuse_email({"entities": "garbage"}) is None
    assert find_abuse_email({}) is None


def test_plain_text_drops_control_characters() -> None:
    assert plain("ok\x1b[2J\x07 \u202eevil\ttab\nline") == "ok[2J evil\ttab\nline"
