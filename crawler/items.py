"""Items the scamlines spider yields (dataclass items, Scrapy 2.18+ style).

See documentation in docs/topics/items.rst (Scrapy) for how dataclass items flow through
pipelines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.store import FetchRecord
    from detector.report import PageReport

__all__ = ["PageItem"]


@dataclass(slots=True)
class PageItem:
    """One fetched page on its way to the detector and the store.

    ``text`` is the body decoded by Scrapy (None for non-text bodies, which the detector
    skips); ``report`` is filled in by :class:`crawler.pipelines.DetectorPipeline`.
    ``replayed`` marks a page a resumed crawl served from the store: it is counted but not
    analysed or recorded again.
    """

    fetch: FetchRecord
    text: str | None = None
    report: PageReport | None = None
    replayed: bool = False
