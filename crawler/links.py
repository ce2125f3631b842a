"""Which links a crawl follows: scope. Pure functions.

Scope: by default a link is followed only when its registrable domain (public suffix list,
private suffixes included, so each ``*.blogspot.com`` tenant is its own site) equals the
registrable domain of the page it was found on; ``--follow-offsite`` lifts that. Local
``file:`` pages only ever lead to files under the folders given as seeds.

Which links are followed *first* is :mod:`crawler.linkscore`'s job.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from w3lib.url import file_uri_to_path

__all__ = [
    "file_path",
    "in_scope",
    "registrable_domain",
]


@lru_cache(maxsize=1)
def _extractor() -> Any:
    import tldextract  # offline: the bundled suffix list snapshot, never an HTTP fetch

    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """``shop.example.co.uk`` → ``example.co.uk``; IPs and bare names are their own domain."""
    host = host.lower().rstrip(".").strip("[]")
    if not host:
        return ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    extracted = _extractor()(host)
    return extracted.top_domain_under_public_suffix or host


def file_path(url: str) -> Path | None:
    """The local path of a ``file:`` URL, resolved (symlinks followed), or None."""
    if not url.startswith("file:"):
        return None
    try:
        return Path(file_uri_to_path(url)).resolve()
    except (OSError, ValueError):
        return None


def under_roots(path: Path, roots: Iterable[Path]) -> bool:
    """True when ``path`` is one of ``roots`` or inside one."""
    return any(path == root or path.is_relative_to(root) for root in roots)


def in_scope(
    link: str, page: str, *, follow_offsite: bool = False, file_roots: Iterable[Path] = ()
) -> bool:
    """Whether a crawl that fetched ``page`` should follow ``link`` found on it."""
    scheme = link.split(":", 1)[0].lower()
    if scheme == "file":
        path = file_path(link)
        return path is not None and page.startswith("file:") and under_roots(path, file_roots)
    if scheme not in ("http", "https"):
        return False
    if follow_offsite:
        return True
    if page.startswith("file:"):
        return False
    link_host = urlsplit(link).hostname or ""
    page_host = urlsplit(page).hostname or ""
    return registrable_domain(link_host) == registrable_domain(page_host)
