"""Which region to assume for numbers written without a country code."""

from __future__ import annotations

import re

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


def page_regions(host: str, language: str | None, brand_regions: list[str]) -> list[str]:
    """Regions to try, most likely first: the page's own, then the default, then the regions
    where the brands the page names have their allowlisted lines (so "444 0 849" on a Turkish
    Airlines page is read as a Turkish number)."""
    regions = [region_from_host(host), region_from_language(language), DEFAULT_REGION]
    regions += brand_regions
    return [r for r in dict.fromkeys(regions) if r]
