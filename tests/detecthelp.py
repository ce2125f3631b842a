"""What the detector tests share: a plain-text page analysed, and the numbers a report found."""

from __future__ import annotations

import allowlist
import detector


def text(page: str, al: allowlist.Allowlist, url: str | None = None) -> detector.PageReport:
    return detector.analyze(page, url=url, allowlist=al, content_type="text/plain")


def numbers(report: detector.PageReport) -> list[str]:
    return [n.e164 for n in report.numbers]
