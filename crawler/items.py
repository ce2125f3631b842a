"""Items the scamlines spider yields (dataclass items, Scrapy 2.18+ style).

See documentation in docs/topics/items.rst (Scrapy) for how dataclass items flow through
pipelines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.store import FetchRecord

__all__ = ["PageItem"]


@dataclass(slots=True, repr=False)
class PageItem:
    """One fetched page on its way to the detector and the store.

    ``text`` is the body decoded by Scrapy (None for non-text bodies, which the detector
    skips); ``verdict`` is the detector's, set by :class:`crawler.pipelines.PagePipeline`
    once the page is analysed and stored (the full report is in the store). ``replayed``
    marks a page a resumed crawl served from the store: it is counted, not stored again.
    """

    fetch: FetchRecord
    text: str | None = None
    #: The charset Scrapy decoded ``text`` with: the page worker decodes the body the same
    #: way (:func:`crawler.pageworker.decoded`), so only the body crosses the pipe.
    encoding: str | None = None
    #: Distributed runs: the Redis leases of the request (released once the page is recorded).
    leases: tuple[int, ...] = ()
    verdict: str | None = None
    replayed: bool = False

    def __repr__(self) -> str:
        # Scrapy logs dropped items with repr(): never the whole body.
        return (
            f"<PageItem {self.fetch.status} {self.fetch.final_url} verdict={self.verdict}"
            f"{' replayed' if self.replayed else ''}>"
        )
