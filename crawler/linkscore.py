"""How promising a link is: the score that orders a focused crawl. Pure functions, no Scrapy.

A crawl with a page budget should spend it where fake support numbers are printed. Each
link found on a page gets a score from four signals, and the crawl fetches the highest
scores first (the score is the Scrapy request priority, and ``pages.priority`` records it):

* **anchor text**: "Amazon customer care number", "toll free helpline" (strong words:
  :data:`ANCHOR_STRONG`; plain "help", "contact": :data:`ANCHOR_WEAK`);
* **URL words**: the same vocabulary in the link's path and query (``/amazon-refund-phone``);
* **brand names**: a protected brand (name or alias, from the allowlist) in the anchor text
  or the URL (:data:`BRAND`);
* **the linking page**: how many phone numbers it shows (scam pages link to each other: one
  found, its neighbours are likely) and, at half weight, the score that got it fetched
  (a link on a promising page inherits some of its promise; halving keeps it bounded).

The linking page's number count is estimated here with a cheap pattern
(:func:`phone_count`), not taken from its detector report: the report is computed after the
page's links have been scheduled (in the page worker, see :mod:`crawler.pageworker`), and
running the detector in the crawl process too would slow the crawl it is meant to steer.

Seeds are fetched before any link (priority :data:`FIRST`); their links inherit nothing from
that rank. ``SCAMLINES_FOCUSED = False`` turns the scoring off: every priority is then 0 and
the crawl is breadth-first (``DEPTH_PRIORITY = 1`` with FIFO queues).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

__all__ = [
    "ANCHOR_STRONG",
    "ANCHOR_WEAK",
    "BRAND",
    "FIRST",
    "MAX_SCORE",
    "PER_NUMBER",
    "LinkScorer",
    "ParentPage",
    "phone_count",
]

#: Anchor text with words a victim (or a scam page) uses for a support line.
ANCHOR_STRONG = 30
#: Anchor text with a generic help/contact word.
ANCHOR_WEAK = 10
#: The same vocabulary in the link's URL path or query.
URL_STRONG = 20
URL_WEAK = 6
#: A protected brand named in the anchor text or the URL.
BRAND = 20
#: Per phone number shown on the linking page, up to :data:`MAX_NUMBERS` of them.
PER_NUMBER = 6
MAX_NUMBERS = 5
#: Share of the linking page's own score a link inherits (numerator, denominator).
INHERIT = (1, 2)
#: Scores are capped so that Scrapy's per-priority queues stay few.
MAX_SCORE = 200
#: The priority of requests fetched before any scored link: seeds, and the sitemaps listed
#: by a sitemap index or robots.txt.
FIRST = MAX_SCORE + 1

_STRONG = re.compile(
    r"\b(?:customer (?:care|service|support)|toll ?free|help ?line|hot ?line|help ?desk"
    r"|(?:support|care|service|contact|phone|helpline|help) (?:number|no|phone)"
    r"|phone numbers?|call (?:now|us|toll)|refunds?|tech(?:nical)? support|24 ?7"
    r"|contact (?:us|support|center|centre))\b"
)
_WEAK = re.compile(r"\b(?:contact|support|help|phone|call|numbers?|assistance|care|service)\b")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SHORT_TERM = 4  # brand terms shorter than this ("HP", "AOL") must match a whole word

# A phone number as printed: NANP (888) 555-0142 / 1-888-555-0142 / +1 888.555.0142, or an
# international +CC number in groups. Separators are required so that IDs, timestamps and
# prices in the markup do not count.
_PHONE = re.compile(
    r"(?<![\w.+])(?:\+?1[ .\-]?)?\(?[2-9]\d{2}\)?[ .\-]\d{3}[ .\-]\d{4}(?![\w])"
    r"|(?<![\w+])\+[2-9]\d{0,2}[ .\-]?(?:\(?\d{1,4}\)?[ .\-]){1,4}\d{2,6}(?![\w])"
)
_DIGITS = re.compile(r"\D+")
#: Only the start of a page is scanned for numbers (scam pages put them up front).
PHONE_SCAN_CHARS = 400_000


@dataclass(frozen=True, slots=True)
class ParentPage:
    """What the scorer knows about the page a link was found on."""

    score: int = 0  #: the score that got the page fetched (its ``pages.priority``)
    numbers: int = 0  #: phone numbers it shows (see :func:`phone_count`)


def phone_count(text: str) -> int:
    """How many distinct phone numbers ``text`` (a page's HTML or text) appears to show."""
    found = {_DIGITS.sub("", m.group())[-10:] for m in _PHONE.finditer(text[:PHONE_SCAN_CHARS])}
    return len(found)


def words(text: str) -> str:
    """Lower-case words separated by single spaces (``/Amazon-Care_No.html`` → ``amazon care
    no html``)."""
    return _NON_ALNUM.sub(" ", text.lower()).strip()


class LinkScorer:
    """Scores links for a focused crawl; ``brand_terms`` come from :func:`brand_terms`."""

    def __init__(self, brand_terms: Iterable[str] = ()) -> None:
        terms = set(brand_terms)
        long_terms = sorted((t for t in terms if len(t) >= _SHORT_TERM), key=len, reverse=True)
        self._long = re.compile("|".join(map(re.escape, long_terms))) if long_terms else None
        self._short = frozenset(t for t in terms if len(t) < _SHORT_TERM)

    def score(self, url: str, anchor: str = "", parent: ParentPage | None = None) -> int:
        """The link's score (0 to :data:`MAX_SCORE`): higher is fetched sooner."""
        parts = urlsplit(url)
        # Not the host name: every link of "amazon-help.blogspot.com" would score alike.
        where = words(unquote(f"{parts.path} {parts.query}"))
        text = words(anchor)
        score = _vocabulary(text, ANCHOR_STRONG, ANCHOR_WEAK)
        score += _vocabulary(where, URL_STRONG, URL_WEAK)
        if self.names_brand(text) or self.names_brand(where):
            score += BRAND
        if parent is not None:
            score += PER_NUMBER * min(parent.numbers, MAX_NUMBERS)
            score += parent.score * INHERIT[0] // INHERIT[1]
        return min(score, MAX_SCORE)

    def names_brand(self, text: str) -> bool:
        """Whether ``text`` (lower-case words) names a protected brand."""
        if self._long is not None and self._long.search(text.replace(" ", "")):
            return True
        return bool(self._short) and not self._short.isdisjoint(text.split())


def _vocabulary(text: str, strong: int, weak: int) -> int:
    if _STRONG.search(text):
        return strong
    return weak if _WEAK.search(text) else 0


def brand_terms(allowlist: Iterable[object] | None) -> list[str]:
    """Lower-case names and aliases of every protected brand, without spaces or punctuation."""
    terms: set[str] = set()
    for brand in allowlist or ():
        for name in (getattr(brand, "name", ""), *getattr(brand, "aliases", ())):
            compact = _NON_ALNUM.sub("", str(name).lower())
            if len(compact) >= 2:
                terms.add(compact)
    return sorted(terms)
