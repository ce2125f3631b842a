"""Each sector's vocabulary: the words that place an ordinary-word alias in its brand's trade.

A brand file names its sector (``sector = "airline"``, see ``allowlist/data/FORMAT.md``); the
words live here, in ``detector/data/sectors.toml``. They serve three rules of
:mod:`detector.brands`: a common-word alias ("Southwest") counts when its sector's words
surround it; a capitalised word after it that is neither of the trade nor of a support pitch
makes another organisation's name ("Delta Faucet"); and a host label made of a brand name
plus such words is a look-alike support site ("brandcustomerservice.example").
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

import ahocorasick_rs

ANY = "any"  #: the table of words of any support pitch, whatever the sector


@cache
def vocabularies() -> dict[str, frozenset[str]]:
    """Sector name → its words (lower case), plus :data:`ANY`."""
    text = resources.files("detector").joinpath("data/sectors.toml").read_text("utf-8")
    return {name: frozenset(table["words"]) for name, table in tomllib.loads(text).items()}


def words_of(sector: str | None) -> frozenset[str]:
    """The words of ``sector`` (empty for None or an unknown sector)."""
    return vocabularies().get(sector or "", frozenset())


@cache
def _automaton(sector: str) -> tuple[ahocorasick_rs.AhoCorasick, list[str]]:
    words = sorted(words_of(sector))
    return ahocorasick_rs.AhoCorasick(words), words


def positions(lowered: str, sector: str) -> list[int]:
    """Where words of ``sector`` start in ``lowered`` (lower-cased text), ascending. Only
    asked for on pages that name a common-word alias, so most pages never pay for it; one
    Aho-Corasick pass, word boundaries checked on the hits."""
    if not words_of(sector):
        return []
    automaton, _words = _automaton(sector)
    length = len(lowered)
    return [start for _index, start, end in automaton.find_matches_as_indexes(lowered, overlapping=True)
            if (start == 0 or not lowered[start - 1].isalnum())
            and (end == length or not lowered[end].isalnum())]


def segments(text: str, words: frozenset[str]) -> bool:
    """Whether ``text`` (letters and digits, no spaces) is a run of ``words`` glued together:
    ``customerservice`` → customer + service. Non-empty text only."""
    if not text:
        return False
    reachable = [True] + [False] * len(text)
    longest = max(map(len, words), default=0)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - longest), end):
            if reachable[start] and text[start:end] in words:
                reachable[end] = True
                break
    return reachable[-1]


#: Words that name a help desk in a site's name ("…changes", "…guideline", "…helpcenter"):
#: with the words of a trade they make a third-party help site posing for a whole trade.
#: Not "info" or "online": "gpsinformation" is an enthusiasts' site.
HELP_DESK = frozenset({
    "support", "help", "helpline", "helpdesk", "desk", "care", "service", "services",
    "center", "centre", "guide", "guides", "guideline", "guidelines", "policy", "policies",
    "change", "changes", "cancel", "cancellation", "cancellations", "refund", "refunds",
    "reservation", "reservations", "number", "numbers", "contact", "call", "agent", "agents",
    "expert", "experts", "assistance", "assist", "hotline",
})


def trade_help_name(name: str, sector: str | None) -> bool:
    """Whether ``name`` (a site's name: letters and digits) is made of ``sector``'s words and
    help-desk words only, at least one of each: ``airticketchanges``, ``airlinesguideline``.
    Such a site is nobody's own help desk; it poses as one for a whole trade."""
    trade = words_of(sector)
    if not trade or not segments(name, _site_words(sector)):
        return False
    return (any(word in name for word in trade if len(word) >= 3)
            and any(word in name for word in HELP_DESK))


@cache
def _site_words(sector: str) -> frozenset[str]:
    """The words a trade help site's name is made of, once per sector (asked on every page)."""
    return words_of(sector) | HELP_DESK | words_of(ANY)
