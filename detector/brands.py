"""Which protected brands a page talks about, and where.

Every brand name and alias from the allowlist goes into the page lexicon's automaton
(:mod:`detector.lexicon`), so the page is scanned once whatever the number of brands. Text is folded first: homoglyphs (Cyrillic ``а`` for Latin ``a``) and digits posing as
letters inside words (``micros0ft``) become the letters they imitate, keeping offsets. Host
names are searched for brand names inside their labels (``americanairlinescustomersupport.…``),
and titles/headings for misspellings the allowlist does not list, with rapidfuzz.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from importlib import resources
from typing import TYPE_CHECKING, AnyStr, NamedTuple

from rapidfuzz import fuzz, process

from detector.lexicon import Hits, Lexicon
from detector.normalize import byte_classes, lower_same_length, shapes

if TYPE_CHECKING:
    from allowlist import Allowlist

# One-to-one so offsets survive: Cyrillic and Greek letters that render like Latin ones.
_HOMOGLYPHS = str.maketrans(
    "аеорсуххіјԁӏѕԛԝвнкмтАВЕЗІЈКМНОРСТХУΑΒΕΖΗΙΚΜΝΟΡΤΥΧοναικρτυ",
    "aeopcyxxijdlsqwbhkmtABEZIJKMHOPCTXYABEZHIKMNOPTYXovaikptu",
)
# A leet character between two ASCII letters, or a capital I after a lower-case letter
# ("PayPaI": English never writes that). fold_for_brands finds these with byte searches and
# uses the regex only on pages with many of them.
_LEET = re.compile(r"[01345@$](?<=[A-Za-z].)(?=[A-Za-z])|I(?<=[a-z]I)")
_CONFUSABLE_SCRIPTS = re.compile("[\u0370-\u052f]")
_LEET_MAP = str.maketrans("01345@$I", "oleasasl")
# Letters and leet characters as class bytes (a: an ASCII letter, 1: a leet character), and
# C for the lead byte of a Greek or Cyrillic character (U+0340-U+053F in UTF-8).
_BRAND_CLASSES = byte_classes({
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ": ord("a"), b"01345@$": ord("1"),
    bytes(range(0xCD, 0xD5)): ord("C")})
_MAX_LEET_HITS = 64  #: beyond this many, one regex pass is cheaper than mapping offsets
_KEY = re.compile(r"[^a-z0-9]+")
_FUZZY_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9&'.-]{3,}")
_FUZZY_CUTOFF = 88.0  #: rapidfuzz ratio for a misspelled brand name in a title or heading


class Mention(NamedTuple):  # a tuple: pages have hundreds, and tuples are cheapest to make
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
    """Homoglyphs and leetspeak folded to plain letters, same length as ``text``.

    Both are looked for in the page's class bytes (see :func:`detector.normalize.shapes`): a
    few C-speed searches instead of a regex trying every letter of the page."""
    encoded, found = shapes(text, _BRAND_CLASSES)
    if b"C" in found and _CONFUSABLE_SCRIPTS.search(text):
        text = text.translate(_HOMOGLYPHS)
        encoded, found = shapes(text, _BRAND_CLASSES)
    leet = [at + 1 for at in _find_all(found, b"a1a")]  # byte offsets
    if leet and len(encoded) != len(text):
        leet = [len(encoded[:at].decode("utf-8", "surrogatepass"))
                for at in leet[:_MAX_LEET_HITS + 1]]
    capital_i = [at for at in _find_all(text, "I") if "a" <= text[at - 1 : at] <= "z"]
    hits = sorted(leet + capital_i)
    if not hits:
        return text
    if len(hits) > _MAX_LEET_HITS:
        return _LEET.sub(lambda m: m.group().translate(_LEET_MAP), text)
    pieces, position = [], 0
    for hit in hits:
        pieces += [text[position:hit], text[hit].translate(_LEET_MAP)]
        position = hit + 1
    return "".join(pieces) + text[position:]


def _find_all(haystack: AnyStr, needle: AnyStr) -> Iterator[int]:
    """Every start of ``needle`` in ``haystack``, overlapping ones included."""
    at = haystack.find(needle)
    while at >= 0:
        yield at
        at = haystack.find(needle, at + 1)


def _spellings(alias: str) -> set[str]:
    """An alias as pages write it: "cash app", "cash-app", "cashapp", "cash_app"."""
    if " " not in alias:
        return {alias}
    return {alias, alias.replace(" ", "-"), alias.replace(" ", ""), alias.replace(" ", "_")}


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
        self._alias_keys: dict[str, str] = {}  # spelling found on a page → its key
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
                aliases.update(_spellings(alias.lower()))
        self.lexicon = Lexicon(sorted(aliases))
        self._compact = {key: brand for key, (brand, weak) in self._brands.items()
                         if not weak and len(key) >= 5}

    def scan(self, text: str, source: str = "text") -> tuple[list[Mention], Hits]:
        """Brand mentions and cue positions in ``text``, in one pass (offsets into ``text``)."""
        folded = fold_for_brands(text)
        hits = self.lexicon.scan(lower_same_length(folded), want_cues=source == "text")
        mentions = []
        for alias, start, end in hits.aliases:
            mention = self._mention(alias, start, end, folded, source)
            if mention is not None:
                mentions.append(mention)
        return mentions, hits

    def mentions(self, text: str, source: str = "text") -> list[Mention]:
        """Every brand mention in ``text`` (offsets into ``text``)."""
        return self.scan(text, source)[0]

    def _mention(self, alias: str, start: int, end: int, folded: str, source: str
                 ) -> Mention | None:
        key = self._alias_keys.get(alias)
        if key is None:
            key = self._alias_keys[alias] = _key(alias)
        entry = self._brands.get(key)
        if entry is None:
            return None
        if key in self._capitalised and not folded[start].isupper():
            return None  # "apple pie", "my brother", "united we stand"
        brand, weak = entry
        return Mention(brand, start, end, source, weak)

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
