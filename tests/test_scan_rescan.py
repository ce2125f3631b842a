"""``scamlines rescan``: re-judging stored pages after the allowlist changes, fetching nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from crawlhelp import run_scamlines
from crawlhelp import subprocess_env as env
from scanhelp import DELTA, N2, WatchSite, rows, scan, write_config
from sitemock import SiteServer

import allowlist
from crawler.store import open_store

pytestmark = pytest.mark.slow


def allowlist_verifying(folder: Path, e164: str) -> Path:
    """A copy of the bundled allowlist in which ``e164`` is a verified Delta number."""
    shutil.copytree(allowlist.DATA_DIR, folder)
    with (folder / "delta-air-lines.toml").open("a", encoding="utf-8") as file:
        file.write(
            f'\n[[numbers]]\nnumber = "{e164}"\nuse = "Refunds desk (test)"\n'
            'source = "https://www.delta.com/contact"\nverified_on = 2026-11-22\n'
        )
    return folder


def test_rescan_after_verifying_a_number_turns_its_finding_clean(tmp_path: Path) -> None:
    WatchSite(tmp_path / "site")
    with SiteServer(root=tmp_path / "site") as server:
        config = write_config(tmp_path / "scan.toml", server)
        assert scan(config).returncode == 0
        hits = len(server.hits)
        db = str(tmp_path / "data" / "watch.db")
        same = run_scamlines("rescan", "--db", db, "--format", "json")
        custom = allowlist_verifying(tmp_path / "allowlist", N2)
        changed = run_scamlines("rescan", "--db", db, "--allowlist", str(custom), "--format", "json")
        text = run_scamlines("diff", "--db", db)
        assert len(server.hits) == hits  # nothing was fetched
    refund = server.url(DELTA, "/refund.html")

    # Same allowlist, same detector: nothing changes.
    assert same.returncode == 0, same.stderr
    unchanged = same.json()
    assert (unchanged["run_id"], unchanged["base_run_id"], unchanged["kept"]) == (2, 1, 0)
    assert unchanged["diff"]["newly_flagged"] == 0
    for kind in ("pages", "findings", "numbers"):
        assert {item["change"] for item in unchanged["diff"][kind]} == {"still"}
        assert all(item.get("before") == item.get("after") for item in unchanged["diff"][kind])

    # N2 verified for Delta: the refund page's finding turns clean, N2 is no longer flagged.
    assert changed.returncode == 0, changed.stderr
    diff = changed.json()["diff"]
    assert (diff["before"]["id"], diff["after"]["id"]) == (2, 3)
    assert diff["after"]["kind"] == "rescan"
    findings = {(f["url"], f["brand"]): f for f in diff["findings"]}
    finding = findings[(refund, "Delta Air Lines")]
    assert (finding["change"], finding["before"], finding["after"]) == ("still", "flagged", "clean")
    others = [f for f in diff["findings"] if f is not finding]
    assert all(f["before"] == f["after"] for f in others)
    number = {n["e164"]: n for n in diff["numbers"]}[N2]
    assert (number["change"], number["flagged_before"], number["flagged"]) == ("still", True, False)
    assert text.returncode == 0
    assert "rescan run 3" in text.stdout.splitlines()[0]
    assert "still  flagged -> clean" in text.stdout and "/refund.html" in text.stdout
    assert f"{N2}" in text.stdout and "no longer flagged" in text.stdout
    assert rows(Path(db), "SELECT kind, status FROM runs WHERE id = 3") == [
        {"kind": "rescan", "status": "finished"}
    ]
    # No capture was added: a rescan judges the evidence it has.
    assert rows(Path(db), "SELECT count(*) AS n FROM captures") == [{"n": 4}]


def test_rescan_errors_are_clean(tmp_path: Path) -> None:
    missing = run_scamlines("rescan", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 2
    assert "no such database" in missing.stderr and "Traceback" not in missing.stderr
    empty = tmp_path / "empty.db"
    assert run_scamlines("numbers", "--db", str(empty)).returncode == 2  # not created either
    assert not empty.exists()


def test_rescan_waits_for_no_one_while_a_scan_holds_the_database(tmp_path: Path) -> None:
    db = tmp_path / "watch.db"
    hold = (
        "import sys, time; from pathlib import Path; from crawler.scans.lock import ScanLock; "
        "lock = ScanLock(Path(sys.argv[1])); lock.acquire(); print('held', flush=True); "
        "time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", hold, str(db)], stdout=subprocess.PIPE,
                              text=True, env=env())  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with open_store(db) as store:  # something to rescan, were the lock free
            store.finish_run(store.start_run("scan", [], {}, None), "finished", {})
        busy = run_scamlines("rescan", "--db", str(db))
    finally:
        holder.kill()
        holder.communicate(timeout=10)
    assert busy.returncode == 2
    assert f"another scan is running on {db} (pid {holder.pid}, since 20" in busy.stderr
    assert "Traceback" not in busy.stderr
