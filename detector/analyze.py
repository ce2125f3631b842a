"""``analyze()``: one page in, one PageReport out. Pure: no network, no files, no Scrapy."""

from __future__ import annotations

import re
from functools import cache, cached_property
from typing import TYPE_CHECKING

import phonenumbers

from detector import cues, domains, judge, language, owners, regions, sectors, vanity
from detector.brands import BrandMatcher, Mention
from detector.lexicon import Hits
from detector.normalize import fold_text, normalize
from detector.numbers import Found, NumberParser, clear_caches, find_numbers
from detector.report import BrandFinding, PageReport, Reason, Sighting
from detector.text import PageText, read_page

if TYPE_CHECKING:
    from allowlist import Allowlist

_CONTEXT = 90  #: characters of context kept each side of a number
#: Digits a number in a page's address needs: spam slugs carry whole numbers ("800-145-851",
#: "1-888-555-0142"); shorter runs there are identifiers.
_URL_DIGITS = 9
#: A title of at most this many words is a headline; a longer one is a plain-text page's first
#: paragraph, where a number is just the first sighting.
_HEADLINE_WORDS = 16
_matchers: dict[int, tuple[object, BrandMatcher]] = {}


def matcher_for(allowlist: Allowlist) -> BrandMatcher:
    """The BrandMatcher of ``allowlist``, built once per allowlist object."""
    entry = _matchers.get(id(allowlist))
    if entry is None or entry[0] is not allowlist:
        entry = (allowlist, BrandMatcher(allowlist))
        _matchers.clear()  # one allowlist at a time: parse tie-breaks depend on it
        clear_caches()
        _matchers[id(allowlist)] = entry
    return entry[1]


def analyze(
    content: bytes | str,
    *,
    url: str | None = None,
    allowlist: Allowlist,
    content_type: str | None = None,
    source: str | None = None,
) -> PageReport:
    """Analyse one page (HTML or plain text) against ``allowlist``.

    :param content: the body, as bytes (charset sniffed) or text.
    :param url: where the page was published; its domain decides ``official`` and its words
        count as brand and number sources.
    :param content_type: the HTTP Content-Type, when known.
    :param source: what to call the page in the report (a path or URL); defaults to ``url``.
    :raises detector.UnsupportedContent: binary or empty input.
    """
    page = read_page(content, content_type)
    real_url = domains.unwrap(url) if url else None
    host = domains.host_of(real_url) if real_url else ""
    official = None
    if real_url and not domains.is_user_content(real_url):
        owner = allowlist.domain_owner(host)
        official = owner.name if owner else None
    analysis = _PageAnalysis(page, real_url, host, allowlist, official)
    return analysis.report(source or url or "-", url)


