"""Pure analysis: page → sightings → verdict with reasons. No Scrapy, no I/O.

>>> import allowlist, detector
>>> report = detector.analyze(html_bytes, url="https://example.com/help", allowlist=allowlist.load())
>>> report.verdict, report.reason_codes()
"""

from __future__ import annotations

from detector.analyze import analyze
from detector.decode import UnsupportedContent
from detector.report import BrandFinding, NumberReport, PageReport, Reason, Sighting

__all__ = ["BrandFinding", "NumberReport", "PageReport", "Reason", "Sighting", "UnsupportedContent", "analyze"]
