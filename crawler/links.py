"""Which links a crawl follows (scope) and which it follows first (priority). Pure functions.

Scope: by default a link is followed only when its registrable domain (public suffix list,
private suffixes included, so each ``*.blogspot.com`` tenant is its own site) equals the
registrable domain of the page it was found on; ``--follow-offsite`` lifts that. Local
``file:`` pages only ever lead to files under the folders given as seeds.

Priority: links that look like contact/support/helpline pages, or name a protected brand in
their URL or anchor text, are fetched before the others: that is where fake support numbers
are printed.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from w3lib.url import file_uri_to_path

__all__ = [
    "BRAND_BONUS",
    "CONTACT_BONUS",
    "LinkRanker",
    "brand_terms",
    "file_path",
    "in_scope",
    "registrable_domain",
]

CONTACT_BONUS = 20
BRAND_BONUS = 10

_CONTACT = re.compile(
    r"contact|support|help|hotline|phone|call|toll.?free|customer.?(?:service|care)"
    r"|care.?number|number|assistance|helpdesk|tech.?support"
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SHORT_TERM = 4  # brand terms shorter than this ("HP", "AOL") must match a whole token


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


def brand_terms(allowlist: Any) -> list[str]:
    """Lowercase names and aliases of every protected brand in ``allowlist``."""
    terms: set[str] = set()
    for brand in allowlist or ():
        for name in (brand.name, *getattr(brand, "aliases", ())):
            compact = _NON_ALNUM.sub("", name.lower())
            if len(compact) >= 2:
                terms.add(compact)
    return sorted(terms)


class LinkRanker:
    """Scores a link by its URL and anchor text: the higher, the sooner it is fetched."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        terms = set(terms)
        long_terms = sorted((t for t in terms if len(t) >= _SHORT_TERM), key=len, reverse=True)
        self._long = re.compile("|".join(map(re.escape, long_terms))) if long_terms else None
        self._short = frozenset(t for t in terms if len(t) < _SHORT_TERM)

    def priority(self, url: str, text: str = "") -> int:
        """:data:`CONTACT_BONUS` and/or :data:`BRAND_BONUS`, or 0."""
        parts = urlsplit(url)
        # Not the host name: every link of "amazon-help.blogspot.com" would score alike.
        where = f"{parts.path} {parts.query} {text}".lower()
        score = CONTACT_BONUS if _CONTACT.search(where) else 0
        if self._names_brand(where):
            score += BRAND_BONUS
        return score

    def _names_brand(self, where: str) -> bool:
        if self._long is not None and self._long.search(_NON_ALNUM.sub("", where)):
            return True
        return bool(self._short) and not self._short.isdisjoint(_NON_ALNUM.split(where))
