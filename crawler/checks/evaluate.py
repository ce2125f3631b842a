"""``scamlines eval``: run the detector over a labelled corpus and measure it.

The corpus format is ``labels.jsonl`` (one object per page: ``file``, ``url``, ``expected`` in
``flag|clean|review``, ``numbers`` as printed) beside a ``pages/`` folder.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import phonenumbers

import detector
from detector.report import PageReport

if TYPE_CHECKING:
    from allowlist import Allowlist

_DIAL_CHARS = re.compile(r"[^0-9A-Za-z+]")
_NANP_VANITY = re.compile(r"^((?:\+?1)?[2-9]\d{9})\d+$")


class CorpusError(ValueError):
    """The corpus folder or its labels file is unusable."""


@dataclass(slots=True)
class PageResult:
    """One labelled page and what the detector said."""

    file: str
    expected: str
    report: PageReport | None
    error: str | None = None
    labelled_numbers: list[str] = field(default_factory=list)  #: dialable ones only
    missed_numbers: list[str] = field(default_factory=list)
    kind: str = ""  #: the label's ``kind`` ("forum-spam", "scam-warning"…), "" when absent

    @property
    def predicted_flag(self) -> bool:
        return self.report is not None and self.report.verdict == "flagged"

    @property
    def correct(self) -> bool | None:
        if self.expected == "review":
            return None
        return self.predicted_flag == (self.expected == "flag")


@dataclass(slots=True)
class Summary:
    pages: int
    reviewed: int  #: pages labelled review, excluded from precision/recall
    true_positives: int
    false_positives: int
    false_negatives: int
    numbers_labelled: int
    numbers_found: int
    errors: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        positives = self.true_positives + self.false_negatives
        return self.true_positives / positives if positives else 1.0

    @property
    def number_recall(self) -> float:
        return self.numbers_found / self.numbers_labelled if self.numbers_labelled else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "reviewed": self.reviewed,
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "numbers_labelled": self.numbers_labelled,
            "numbers_found": self.numbers_found,
            "number_recall": round(self.number_recall, 4),
            "errors": self.errors,
        }


def read_labels(corpus: Path) -> list[dict[str, Any]]:
    """The label objects of ``corpus``; raises CorpusError with ``file:line: message``."""
    labels_path = corpus / "labels.jsonl"
    if not labels_path.is_file():
        raise CorpusError(
            f"{labels_path}: not found (a corpus folder holds labels.jsonl and pages/)"
        )
    labels = []
    for line_number, line in enumerate(labels_path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            label = json.loads(line)
        except ValueError as error:
            raise CorpusError(f"{labels_path}:{line_number}: not JSON ({error})") from None
        if not isinstance(label, dict) or "file" not in label or "expected" not in label:
            raise CorpusError(f"{labels_path}:{line_number}: needs 'file' and 'expected'")
        if label["expected"] not in ("flag", "clean", "review"):
            raise CorpusError(
                f"{labels_path}:{line_number}: expected must be flag, clean or "
                f"review, not {label['expected']!r}"
            )
        labels.append(label)
    return labels


def evaluate(corpus: Path, allowlist: Allowlist) -> Iterator[PageResult]:
    """Analyse every labelled page of ``corpus``, in label order."""
    for label in read_labels(corpus):
        path = corpus / "pages" / label["file"]
        result = PageResult(label["file"], label["expected"], None,
                            kind=str(label.get("kind") or ""))
        try:
            result.report = detector.analyze(
                path.read_bytes(),
                url=label.get("url"),
                allowlist=allowlist,
                content_type="text/plain",
                source=str(path),
            )
        except (OSError, detector.UnsupportedContent) as error:
            result.error = str(error)
        _score_numbers(result, label.get("numbers") or [])
        yield result


def _score_numbers(result: PageResult, labelled: list[str]) -> None:
    region = result.report.region if result.report else None
    found = result.report.numbers if result.report else []
    for printed in labelled:
        dialable = dialable_number(printed, region or "US")
        if dialable is None:
            continue
        result.labelled_numbers.append(printed)
        if not any(_same_number(dialable, number.e164) or _same_digits(printed, number.e164)
                   for number in found):
            result.missed_numbers.append(printed)


def dialable_number(printed: str, region: str) -> phonenumbers.PhoneNumber | None:
    """The number a label stands for, or None for short codes and masked forms (911,
    1-888-XXX-XXXX). Deliberately plain: no de-obfuscation beyond dropping separators and
    reading digits of other forms (superscript, mathematical bold) as the digits they are."""
    if re.search(r"[Xx#*]{3,}", printed):  # masked: 1-888-XXX-XXXX, (888) 497-####
        return None
    text = _DIAL_CHARS.sub("", unicodedata.normalize("NFKC", printed))
    if any(char.isalpha() for char in text):
        # North American vanity numbers dial their first seven letters; the rest only finish
        # the word ("1-800-GEEK SQUAD" is 1-800-433-5778).
        text = _NANP_VANITY.sub(r"\1", phonenumbers.convert_alpha_characters_in_number(text))
    text = phonenumbers.convert_alpha_characters_in_number(text)
    if text.startswith("00") and not text.startswith("000"):
        text = "+" + text[2:]
    digits = re.sub(r"\D", "", text)
    if len(digits) < 7:
        return None
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def _same_digits(printed: str, e164: str) -> bool:
    """The label's digits are the number's, with or without its country code or trunk "0"
    ("1-800-538-2583" is +18005382583 even when the page's region reads it otherwise)."""
    printed = unicodedata.normalize("NFKC", printed)
    digits = re.sub(r"\D", "", phonenumbers.convert_alpha_characters_in_number(printed))
    digits = digits.removeprefix("00")
    try:
        found = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    national = phonenumbers.national_significant_number(found)
    return digits in (f"{found.country_code}{national}", national, "0" + national)


def _same_number(label: phonenumbers.PhoneNumber, e164: str) -> bool:
    """Same number, allowing the label's region to differ from the page's reading of it
    ("1-800-419-0157" is Indian on an Indian page, American elsewhere)."""
    try:
        found = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    if found.country_code == label.country_code:
        return found.national_number == label.national_number
    label_digits = f"{label.country_code}{label.national_number}"
    national = str(found.national_number)
    return national in (label_digits, str(label.national_number))


def summarize(results: list[PageResult]) -> Summary:
    judged = [r for r in results if r.expected != "review"]
    return Summary(
        pages=len(results),
        reviewed=len(results) - len(judged),
        true_positives=sum(r.predicted_flag and r.expected == "flag" for r in judged),
        false_positives=sum(r.predicted_flag and r.expected == "clean" for r in judged),
        false_negatives=sum(not r.predicted_flag and r.expected == "flag" for r in judged),
        numbers_labelled=sum(len(r.labelled_numbers) for r in results),
        numbers_found=sum(len(r.labelled_numbers) - len(r.missed_numbers) for r in results),
        errors=sum(r.error is not None for r in results),
    )


@dataclass(slots=True)
class KindSummary:
    """The figures of the pages of one ``kind``, so weak spots show."""

    kind: str
    summary: Summary

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.summary.to_dict()}


