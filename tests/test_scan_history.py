"""Run history on real stores built in-process: diff classes, killed runs, false positives,
number reputation, clusters, triage, and the history commands' errors.

Each run records real ``detector.analyze`` reports of small pages through ``Store.record_pages``,
exactly what a crawl's page worker does, without a crawl.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from scanhelp import AL, DELTA_N1, DELTA_N2, N1, N2, N3, UNITED_N1, A, B, C, page, run

import detector
from crawler.cli import cli
from crawler.scans.clusters import number_clusters
from crawler.scans.difftext import diff_text
from crawler.scans.history import HistoryError, RunDiff, classify, default_pair, diff_runs
from crawler.scans.reputation import BONUS, with_reputation
from crawler.scans.triage import TriageError, triage
from crawler.store import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "h.db") as opened:
        yield opened


def changes(diff: RunDiff, kind: str) -> dict[Any, str]:
    key = "e164" if kind == "numbers" else "url"
    items = getattr(diff, kind)
    if kind == "findings":
        return {(f.url, f.brand): f.change for f in items}
    return {getattr(item, key): item.change for item in items}


# --- classes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_before", "in_after", "earlier", "expected"),
    [
        (True, True, False, "still"),
        (True, True, True, "still"),
        (True, False, True, "gone"),
        (False, True, False, "new"),
        (False, True, True, "back"),
        (False, False, True, None),
    ],
)
def test_classify(in_before: bool, in_after: bool, earlier: bool, expected: str | None) -> None:
    assert classify(in_before, in_after, earlier) == expected


def test_page_number_and_finding_come_back_after_a_gap(store: Store) -> None:
    first = run(store, {A: DELTA_N1, B: DELTA_N2})
    second = run(store, {A: DELTA_N1})
    third = run(store, {A: DELTA_N1})
    fourth = run(store, {A: DELTA_N1, B: DELTA_N2})
    assert changes(diff_runs(store, first, second), "pages") == {A: "still", B: "gone"}
    assert changes(diff_runs(store, second, third), "pages") == {A: "still"}
    diff = diff_runs(store, third, fourth)
    assert changes(diff, "pages") == {A: "still", B: "back"}
    assert changes(diff, "numbers") == {N1: "still", N2: "back"}
    assert changes(diff, "findings")[(B, "Delta Air Lines")] == "back"
    assert [f.url for f in diff.newly_flagged] == [B]
    assert diff.has_news


def test_a_page_answering_404_is_gone(store: Store) -> None:
    first = run(store, {A: DELTA_N1, B: DELTA_N2})
    second = run(store, {A: DELTA_N1, B: (404, "<html><body>not found</body></html>")})
    assert changes(diff_runs(store, first, second), "pages") == {A: "still", B: "gone"}
    third = run(store, {A: DELTA_N1, B: DELTA_N2})
    assert changes(diff_runs(store, second, third), "pages")[B] == "back"


def test_killed_and_failed_runs_saw_nothing(store: Store) -> None:
    # Before the base run: a killed scan saw B, a failed one saw C. Neither counts, so B and
    # C are new when they appear, not back.
    store.mark_killed(run(store, {A: DELTA_N1, B: DELTA_N2}, status="running"))
    run(store, {A: DELTA_N1, C: UNITED_N1}, status="failed")
    base = run(store, {A: DELTA_N1})
    # Between the base and the last run: interrupted and killed runs are skipped as bases.
    run(store, {A: DELTA_N1}, status="interrupted")
    store.mark_killed(run(store, {A: DELTA_N1}, status="running"))
    last = run(store, {A: DELTA_N1, B: DELTA_N2, C: UNITED_N1})
    before, after = default_pair(store)
    assert (before, after) == (base, last)
    diff = diff_runs(store, before, after)
    assert changes(diff, "pages") == {A: "still", B: "new", C: "new"}
    assert changes(diff, "numbers") == {N1: "still", N2: "new"}
    assert changes(diff, "findings")[(B, "Delta Air Lines")] == "new"


def test_first_run_has_no_before(store: Store) -> None:
    only = run(store, {A: DELTA_N1})
    assert default_pair(store) == (None, only)
    diff = diff_runs(store, None, only)
    assert diff.before is None and changes(diff, "pages") == {A: "new"}
    assert "no earlier run to compare with" in diff_text(diff)


def test_default_pair_follows_the_same_config_and_rescans_their_base(store: Store) -> None:
    mine = run(store, {A: DELTA_N1}, config="/watch/a.toml")
    run(store, {C: UNITED_N1}, config="/watch/other.toml")
    again = run(store, {A: DELTA_N1}, config="/watch/a.toml")
    assert default_pair(store, again) == (mine, again)
    rescan = store.start_run("rescan", [], {"base_run": mine}, AL)
    store.finish_run(rescan, "finished", {})
    assert default_pair(store) == (mine, rescan)


def test_diff_errors(store: Store) -> None:
    with pytest.raises(HistoryError, match="no finished scan or rescan"):
        default_pair(store)
    first, second = run(store, {A: DELTA_N1}), run(store, {A: DELTA_N1})
    with pytest.raises(HistoryError, match="no run 9 "):
        diff_runs(store, first, 9)
    with pytest.raises(HistoryError, match="is not older than"):
        diff_runs(store, second, first)


def test_brand_filter_keeps_findings_and_numbers_of_those_brands(store: Store) -> None:
    first = run(store, {A: DELTA_N2})
    second = run(store, {A: DELTA_N2, C: UNITED_N1})
    diff = diff_runs(store, first, second, brands=["United Airlines"])
    assert changes(diff, "findings") == {(C, "United Airlines"): "new"}
    assert changes(diff, "numbers") == {N1: "new"}
    assert changes(diff, "pages") == {A: "still", C: "new"}  # pages are not filtered


# --- false positives -----------------------------------------------------------------------------


def finding_id(store: Store, url: str) -> int:
    return next(f["id"] for f in store.findings() if f["url"] == url)


def test_a_false_positive_stays_quiet_until_the_page_shows_another_number(store: Store) -> None:
    first = run(store, {A: DELTA_N1})
    triage(store, finding_id(store, A), "false_positive", "the agency's own line")
    second = run(store, {A: DELTA_N1})
    diff = diff_runs(store, first, second)
    (finding,) = diff.findings
    assert (finding.before, finding.after, finding.status) == (
        "false_positive", "false_positive", "false_positive",
    )  # fmt: skip
    assert not diff.newly_flagged and not diff.has_news
    assert not diff.numbers[0].flagged
    # The page starts showing a second number: flagged again, the new number named.
    third = run(store, {A: page("Delta Air Lines", N1, N3)})
    (finding,) = diff_runs(store, second, third).findings
    assert (finding.before, finding.after, finding.undismissed) == (
        "false_positive", "flagged", (N3,),
    )  # fmt: skip
    assert finding.newly_flagged
    assert "not covered by the false-positive mark: +18775550104" in diff_text(
        diff_runs(store, second, third)
    )
    # Another status lifts the dismissal.
    triage(store, finding_id(store, A), "confirmed")
    assert store.dismissed_numbers() == []
    (finding,) = diff_runs(store, first, second).findings
    assert finding.after == "flagged" and finding.status == "confirmed"


def test_triage_rejects_unknown_findings_and_statuses(store: Store) -> None:
    run(store, {A: DELTA_N1})
    with pytest.raises(TriageError, match="no finding 42"):
        triage(store, 42, "confirmed")
    with pytest.raises(TriageError, match="status must be one of"):
        triage(store, finding_id(store, A), "new")
    assert store.finding(finding_id(store, A))["status"] == "new"  # type: ignore[index]


# --- number reputation ---------------------------------------------------------------------------


def test_reputation_counts_earlier_runs_on_other_pages_only(store: Store) -> None:
    run(store, {C: UNITED_N1})
    second = run(store, {A: DELTA_N1, B: DELTA_N2}, reputation=True)
    reasons = {f["url"]: {r["code"] for r in f["reasons"]} for f in store.findings(run_id=second)}
    assert {"number_seen_before", "number_reused_across_brands"} <= reasons[A]
    assert "number_seen_before" not in reasons[B]  # N2 was never flagged before
    scores = {f["url"]: f["run_score"] for f in store.findings(run_id=second)}
    assert scores[A] == pytest.approx(scores[B] + 2 * BONUS)
    # The same page seen again does not count as "elsewhere".
    third = run(store, {C: UNITED_N1}, reputation=True)
    (united,) = store.findings(run_id=third)
    assert {"number_seen_before"} <= {r["code"] for r in united["reasons"]}  # A flagged it
    rows = store.number_reputation([N1], before_run=third, exclude_url=C)
    assert [(row["brand"], row["pages"]) for row in rows] == [("Delta Air Lines", 1)]


def test_reputation_ignores_dismissed_numbers(store: Store) -> None:
    run(store, {C: UNITED_N1})
    triage(store, finding_id(store, C), "false_positive")
    assert store.number_reputation([N1], before_run=99, exclude_url=A) == []


def test_with_reputation_is_pure_and_capped() -> None:
    report = detector.analyze(DELTA_N1, url=A, allowlist=AL, content_type="text/html")
    elsewhere = [{"e164": N1, "pages": 1, "domain": "united-care.blogspot.com",
                  "brand": "United Airlines", "since": "2026-11-01T02:00:00.000Z"}]  # fmt: skip
    raised = with_reputation(report, elsewhere)
    assert raised is not report and report.score < raised.score <= 1.0
    assert raised.verdict == report.verdict
    assert "already flagged on 1 other page (1 domain) since 2026-11-01" in str(raised.reasons)
    report.score = 0.95
    assert with_reputation(report, elsewhere).score == 1.0
    assert with_reputation(report, []) is report
    clean = detector.analyze("<p>Delta Air Lines news</p>", url=A, allowlist=AL)
    assert with_reputation(clean, elsewhere) is clean


# --- clusters ------------------------------------------------------------------------------------


def test_number_clusters(store: Store) -> None:
    run(store, {A: DELTA_N1, C: UNITED_N1, B: DELTA_N2})
    run(store, {A: DELTA_N2, C: UNITED_N1, B: DELTA_N2})
    clusters = number_clusters(store, min_pages=2)
    assert [c.e164 for c in clusters] == [N1, N2]
    one = clusters[0]
    assert one.brands == ["Delta Air Lines", "United Airlines"]
    assert len(one.domains) == 2 and one.flagged
    assert {p.url: p.current for p in one.pages} == {A: False, C: True}
    assert [c.e164 for c in number_clusters(store, min_pages=3)] == []
    assert "2 pages on 2 domains" in one.to_text()


# --- the commands' errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["diff"],
        ["numbers"],
        ["triage", "1", "--status", "confirmed"],
        ["rescan"],
    ],
)
def test_history_commands_refuse_a_missing_database(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "none.db"
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert result.exit_code == 2
    assert "no such database" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not db.exists()


def test_history_commands_explain_bad_runs_and_findings(store: Store) -> None:
    run(store, {A: DELTA_N1})
    db = str(store.path)
    invoke = CliRunner().invoke
    assert invoke(cli, ["diff", "--db", db]).exit_code == 0
    unknown = invoke(cli, ["diff", "1", "7", "--db", db])
    assert unknown.exit_code == 2 and "no run 7 (runs are 1..1)" in unknown.output
    assert invoke(cli, ["diff", "1", "2", "3", "--db", db]).exit_code == 2
    nothing = invoke(cli, ["triage", "9", "--status", "resolved", "--db", db])
    assert nothing.exit_code == 2 and "no finding 9" in nothing.output
    bad = invoke(cli, ["triage", "1", "--status", "new", "--db", db])
    assert bad.exit_code == 2
    ok = invoke(cli, ["triage", "1", "--status", "false_positive", "--note", "x", "--db", db])
    assert ok.exit_code == 0 and f"dismissed on this page: {N1}" in ok.output
    assert invoke(cli, ["numbers", "--min-pages", "5", "--db", db]).output.startswith(
        "no number seen on 5 pages"
    )


def test_an_older_database_gets_its_history_from_sightings(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with open_store(path) as old:
        first, second = run(old, {A: DELTA_N1, B: DELTA_N2}), run(old, {A: DELTA_N1})
    # Turn it into a database written before migration 0003_scan_history.
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TABLE number_runs; DROP TABLE false_positives; DROP TABLE triage; "
        "ALTER TABLE finding_runs DROP COLUMN numbers; "
        "DELETE FROM _sqlite_migrations WHERE name = '0003_scan_history';"
    )
    conn.close()
    with open_store(path) as migrated:
        diff = diff_runs(migrated, first, second)
        assert changes(diff, "numbers") == {N1: "still", N2: "gone"}
        assert {f.url: f.numbers for f in diff.findings} == {A: (N1,), B: (N2,)}
        assert migrated.dismissed_numbers() == []