class _PageAnalysis:
    """The working state of one analyze() call."""

    def __init__(self, page: PageText, url: str | None, host: str, allowlist: Allowlist,
                 official: str | None):
        self.page, self.url, self.host, self.allowlist = page, url, host, allowlist
        self.official = official
        self.norm = normalize(page.text)
        self.matcher = matcher_for(allowlist)
        self.url_text = domains.url_words(url) if url else ""
        self.hits: Hits = Hits()
        self.lookalike_site = False  #: the host name carries a brand it does not belong to

    @cached_property
    def hosted(self) -> bool:
        """Whether the page is one anyone could publish (``detector.domains.is_hosted``)."""
        return self.url is not None and domains.is_hosted(self.url)

    def report(self, source: str, url: str | None) -> PageReport:
        text_mentions, mentions = self._mentions()
        page_brands = judge.about(judge.brand_scores(mentions))
        if self.official and self.official not in page_brands:
            page_brands.insert(0, self.official)
        page_regions = self._regions(page_brands)
        numbers = self._numbers(page_regions, page_brands, text_mentions)
        report = PageReport(
            source=source, url=url, verdict="clean", score=0.0,
            brands=page_brands, numbers=[], reasons=[],
            sightings=[s for n in numbers for s in n.sightings],
            title=self.page.title or None, language=self.page.language,
            region=page_regions[0],
            domain=domains.registrable_domain(self.host) if self.host else None,
            official_brand=self.official,
        )
        report.numbers = [judge.to_report(n, n.first.context) for n in numbers]
        if self.official:
            self._official(report, numbers)
        else:
            signals = self._signals(mentions, page_brands)
            report.verdict, report.score, report.reasons = judge.judge(
                numbers, page_brands, signals)
            report.findings = [
                BrandFinding(brand, *judge.judge_brand(numbers, brand, signals),
                             numbers=[n.e164 for n in numbers if n.brand == brand])
                for brand in page_brands
            ]
        if self.page.truncated:
            report.reasons.append(Reason("page_truncated",
                                         "the page was larger than the analysis limit; only its "
                                         "beginning was read"))
        return report

    # -- brands ---------------------------------------------------------------------------

    def _mentions(self) -> tuple[list[Mention], list[Mention]]:
        match = self.matcher.mentions
        text_mentions, self.hits = self.matcher.scan(self.norm.text, "text")
        mentions = list(text_mentions)
        title = fold_text(self.page.title)
        mentions += match(title, "title") + self.matcher.fuzzy(title, "title")
        for heading in map(fold_text, self.page.headings[:10]):
            mentions += match(heading, "heading") + self.matcher.fuzzy(heading, "heading")
        if self.page.description:
            mentions += match(fold_text(self.page.description), "description")
        if self.url_text:
            path_words = self.url_text.split(" ", 1)[1] if " " in self.url_text else ""
            mentions += match(path_words, "url")
        if self.host and not self.official:
            # On a user-content section of a brand's own domain (sites.google.com), the brand in
            # the host name is the platform, not an impersonation.
            owner = self.allowlist.domain_owner(self.host)
            in_host = [m for m in self.matcher.in_host(self.host)
                       if owner is None or m.brand != owner.name]
            self.lookalike_site = bool(in_host)
            mentions += in_host
        return text_mentions, mentions

    # -- numbers --------------------------------------------------------------------------

    def _regions(self, page_brands: list[str]) -> list[str]:
        # Pages that declare no language (plain text, many HTML pages) get a guess from the
        # text, unless the host's country already says where the page is.
        self.language = self.page.language
        if not self.language and not regions.region_from_host(self.host):
            self.language = language.guess(self.norm.text)
        return regions.page_regions(self.host, self.language)

    def _brand_regions(self, page_brands: list[str]) -> list[str]:
        """Where the brands the page names have allowlisted lines."""
        found = []
        for name in page_brands:
            brand = self.allowlist.brand(name)
            for entry in brand.numbers if brand else ():
                found.append(_region_of(entry.e164))
        return [region for region in found if region]

    def _numbers(self, page_regions: list[str], page_brands: list[str],
                 text_mentions: list[Mention]) -> list[judge.NumberFacts]:
        lowered = self.hits.lowered or self.norm.text.lower()
        parser = NumberParser(page_regions, self.allowlist.number,
                              tentative=self._brand_regions(page_brands),
                              evidence=regions.evidence(lowered),
                              named=lambda: regions.named_regions(lowered))
        sightings = list(self._sightings(parser))
        by_number: dict[str, judge.NumberFacts] = {}
        for sighting in sightings:
            facts = by_number.get(sighting.e164)
            if facts is None:
                entry = self.allowlist.number(sighting.e164)
                facts = judge.NumberFacts(
                    sighting.e164, [], entry.brand if entry else None,
                    bool(entry and entry.retired))
                by_number[sighting.e164] = facts
            facts.sightings.append(sighting)
        # The brand scan's lowered text: folding keeps lengths and sentence ends.
        index = cues.CueIndex(self.hits.lowered, self.hits.cues)
        text_mentions = sorted(text_mentions, key=lambda m: m.start)
        starts = [m.start for m in text_mentions]
        # A government site's numbers are its own, but not in its forums: anyone posts there.
        institutional = bool(self.host) and owners.institutional_site(self.host) and not (
            self.hosted)
        defined = owners.defined_names(self.norm.text)
        for facts in by_number.values():
            judge.describe_context(index, facts)
            facts.other_owner = self.host if institutional else self._other_owner(facts, starts, defined)
            if self.lookalike_site:
                facts.support += 1  # on a fake support site, every number is its pitch
        named = judge.named_with_number(by_number.values(), text_mentions, starts, index,
                                        page_brands)
        page_brands += [brand for brand in named if brand not in page_brands]
        for facts in by_number.values():
            judge.tie_to_brand(facts, page_brands, text_mentions, starts)
            judge.assign_status(facts)
            judge.decide_advertised(facts)
            if facts.status == "unverified" and facts.brand:
                facts.brand_vanity = self._spells_brand(facts)
                # A national line outside +1 (detector.judge.judge says why it matters).
                facts.local_line = bool(facts.first.region) and not facts.e164.startswith("+1")
        return list(by_number.values())

    def _spells_brand(self, facts: judge.NumberFacts) -> bool:
        """Whether a sighting writes the number in letters spelling its brand's name."""
        brand = self.allowlist.brand(facts.brand) if facts.brand else None
        if brand is None:
            return False
        names = (brand.name, *brand.aliases)
        return any(vanity.spells_brand(s.raw, facts.e164, names) for s in facts.sightings
                   if s.source == "text" and any(char.isalpha() for char in s.raw))

    def _other_owner(self, facts: judge.NumberFacts, starts: list[int],
                     defined: re.Pattern[str] | None) -> str | None:
        """The institution every text sighting of the number is given for, if any."""
        found = None
        for sighting in facts.sightings:
            if sighting.source in ("tel", "jsonld"):
                return None
            if sighting.source != "text":
                continue
            found = owners.named_owner(self.norm.text, sighting.start, starts, defined)
            if found is None:
                return None
        return found

    def _sightings(self, parser: NumberParser):  # type: ignore[no-untyped-def]
        text = self.norm.text
        for found in find_numbers(self.norm, parser):
            raw = self.norm.original_slice(found.start, found.end)
            yield _sighting(found, raw, "text", _context(text, found.start, found.end))
        extra = [("tel", v) for v in self.page.tel_links]
        extra += [("jsonld", v) for v in self.page.jsonld_phones]
        extra += [("title", self.page.title), ("meta", self.page.description),
                  ("url", domains.url_number_text(self.url) if self.url else "")]
        for source, value in extra:
            if not value:
                continue
            folded = normalize(value).text
            for found in find_numbers(folded, parser):
                raw = folded[found.start:found.end]
                if source == "url" and sum(char.isdigit() for char in raw) < _URL_DIGITS:
                    continue  # "…/1.5429757": an article's identifier, not a short local line
                yield _sighting(found, raw, source, _context(folded, found.start, found.end))

    # -- verdicts -------------------------------------------------------------------------

    def _signals(self, mentions: list[Mention], page_brands: list[str]) -> judge.PageSignals:
        # Toll-free and urgency words in the text count next to a number (judge._traits); in
        # the title or the address they pitch the whole page.
        pitch: set[str] = set()
        for extra in (self.page.title, self.url_text):
            pitch |= set(self.matcher.scan(extra, "text")[1].cues) if extra else set()
        signals = judge.PageSignals(
            toll_free_claim="toll_free" in pitch,
            disclaimer="disclaimer" in pitch or "disclaimer" in self.hits.cues,
            urgency="urgency" in pitch,
            # Only words: a title that is just a number is a site's header line.
            headline=(0 < len(self.page.title.split()) <= _HEADLINE_WORDS
                      and any(char.isalpha() for char in self.page.title)),
            foreign_domain_brands=sorted({m.brand for m in mentions if m.source == "host"}),
            page_brands=page_brands,
            hosted=self.hosted,
            mirror=self.url is not None and domains.is_document_mirror(self.url),
        )
        # The name the site registered: "airticketchanges" for www.airticketchanges.com.
        site = domains.site_domain(self.host.lower()).split(".")[0] if self.host else ""
        site = "".join(char for char in site if char.isalnum())
        for name in page_brands:
            brand = self.allowlist.brand(name)
            if brand is not None and brand.phone_support is False:
                signals.no_phone_support.add(name)
            if brand is not None and site and sectors.trade_help_name(site, brand.sector):
                signals.trade_help_brands.add(name)
        return signals

    def _official(self, report: PageReport, numbers: list[judge.NumberFacts]) -> None:
        report.verdict, report.score = "official", 0.0
        report.findings = [BrandFinding(brand, "official", 0.0, [], [
            n.e164 for n in numbers if n.brand == brand]) for brand in report.brands]
        report.reasons.append(Reason(
            "official_domain", f"{self.host} belongs to {self.official} (verified domain)"))
        report.allowlist_gaps = [n.e164 for n in numbers if n.owner is None and n.first.valid]
        if report.allowlist_gaps:
            report.reasons.append(Reason(
                "allowlist_gap",
                f"{', '.join(report.allowlist_gaps[:5])} shown on {self.official}'s own site "
                "but missing from the allowlist: a person should verify and add it"))


def _sighting(found: Found, raw: str, source: str, context: str) -> Sighting:
    return Sighting(raw=raw, e164=found.e164, region=found.region, type=found.type,
                    valid=found.valid, source=source, start=found.start, end=found.end,
                    context=context, obfuscated=found.obfuscated)


def _context(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - _CONTEXT) : end + _CONTEXT].split())


@cache  # allowlisted numbers: a small, fixed set, asked about on every page
def _region_of(e164: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None
