"""Digit strings → phone numbers: which region's reading counts, cached per process."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

MIN_INTERNATIONAL = 8  #: "+" and country code plus a plausible subscriber number

_TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}


def number_type_name(number: phonenumbers.PhoneNumber) -> str:
    return _TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")


_DESCRIBED: dict[tuple[int | None, int | None, bool], tuple[str, str | None, str]] = {}
_PARSED: dict[tuple[str, bool, tuple[str, ...], tuple[str, ...]], tuple[
    tuple[phonenumbers.PhoneNumber, bool] | None,
    tuple[tuple[str, phonenumbers.PhoneNumber], ...]]] = {}
_CACHE_LIMIT = 200_000  #: entries; spam repeats the same few numbers across thousands of pages


def describe(number: phonenumbers.PhoneNumber, valid: bool) -> tuple[str, str | None, str]:
    key = (number.country_code, number.national_number, valid)
    described = _DESCRIBED.get(key)
    if described is None:
        if len(_DESCRIBED) > _CACHE_LIMIT:
            _DESCRIBED.clear()
        described = _DESCRIBED[key] = _describe_uncached(number, valid)
    return described


def _describe_uncached(number: phonenumbers.PhoneNumber, valid: bool
                       ) -> tuple[str, str | None, str]:
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    region = phonenumbers.region_code_for_number(number) if valid else None
    kind = number_type_name(number) if valid else "unknown"
    return e164, region, kind


class NumberParser:
    """Turns digit strings into numbers, trying the page's regions in order.

    ``known`` tells whether an E.164 number is in the allowlist: when the same digits are valid
    in several regions (``1800 419 0157`` in the US and in India), the allowlisted reading wins.

    ``regions`` are the page's own (its ccTLD, language, a country named before the number, the
    default). ``tentative`` ones (where the brands the page names have lines) and the regions
    whose toll-free numbers start "1800" (India, Singapore…) are only tried after them, and a
    reading there counts only when it is allowlisted or ``evidence(region)`` says the page
    shows that country: a digit run is not a foreign number just because a brand has lines
    abroad (a US ZIP+4 "30320-2980" is a valid Dutch number)."""

    def __init__(self, regions: Sequence[str], known: Callable[[str], object] | None = None,
                 tentative: Sequence[str] = (),
                 evidence: Callable[[str], bool] | None = None,
                 named: Callable[[], Sequence[str]] | None = None):
        self.regions = tuple(dict.fromkeys(regions)) or ("US",)
        self.tentative = tuple(r for r in dict.fromkeys(tentative) if r not in self.regions)
        self.known = known or (lambda _e164: None)
        self.evidence = evidence or (lambda _region: False)
        #: The regions the page names (``detector.regions.named_regions``), asked lazily.
        self.named = named
        self._named: tuple[str, ...] | None = None
        #: Set when an answer depended on ``evidence`` (such splits are not cached).
        self.consulted = False

    @property
    def key(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return self.regions, self.tentative

    def with_region(self, region: str) -> NumberParser:
        """The same parser, trying ``region`` first."""
        if self.regions[0] == region:
            return self
        parser = NumberParser((region, *self.regions), self.known, self.tentative,
                              self.evidence, self.named)
        parser.consulted = self.consulted
        parser._named = self._named
        return parser

    def parse(self, digits: str, international: bool) -> tuple[phonenumbers.PhoneNumber, bool] | None:
        """(number, valid) for ``digits``, or None when they are no phone number.

        Results are cached per process (keyed by the regions tried); the allowlist preference
        is applied before caching, so a process serving one allowlist at a time is right. The
        cache is cleared when the allowlist object changes (see detector.analyze). Readings
        that need the page's evidence are cached as such and decided per page."""
        key = (digits, international, self.regions, self.tentative)
        try:
            parsed, pending = _PARSED[key]
        except KeyError:
            if len(_PARSED) > _CACHE_LIMIT:
                _PARSED.clear()
            parsed, pending = _PARSED[key] = self._parse(digits, international)
        if parsed is not None:
            return parsed
        if pending:
            self.consulted = True
            for region, number in pending:
                if self.evidence(region):
                    return number, True
        # No region of the page reads it (or only ones where a brand has lines, none of them
        # shown): it may still be a number of the country the page names.
        return None if international else self._in_named_country(digits)

    def _in_named_country(self, digits: str) -> tuple[phonenumbers.PhoneNumber, bool] | None:
        """A national-form run that no region of the page reads, read in a country the page
        names ("PayPal in Spanien: 900 801 665", "Seúl, Corea … 02-751-0300")."""
        if self.named is None or not 8 <= len(digits) <= 12:
            return None
        self.consulted = True
        if self._named is None:
            self._named = tuple(r for r in self.named()
                                if r not in self.regions and r not in self.tentative)
        for region in self._named:
            number = _try_parse(digits, region)
            if number is not None and phonenumbers.is_valid_number(number):
                return number, True
        return None

    def _parse(self, digits: str, international: bool) -> tuple[
            tuple[phonenumbers.PhoneNumber, bool] | None,
            tuple[tuple[str, phonenumbers.PhoneNumber], ...]]:
        """The reading, if the page's own regions or the allowlist decide it; else the valid
        readings in other regions, for the page's evidence to choose from."""
        if international:
            return self._parse_international(digits), ()
        if digits.startswith("00") and not digits.startswith("000"):
            # "00" is the international prefix almost everywhere but North America.
            found = self._parse_international(digits[2:], require_valid=True)
            if found:
                return found, ()
        first_valid = None
        pending = []
        for region in self.regions + self.tentative:
            number = _try_parse(digits, region)
            if number is None or not phonenumbers.is_valid_number(number):
                continue
            if self.known(phonenumbers.format_number(number, PhoneNumberFormat.E164)):
                return (number, True), ()
            if region in self.tentative:
                pending.append((region, number))
            else:
                first_valid = first_valid or (number, True)
        if first_valid is None and digits.startswith("1800"):
            pending += _toll_free_1800(digits)
        return first_valid, tuple(pending)

    def _parse_international(
        self, digits: str, require_valid: bool = False
    ) -> tuple[phonenumbers.PhoneNumber, bool] | None:
        if len(digits) < MIN_INTERNATIONAL:
            return None
        number = _try_parse("+" + digits, None)
        if number is None:
            return None
        if phonenumbers.is_valid_number(number):
            return number, True
        if require_valid or not phonenumbers.region_codes_for_country_code(
            number.country_code or 0
        ):
            return None
        # Written in full international form but not assigned: still a number the page tells
        # people to dial, and an invalid one is a signal in itself.
        return number, False


# Regions whose toll-free numbers start "1800" (phonenumbers' metadata). A "1800…" run that no
# region of the page reads (NANP writes 1-800 and never an exchange starting 0 or 1) may be one
# of theirs: read there when the page shows the country ("1800-110-2601 … India").
_TOLL_FREE_1800 = ("IN", "SG", "PH", "AU", "IE", "IL", "TH", "VN", "KH", "NP", "CO", "EC", "GT")


def _toll_free_1800(digits: str) -> list[tuple[str, phonenumbers.PhoneNumber]]:
    found = []
    for region in _TOLL_FREE_1800:
        number = _try_parse(digits, region)
        if number is not None and phonenumbers.number_type(number) == PhoneNumberType.TOLL_FREE:
            found.append((region, number))
    return found


def _try_parse(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def clear_caches() -> None:
    """Forget cached parses (needed when the allowlist, which breaks ties, changes)."""
    _PARSED.clear()
