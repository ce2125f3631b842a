"""Which region to assume for numbers written without a country code."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib import resources

import phonenumbers

from detector.language import LANGUAGE_REGION

DEFAULT_REGION = "US"
_LANG_REGION = re.compile(r"^[a-z]{2,3}[-_]([a-z]{2})\b", re.IGNORECASE)
# Generic TLDs and ccTLDs used as generic ones tell nothing about the audience.
_NOT_COUNTRIES = frozenset({"co", "io", "ai", "tv", "me", "ws", "cc", "fm", "ly", "to", "gg"})
_TLD_REGION = {"uk": "GB", "su": "RU"}


def region_from_host(host: str) -> str | None:
    """``shop.example.co.uk`` → ``GB``; generic TLDs → None."""
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if len(tld) != 2 or tld in _NOT_COUNTRIES:
        return None
    region = _TLD_REGION.get(tld, tld.upper())
    return region if phonenumbers.country_code_for_region(region) else None


def region_from_language(language: str | None) -> str | None:
    """``en-GB`` → ``GB``; a bare language, its main country (``it`` → ``IT``, ``hi`` →
    ``IN``); English alone names no region."""
    match = _LANG_REGION.match(language or "")
    if not match:
        return LANGUAGE_REGION.get((language or "").strip().lower()[:2])
    region = match.group(1).upper()
    return region if phonenumbers.country_code_for_region(region) else None


def page_regions(host: str, language: str | None) -> list[str]:
    """The page's own regions, most likely first: its ccTLD's, its language's, the default.

    The regions where the brands a page names have lines are not among them: a number in
    national form is read there only when the reading is allowlisted or the page shows that
    country (see :func:`evidence` and ``detector.parsing.NumberParser``), so a US ZIP+4 on a
    KLM page never becomes a Dutch number because KLM has a Dutch line."""
    regions = [region_from_host(host), region_from_language(language), DEFAULT_REGION]
    return [r for r in dict.fromkeys(regions) if r]


@cache
def countries() -> dict[str, str]:
    """Country name (lower case, several languages) → ISO region."""
    text = resources.files("detector").joinpath("data/countries.tsv").read_text("utf-8")
    return dict(line.split("\t") for line in text.splitlines()
                if line and not line.startswith("#"))


# Names that are, on an English page, far more often something else: a US state ("Georgia"),
# part of one ("New Jersey", "New Mexico" end in a country's name), a first name ("Jordan",
# "Chad"). A country named right before a number still counts (detector.numbers).
_NOT_EVIDENCE = frozenset({"georgia", "jersey", "jordan", "chad", "mexico", "guinea",
                           "niger"})
# Currency marks that name one country.
_CURRENCY_REGIONS = {"IN": ("₹", "inr ", "rs. "), "GB": ("£", "gbp "), "HK": ("hk$", "hkd "),
                     "AU": ("a$", "aud ")}


@cache
def _names_of(region: str) -> tuple[str, ...]:
    return tuple(name for name, owner in countries().items()
                 if owner == region and name not in _NOT_EVIDENCE)


def evidence(lowered: str) -> Callable[[str], bool]:
    """A test, for one page (its text lower-cased), of whether the page shows a country: it
    names it ("India", "Nederland"; a whole word), writes a number with its calling code
    ("+91 …"), or prices in its own currency ("₹499"). Answers are remembered per page."""
    answers: dict[str, bool] = {}

    def shows(region: str) -> bool:
        answer = answers.get(region)
        if answer is None:
            answer = answers[region] = _shows(lowered, region)
        return answer
    return shows


def _shows(lowered: str, region: str) -> bool:
    code = phonenumbers.country_code_for_region(region)
    if code and code != 1 and (f"+{code}" in lowered or f"+ {code}" in lowered):
        return True
    if any(mark in lowered for mark in _CURRENCY_REGIONS.get(region, ())):
        return True
    return any(_whole_word(lowered, name) for name in _names_of(region))


@cache
def _name_index() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Country names (evidence names only) by their first word: (the name's words, region)."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name, region in countries().items():
        words = tuple(_WORD.findall(name))
        if words and name not in _NOT_EVIDENCE:
            index.setdefault(words[0], []).append((words, region))
    return index


_WORD = re.compile(r"[^\W_]+")


def named_regions(lowered: str) -> tuple[str, ...]:
    """The regions a page (its text lower-cased) names as whole words, in order of first
    mention: "in Spanien", "Seúl, Corea". Used only for a run no region of the page reads."""
    index = _name_index()
    words = _WORD.findall(lowered)
    found: dict[str, None] = {}
    for i, word in enumerate(words):
        for name, region in index.get(word, ()):  # only words that start a country's name
            if tuple(words[i:i + len(name)]) == name:
                found[region] = None
    return tuple(found)


def _whole_word(lowered: str, word: str) -> bool:
    start = lowered.find(word)
    while start >= 0:
        end = start + len(word)
        if (not start or not lowered[start - 1].isalnum()) and (
                end >= len(lowered) or not lowered[end].isalnum()):
            return True
        start = lowered.find(word, start + 1)
    return False
