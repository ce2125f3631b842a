"""Screenshots in reports and takedown packages: what a visitor saw, as evidence.

A crawl that rendered a page stores its screenshots by SHA-256 (``screenshots`` and
``bodies``, :mod:`crawler.store.renders`). The HTML report shows the viewport screenshot of
each page inline as a ``data:`` URI (its CSP allows images from ``data:`` only, so the file
still loads nothing); a takedown package carries ``evidence/page-ID/screenshot.png`` (the
viewport) and ``screenshot-full.png`` (the full page, height-capped), listed with their
hashes in ``manifest.json`` and ``SHA256SUMS`` like every other file.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = ["FILES", "PageShots", "data_uri", "write_screenshots"]

#: Package file name of each screenshot kind.
FILES = {"viewport": "screenshot.png", "full_page": "screenshot-full.png"}


def data_uri(png: bytes) -> str:
    """``data:image/png;base64,…``: only our own bytes, base64 encoded, nothing to escape."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


class PageShots(Mapping[int, dict[str, Any]]):
    """For each of ``page_ids``: its latest viewport screenshot (``uri``, ``sha256``,
    ``captured_at``) and which text the detector judged (``text_source``).

    Read from the store when first asked for (the HTML report asks as it writes each row),
    and kept: the store must stay open while this is used.
    """

    def __init__(self, store: Store, page_ids: set[int]) -> None:
        self.store = store
        self.page_ids = page_ids
        self.read: dict[int, dict[str, Any]] = {}

    def __getitem__(self, page_id: int) -> dict[str, Any]:
        if page_id not in self.page_ids:
            raise KeyError(page_id)
        if page_id not in self.read:
            self.read[page_id] = self._entry(page_id)
        return self.read[page_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self.page_ids)

    def __len__(self) -> int:
        return len(self.page_ids)

    def _entry(self, page_id: int) -> dict[str, Any]:
        shot = self.store.latest_screenshot(page_id)
        entry: dict[str, Any] = {"text_source": self.store.text_source(page_id)}
        if shot is not None:
            entry.update(uri=data_uri(shot["png"]), sha256=shot["sha256"],
                         captured_at=shot["captured_at"])
        return entry


def write_screenshots(store: Store, page_id: int, where: Path) -> list[dict[str, Any]]:
    """Write the page's latest screenshots into ``where``; what evidence.json says of them."""
    written = []
    for kind, name in FILES.items():
        shot = store.latest_screenshot(page_id, kind)
        if shot is None:
            continue
        (where / name).write_bytes(shot["png"])
        written.append({"kind": kind, "file": f"evidence/page-{page_id}/{name}",
                        "sha256": shot["sha256"], "captured_at_utc": shot["captured_at"],
                        "width": shot["width"], "height": shot["height"],
                        "capture_id": shot["capture_id"]})
    return written
