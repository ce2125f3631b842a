"""The detector against the labelled development corpus (``../shared/corpus``), when present.

Expectations are read from ``labels.jsonl``; no page text is copied into the project.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import phonenumbers
import pytest

import allowlist
import detector
from crawler.checks.evaluate import PageResult, dialable_number, evaluate, read_labels, summarize

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
GATE = Path(__file__).with_name("corpus_gate.toml")
SEED_FLAG = "003_0e95336ad64cd363.txt"

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def corpus() -> Path:
    if not (CORPUS / "labels.jsonl").is_file():
        pytest.skip(f"no labelled corpus at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="module")
def al() -> allowlist.Allowlist:
    return allowlist.load()


@pytest.fixture(scope="module")
def labels(corpus: Path) -> dict[str, dict[str, Any]]:
    return {label["file"]: label for label in read_labels(corpus)}


@pytest.fixture(scope="module")
def results(corpus: Path, al: allowlist.Allowlist) -> dict[str, PageResult]:
    return {result.file: result for result in evaluate(corpus, al)}


def analyze_page(corpus: Path, label: dict[str, Any], al: allowlist.Allowlist
                 ) -> detector.PageReport:
    path = corpus / "pages" / label["file"]
    return detector.analyze(path.read_bytes(), url=label.get("url"), allowlist=al,
                            content_type="text/plain", source=str(path))


@pytest.fixture(scope="module")
def gate() -> dict[str, float]:
    """The ratchet of minimums CI holds the detector to (shared with ``.ci/run``)."""
    return tomllib.loads(GATE.read_text(encoding="utf-8"))


def test_summary_meets_the_bar(results: dict[str, PageResult], gate: dict[str, float]) -> None:
    summary = summarize(list(results.values()))
    assert summary.errors == 0
    assert summary.pages == len(results) > 0
    assert summary.true_positives > 0
    assert summary.precision >= gate["precision"], summary.to_dict()
    assert summary.recall >= gate["recall"], summary.to_dict()
    assert summary.number_recall >= gate["number_recall"], summary.to_dict()


def test_no_page_raises(results: dict[str, PageResult]) -> None:
    assert {f: r.error for f, r in results.items() if r.error} == {}


def test_every_labelled_flag_is_flagged(results: dict[str, PageResult],
                                        labels: dict[str, dict[str, Any]],
                                        gate: dict[str, float]) -> None:
    flagged = {f for f, r in results.items() if r.predicted_flag}
    expected = {f for f, label in labels.items() if label["expected"] == "flag"}
    clean = {f for f, label in labels.items() if label["expected"] == "clean"}
    missed, wrong = expected - flagged, clean & flagged
    # The same ratchet as the summary, but naming the pages that break it.
    assert 1 - len(missed) / len(expected) >= gate["recall"], sorted(missed)
    assert 1 - len(wrong) / max(1, len(flagged)) >= gate["precision"], sorted(wrong)


def test_seed_spam_page(corpus: Path, labels: dict[str, dict[str, Any]],
                        al: allowlist.Allowlist) -> None:
    if SEED_FLAG not in labels:
        pytest.skip(f"{SEED_FLAG} is not in this corpus")
    label = labels[SEED_FLAG]
    report = analyze_page(corpus, label, al)
    assert label["expected"] == "flag"
    assert report.verdict == "flagged"
    assert report.brands == ["Pinterest"]
    assert label["brand"] == "Pinterest"

    # Every labelled number is found, as itself.
    expected = {}
    for printed in label["numbers"]:
        parsed = dialable_number(printed, report.region or "US")
        assert parsed is not None, printed
        expected[phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)] = (
            phonenumbers.is_valid_number(parsed))
    assert len(expected) == len(label["numbers"]) == 25
    assert {n.e164 for n in report.numbers} == set(expected)

    statuses = {n.e164: n.status for n in report.numbers}
    invalid = {e164 for e164, valid in expected.items() if not valid}
    assert invalid == {"+5712659988", "+23414729988"}
    assert {e164 for e164, status in statuses.items() if status == "invalid"} == invalid
    unverified = [e164 for e164, status in statuses.items() if status == "unverified"]
    assert len(unverified) == 23
    assert all(n.brand == "Pinterest" for n in report.numbers)
    codes = set(report.reason_codes())
    assert {"brand_has_no_phone_support", "claims_official", "unverified_number"} <= codes


@pytest.mark.parametrize("index", ["000", "001", "002"])
def test_seed_clean_pages(index: str, corpus: Path, labels: dict[str, dict[str, Any]],
                          al: allowlist.Allowlist) -> None:
    files = [f for f in labels if f.startswith(f"{index}_")]
    if not files:
        pytest.skip(f"no {index}_* page in this corpus")
    for name in files:
        label = labels[name]
        assert label["expected"] == "clean"
        report = analyze_page(corpus, label, al)
        assert report.verdict == "clean", (name, report.reason_codes())
        assert report.numbers == []


KLM_NL = """name = "KLM Royal Dutch Airlines"

[[numbers]]
number = "+31206490787"
use = "Netherlands customer service"
source = "https://www.klm.com"
verified_on = 2026-12-01
"""


def test_a_brand_line_abroad_changes_no_other_number(
        corpus: Path, results: dict[str, PageResult], tmp_path: Path) -> None:
    # Lines abroad make the detector try those countries; no digit run on a page that does
    # not show the country may become a number there (a ZIP+4 "30320-2980" is a Dutch one).
    (tmp_path / "klm.toml").write_text(KLM_NL, encoding="utf-8")
    with_line = {r.file: r for r in evaluate(corpus, allowlist.load(tmp_path))}
    assert summarize(list(with_line.values())).precision == 1.0
    assert {f: _numbers(r) for f, r in with_line.items()} == {
        f: _numbers(r) for f, r in results.items()}


def _numbers(result: PageResult) -> tuple[str, list[str]]:
    report = result.report
    return (report.verdict, sorted(n.e164 for n in report.numbers)) if report else ("", [])
