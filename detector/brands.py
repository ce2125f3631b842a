"""Which protected brands a page talks about, and where.

Every brand name and alias from the allowlist goes into the page lexicon's automaton
(:mod:`detector.lexicon`), so the page is scanned once whatever the number of brands. Text is folded first: homoglyphs (Cyrillic ``а`` for Latin ``a``) and digits posing as
letters inside words (``micros0ft``) become the letters they imitate, keeping offsets. Host
names are searched for brand names inside their labels (``americanairlinescustomersupport.…``),
and titles/headings for misspellings the allowlist does not list, with rapidfuzz.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from functools import cached_property
from importlib import resources
from typing import TYPE_CHECKING, AnyStr, NamedTuple

from rapidfuzz import fuzz, process

from detector import sectors
from detector.domains import site_domain
from detector.lexicon import Hits, Lexicon
from detector.normalize import byte_classes, lower_same_length, normalize, shapes

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
_KEY = re.compile(r"[\W_]+")  # letters and digits of any script ("Amazon", "अमेज़न")
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


def _trade_words_near(hits: Hits, sector: str | None, start: int, end: int) -> int:
    """How many words of ``sector`` are within the window around a mention (their positions
    are found once per page and sector, and only on pages that need them)."""
    if not sector:
        return 0
    key = "sector:" + sector
    positions = hits.cues.get(key)
    if positions is None:
        positions = hits.cues[key] = sectors.positions(hits.lowered, sector)
    low = bisect_left(positions, start - _SECTOR_WINDOW)
    high = bisect_right(positions, end + _SECTOR_WINDOW)
    inside = bisect_left(positions, end) - bisect_left(positions, start)
    return high - low - inside


def _names_other_organisation(folded: str, end: int, trade: frozenset[str]) -> bool:
    """Whether the alias ending at ``end`` is the head of another organisation's name: the
    next word is capitalised and neither of the brand's trade nor of a support pitch
    ("Delta Faucet", "Spectrum Traffic", "Frontier Communications"). Not judged on lines in
    Title Case, where every word is capitalised anyway."""
    match = _NEXT_WORD.match(folded, end)
    if match is None or not match.group(1)[0].isupper():
        return False
    word = match.group(1).lower()
    if word in trade or word in sectors.words_of(sectors.ANY):
        return False
    return not _in_title_case(folded, end)


def _in_title_case(text: str, at: int) -> bool:
    line_start = text.rfind("\n", max(0, at - 120), at) + 1
    line_end = text.find("\n", at, at + 120)
    words = [w for w in text[line_start : line_end if line_end >= 0 else at + 120].split()
             if len(w) >= 4 and w[0].isalpha()]
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised >= _TITLE_CASE_SHARE * len(words)


def _lookalike_label(compact: str, name: str, sector: str | None) -> bool:
    """``compact`` (a host label, letters and digits) is ``name`` plus support or trade
    words before and/or after it."""
    words = sectors.words_of(sectors.ANY) | sectors.words_of(sector)
    at = compact.find(name)
    while at >= 0:
        before, after = compact[:at], compact[at + len(name):]
        if (before or after) and all(not part or sectors.segments(part, words)
                                     for part in (before, after)):
            return True
        at = compact.find(name, at + 1)
    return False


def _load_weak() -> frozenset[str]:
    text = resources.files("detector").joinpath("data/weak_aliases.txt").read_text("utf-8")
    return frozenset(
        _key(line) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


class _Alias(NamedTuple):
    brand: str
    weak: bool  #: only reinforces the brand: a two-letter alias, or a common word out of its trade
    common: bool  #: an ordinary word ("Southwest"): needs its sector's words around it
    sector: str | None
    own_name: bool = False  #: the brand's own name, not an alias


_LONGEST_ALIAS = 64  #: characters an alias covering a shorter one may start before it
_HOST_CACHE = 10_000  #: hosts (and title words) remembered by BrandMatcher
_SECTOR_WINDOW = 200  #: characters each side of a common-word alias searched for trade words
_SECTOR_MIN = 2  #: trade words needed there (one is enough in a title or heading)
_NEXT_WORD = re.compile(r" ([A-Za-z][A-Za-z&'-]*)")
_TITLE_CASE_SHARE = 0.75  #: lines with this share of capitalised words are in Title Case


class BrandMatcher:
    """Finds mentions of the allowlist's brands; build once per allowlist and reuse."""

    _capitalised: set[str]

    def __init__(self, allowlist: Allowlist):
        self._capitalised = set()
        self._hosts: dict[str, list[Mention]] = {}
        self._fuzzy_seen: dict[str, str | None] = {}  # word → the brand it misspells
        self._spans_of: Hits | None = None  # the scan _sorted_spans belongs to
        self._sorted_spans: list[tuple[int, int, str]] = []
        self._alias_keys: dict[str, str] = {}  # spelling found on a page → its key
        weak_words = _load_weak()
        self._brands: dict[str, _Alias] = {}  # alias key → what it names
        aliases: set[str] = set()
        for brand in allowlist.brands:
            for alias in (brand.name, *brand.aliases):
                alias = re.sub(r"\s*\(.*?\)\s*", " ", alias).strip()  # "Venmo (PayPal)"
                alias = normalize(alias).text  # as the page text is: the same code points
                key = _key(alias)
                if len(key) < 2:
                    continue
                # Every spelling stays searchable, even when another alias has the same letters
                # ("Delta Airlines" and "Delta Air Lines"): the first brand keeps the key.
                aliases.update(_spellings(alias.lower()))
                if key in self._brands:
                    continue
                common = key in weak_words
                # A two-letter alias ("AA", "BA") only ever reinforces; a common-word alias
                # does unless its sector's words surround it (see _mention()). A brand's own
                # name is never weak ("Emirates", "Spectrum"), but it can still head another
                # organisation's name.
                self._brands[key] = _Alias(brand.name, len(key) <= 2 and alias != brand.name,
                                           common, brand.sector, alias == brand.name)
                if (common or len(key) <= 3) and key.isascii():
                    # A common word must be capitalised; so must acronyms ("KLM", not "klm"
                    # inside a sentence about kilometres). Scripts without case are exempt.
                    self._capitalised.add(key)
        self.lexicon = Lexicon(sorted(aliases))
        # Host names are ASCII (IDNs arrive as punycode): other scripts' names stay out.
        self._compact = {key: entry.brand for key, entry in self._brands.items()
                         if not entry.weak and not entry.common and len(key) >= 5
                         and key.isascii()}
        self._host_keys = {key: entry for key, entry in self._brands.items()
                           if key not in self._compact and not entry.weak and len(key) >= 2
                           and key.isascii()}

    def scan(self, text: str, source: str = "text") -> tuple[list[Mention], Hits]:
        """Brand mentions and cue positions in ``text``, in one pass (offsets into ``text``)."""
        folded = fold_for_brands(text)
        hits = self.lexicon.scan(lower_same_length(folded), want_cues=source == "text")
        mentions = []
        for alias, start, end in hits.aliases:
            mention = self._mention(alias, start, end, folded, source, hits)
            if mention is not None:
                mentions.append(mention)
        return mentions, hits

    def mentions(self, text: str, source: str = "text") -> list[Mention]:
        """Every brand mention in ``text`` (offsets into ``text``)."""
        return self.scan(text, source)[0]

    def _mention(self, alias: str, start: int, end: int, folded: str, source: str,
                 hits: Hits) -> Mention | None:
        key = self._alias_keys.get(alias)
        if key is None:
            key = self._alias_keys[alias] = _key(alias)
        entry = self._brands.get(key)
        if entry is None:
            return None
        if key in self._capitalised and not folded[start].isupper():
            return None  # "apple pie", "my brother", "united we stand"
        weak = entry.weak
        if entry.common:
            if self._longer_alias_at(hits, entry.brand, start, end):
                return None  # "United Express": the longer alias is the mention
            trade = sectors.words_of(entry.sector)
            if _names_other_organisation(folded, end, trade):
                return None  # "Delta Faucet", "United Van Lines", "Southwest Florida"
            needed = _SECTOR_MIN if source == "text" else 1
            weak = weak or (not entry.own_name and _trade_words_near(
                hits, entry.sector, start, end) < needed)
        return Mention(entry.brand, start, end, source, weak)

    def _longer_alias_at(self, hits: Hits, brand: str, start: int, end: int) -> bool:
        """Whether another alias of ``brand`` covers ``[start, end)`` and more."""
        spans = self._spans(hits)
        first = bisect_left(spans, (start - _LONGEST_ALIAS,))
        for other_start, other_end, alias in spans[first:bisect_left(spans, (start + 1,))]:
            if other_start <= start and other_end >= end and other_end - other_start > end - start:
                entry = self._brands.get(self._alias_keys.get(alias) or _key(alias))
                if entry is not None and entry.brand == brand:
                    return True
        return False

    def _spans(self, hits: Hits) -> list[tuple[int, int, str]]:
        """The alias hits of one scan as (start, end, alias), sorted; made once per scan."""
        if self._spans_of is not hits:
            self._spans_of = hits
            self._sorted_spans = sorted((start, end, alias) for alias, start, end in hits.aliases)
        return self._sorted_spans

    def in_host(self, host: str) -> list[Mention]:
        """Brands in ``host`` (see :meth:`_in_host`), remembered per host: crawls fetch many
        pages of one site."""
        found = self._hosts.get(host)
        if found is None:
            if len(self._hosts) > _HOST_CACHE:
                self._hosts.clear()
            found = self._hosts[host] = self._in_host(host)
        return list(found)

    def _in_host(self, host: str) -> list[Mention]:
        """Brands whose name is inside a label of ``host`` (``expediasupportcenter.zoho…``).

        A distinctive name counts anywhere in a label. A short or common-word one ("hp",
        "delta") counts only when the rest of the label is support words or words of the
        brand's trade (``hpprintersupport``, ``deltaflightchange``), so ``deltafaucet`` and
        ``unitedvanlines`` are other organisations' sites."""
        host = host.lower()
        site = site_domain(host)
        # Labels left of the registrable domain are subdomains ("delta.example.com").
        subdomains = host[: -len(site)].count(".") if host.endswith(site) else 0
        labels = host.split(".")[:-1]  # the last label is a TLD, never a brand
        found: dict[str, Mention] = {}
        for position, label in enumerate(labels):
            folded = fold_for_brands(label)
            compact = _key(folded)
            # The bare name counts as a subdomain ("delta.example.com") or in look-alike
            # letters ("еmirates.com" with a Cyrillic е), not as another site's own name.
            subdomain = position < subdomains or folded != label
            for name, brand in self._compact.items():
                if name in compact and brand not in found:
                    found[brand] = Mention(brand, 0, 0, "host")
            for name, entry in self._host_keys.items():
                if entry.brand not in found and name in compact and (
                        (subdomain and compact == name)
                        or _lookalike_label(compact, name, entry.sector)):
                    found[entry.brand] = Mention(entry.brand, 0, 0, "host")
        return list(found.values())

    def fuzzy(self, text: str, source: str) -> list[Mention]:
        """Misspelled brand names in a short text (title, heading) the aliases do not cover."""
        found = []
        for token in _FUZZY_TOKEN.finditer(text):
            key = _key(token.group())
            if len(key) < 5 or key in self._brands:
                continue
            brand = self._fuzzy_brand(key)
            if brand:
                found.append(Mention(brand, token.start(), token.end(), source, fuzzy=True))
        return found

    def _fuzzy_brand(self, key: str) -> str | None:
        """The brand ``key`` misspells, remembered: titles repeat their words from page to
        page ("customer", "support", "number"), and each comparison is against every name."""
        try:
            return self._fuzzy_seen[key]
        except KeyError:
            pass
        if len(self._fuzzy_seen) > _HOST_CACHE:
            self._fuzzy_seen.clear()
        best = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio,
                                  score_cutoff=_FUZZY_CUTOFF)
        brand = self._fuzzy_seen[key] = self._compact[best[0]] if best else None
        return brand

    @cached_property
    def _fuzzy_keys(self) -> list[str]:
        return sorted(self._compact)
