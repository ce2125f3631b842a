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
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.store import Store

__all__ = ["FILES", "data_uri", "page_shots", "write_screenshots"]

#: Package file name of each screenshot kind.
FILES = {"viewport": "screenshot.png", "full_page": "screenshot-full.png"}


def data_uri(png: bytes) -> str:
    """``data:image/png;base64,…``: only our own bytes, base64 encoded, nothing to escape."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def page_shots(store: Store, page_ids: set[int]) -> dict[int, dict[str, Any]]:
    """For each page: its latest viewport screenshot (``uri``, ``sha256``, ``captured_at``)
    and which text the detector judged (``text_source``)."""
    shots: dict[int, dict[str, Any]] = {}
    for page_id in page_ids:
        shot = store.latest_screenshot(page_id)
        entry: dict[str, Any] = {"text_source": store.text_source(page_id)}
        if shot is not None:
            entry.update(uri=data_uri(shot["png"]), sha256=shot["sha256"],
                         captured_at=shot["captured_at"])
        shots[page_id] = entry
    return shots


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