def summarize_by_kind(results: list[PageResult]) -> list[KindSummary]:
    """One :class:`Summary` per label ``kind`` (pages without one under ``"-"``), in order of
    decreasing page count, then by name."""
    by_kind: dict[str, list[PageResult]] = {}
    for result in results:
        by_kind.setdefault(result.kind or "-", []).append(result)
    ordered = sorted(by_kind.items(), key=lambda item: (-len(item[1]), item[0]))
    return [KindSummary(kind, summarize(group)) for kind, group in ordered]


def kind_table(kinds: list[KindSummary]) -> list[str]:
    """``kinds`` as aligned text rows: pages, flagged right/wrong, precision, recall, number
    recall ("-" where a kind has nothing to measure)."""
    width = max([len(k.kind) for k in kinds] + [4])
    rows = [f"{'kind':{width}}  pages  TP  FP  FN  precision  recall  numbers"]
    for entry in kinds:
        summary = entry.summary
        flagged = summary.true_positives + summary.false_positives
        positives = summary.true_positives + summary.false_negatives
        precision = f"{summary.precision:.3f}" if flagged else "-"
        recall = f"{summary.recall:.3f}" if positives else "-"
        numbers = (f"{summary.numbers_found}/{summary.numbers_labelled}"
                   if summary.numbers_labelled else "-")
        rows.append(f"{entry.kind:{width}}  {summary.pages:5}  {summary.true_positives:2}  "
                    f"{summary.false_positives:2}  {summary.false_negatives:2}  {precision:>9}  "
                    f"{recall:>6}  {numbers:>7}")
    return rows
