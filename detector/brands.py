"""Which protected brands a page talks about, and where.

Every brand name and alias from the allowlist is compiled into one trie-shaped regex (Python's
``re`` does not optimise plain alternations, so 400 alternatives would be tried at every
position). Text is folded first: homoglyphs (Cyrillic ``а`` for Latin ``a``) and digits posing as
letters inside words (``micros0ft``) become the letters they imitate, keeping offsets. Host
names are searched for brand names inside their labels (``americanairlinescustomersupport.…``),
and titles/headings for misspellings the allowlist does not list, with rapidfuzz.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    from allowlist import Allowlist

# One-to-one so offsets survive: Cyrillic and Greek letters that render like Latin ones.
_HOMOGLYPHS = str.maketrans(
    "аеорсуххіјԁӏѕԛԝвнкмтАВЕЗІЈКМНОРСТХУΑΒΕΖΗΙΚΜΝΟΡΤΥΧοναικρτυ",
    "aeopcyxxijdlsqwbhkmtABEZIJKMHOPCTXYABEZHIKMNOPTYXovaikptu",
)
# Starts with the character class so the engine can skip ahead in C to candidate positions.
_LEET = re.compile(r"[01345@$](?<=[A-Za-z].)(?=[A-Za-z])")
_CONFUSABLE_SCRIPTS = re.compile("[\u0370-\u052f]")
_LEET_MAP = str.maketrans("01345@$", "oleasas")
_KEY = re.compile(r"[^a-z0-9]+")
_FUZZY_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9&'.-]{3,}")
_FUZZY_CUTOFF = 88.0  #: rapidfuzz ratio for a misspelled brand name in a title or heading


@dataclass(frozen=True, slots=True)
class Mention:
    """A brand named somewhere on the page."""

    brand: str
    start: int
    end: int
    source: str  #: ``text``, ``title``, ``heading``, ``description``, ``url``, ``host``
    weak: bool = False
    fuzzy: bool = False


def _key(alias: str) -> str:
    return _KEY.sub("", alias.lower())


def fold_for_brands(text: str) -> str:
    """Homoglyphs and leetspeak folded to plain letters, same length as ``text``."""
    if not text.isascii() and _CONFUSABLE_SCRIPTS.search(text):
        text = text.translate(_HOMOGLYPHS)
    return _LEET.sub(lambda m: m.group().translate(_LEET_MAP), text)


def _trie_pattern(words: list[str]) -> str:
    """A regex matching any of ``words`` whose alternatives branch like a trie."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    ending = "" in node
    branches = [_char_pattern(char) + _node_pattern(child)
                for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and not ending else "(?:" + "|".join(branches) + ")"
    return body + "?" if ending else body


def _char_pattern(char: str) -> str:
    # Spaces inside a name also match hyphens, underscores or nothing ("Cash-App", "CashApp").
    return r"[\s_-]?" if char == " " else re.escape(char)


def _load_weak() -> frozenset[str]:
    text = resources.files("detector").joinpath("data/weak_aliases.txt").read_text("utf-8")
    return frozenset(
        _key(line) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


class BrandMatcher:
    """Finds mentions of the allowlist's brands; build once per allowlist and reuse."""

    _capitalised: set[str]

    def __init__(self, allowlist: Allowlist):
        self._capitalised = set()
        weak_words = _load_weak()
        self._brands: dict[str, tuple[str, bool]] = {}  # alias key → (brand, weak)
        aliases: set[str] = set()
        for brand in allowlist.brands:
            for alias in (brand.name, *brand.aliases):
                alias = re.sub(r"\s*\(.*?\)\s*", " ", alias).strip()  # "Venmo (PayPal)"
                key = _key(alias)
                if len(key) < 2 or key in self._brands:
                    continue
                common_word = key in weak_words or len(key) <= 2
                # A brand's own name is never weak, but a common word must be capitalised;
                # so must acronyms ("KLM", not "klm" inside a sentence about kilometres).
                self._brands[key] = (brand.name, common_word and alias != brand.name)
                if common_word or len(key) <= 3:
                    self._capitalised.add(key)
                aliases.add(alias.lower())
        # One case-sensitive pattern over lower-cased text: re.IGNORECASE makes Python's
        # engine several times slower on a trie this size.
        self._pattern = re.compile(
            r"(?<![a-z0-9])(" + _trie_pattern(sorted(aliases)) + r")(?:['’]?s)?(?![a-z0-9])"
        )
        self._compact = {key: brand for key, (brand, weak) in self._brands.items()
                         if not weak and len(key) >= 5}

    def mentions(self, text: str, source: str = "text") -> list[Mention]:
        """Every brand mention in ``text`` (offsets into ``text``)."""
        folded = fold_for_brands(text)
        lowered = folded.lower()
        if len(lowered) != len(folded):  # a few characters change length when lowered
            lowered = "".join(char.lower()[:1] or char for char in folded)
        found = []
        for match in self._pattern.finditer(lowered):
            mention = self._mention(match, folded, source)
            if mention is not None:
                found.append(mention)
        return found

    def _mention(self, match: re.Match[str], folded: str, source: str) -> Mention | None:
        key = _key(match.group(1))
        entry = self._brands.get(key)
        if entry is None:
            return None
        if key in self._capitalised and not folded[match.start(1)].isupper():
            return None  # "apple pie", "my brother", "united we stand"
        brand, weak = entry
        return Mention(brand, match.start(1), match.end(1), source, weak)

    def in_host(self, host: str) -> list[Mention]:
        """Brands whose name is inside a label of ``host`` (``expediasupportcenter.zoho…``)."""
        labels = host.lower().split(".")[:-1]  # the last label is a TLD, never a brand
        found: dict[str, Mention] = {}
        for label in labels:
            compact = _key(fold_for_brands(label))
            for name, brand in self._compact.items():
                if name in compact and brand not in found:
                    found[brand] = Mention(brand, 0, 0, "host")
        return list(found.values())

    def fuzzy(self, text: str, source: str) -> list[Mention]:
        """Misspelled brand names in a short text (title, heading) the aliases do not cover."""
        found = []
        for token in _FUZZY_TOKEN.finditer(text):
            key = _key(token.group())
            if len(key) < 5 or key in self._brands:
                continue
            best = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio,
                                      score_cutoff=_FUZZY_CUTOFF)
            if best:
                brand = self._compact[best[0]]
                found.append(Mention(brand, token.start(), token.end(), source, fuzzy=True))
        return found

    @cached_property
    def _fuzzy_keys(self) -> list[str]:
        return sorted(self._compact)
