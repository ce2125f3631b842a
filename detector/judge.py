"""From mentions and sightings to per-number statuses, a verdict, a score and reasons.

The rules, in order:
1. A page on a domain the allowlist gives to a brand is ``official``: never flagged; numbers it
   shows that the allowlist lacks are reported as allowlist gaps.
2. The brands a page is *about* are those it names strongly enough (title, headings, URL,
   host, repeated mentions in the text). A passing mention does not make a page about a brand.
3. Each number is tied to the brand that owns it in the allowlist, else to the nearest brand
   the page is about, and gets a status: verified, retired, other_brand, unverified, invalid.
4. A number is *advertised* when it is shown as a line to call (support words around it, a
   ``tel:`` link, repetition), and *quoted as a scam* when its sentence says so; generic
   "only our numbers are verified" disclaimers do not count as warnings.
5. ``flagged``: an advertised unverified or invalid number for a brand the page is about, or
   any advertised number for a brand that has no phone support. ``suspicious``: weaker evidence
   (retired or another brand's number, or a bad number not clearly advertised). Else ``clean``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from detector import cues
from detector.brands import Mention
from detector.report import NumberReport, Reason, Sighting

#: Weight of one mention by where it appears; text mentions are capped (see brand_scores).
SOURCE_WEIGHT = {"title": 3.0, "host": 3.0, "url": 2.0, "heading": 2.0, "description": 1.0,
                 "text": 1.0}
TEXT_CAP = 6.0
ABOUT_MIN = 2.0  #: score a brand needs for the page to be about it
ABOUT_RATIO = 0.25  #: …and at least this share of the best brand's score
STRONG_STEP = 0.05  #: score added per strong scam trait of a flagged page
WEAK_STEP = 0.025  #: …and per weak one
NEAR = 300  #: characters around a number in which a brand mention ties the number to it


@dataclass(slots=True)
class NumberFacts:
    """What the judge knows of one distinct number on the page."""

    e164: str
    sightings: list[Sighting]
    owner: str | None  #: brand the allowlist gives the number to
    retired: bool = False
    support: int = 0  #: support words around it, summed over sightings
    warned_sightings: int = 0
    fax_sightings: int = 0  #: text sightings labelled "Fax:"
    #: written as a vanity number spelling its brand ("1-800-GEEK SQUAD"): the brand's own line,
    #: missing from the allowlist (detector.vanity.spells_brand)
    brand_vanity: bool = False
    brand: str | None = None
    status: str = "unverified"
    advertised: bool = False
    warned: bool = False
    claimed_official: bool = False  #: called official/verified in its own sentence
    toll_free_near: bool = False  #: "toll-free" next to a sighting (its sentence or a neighbour)
    urgency_near: bool = False  #: "call now", "24/7", "urgent" next to a sighting
    other_owner: str | None = None  #: the institution the page gives the number to
    near_brands: set[str] = field(default_factory=set)
    #: the closest brand the page is about, per sighting: two or more means the same number
    #: is offered for several brands
    nearest_brands: set[str] = field(default_factory=set)
    #: a national line outside +1 (North America); see judge()
    local_line: bool = False

    @property
    def first(self) -> Sighting:
        return self.sightings[0]

    @property
    def count(self) -> int:
        return max(1, sum(1 for s in self.sightings if s.source == "text"))

    @property
    def call_count(self) -> int:
        """How often the text offers it as a line to call (fax labels excluded)."""
        return max(1, self.count - self.fax_sightings)


def brand_scores(mentions: Iterable[Mention]) -> dict[str, float]:
    """How strongly the page names each brand (weak aliases only reinforce strong ones)."""
    strong: dict[str, float] = defaultdict(float)
    text: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    seen_sources: set[tuple[str, str]] = set()
    for mention in mentions:
        if mention.weak:
            weak[mention.brand] += 1
        elif mention.source == "text":
            text[mention.brand] += 1
        elif (mention.brand, mention.source) not in seen_sources:
            seen_sources.add((mention.brand, mention.source))
            strong[mention.brand] += SOURCE_WEIGHT[mention.source]
    scores: dict[str, float] = {}
    for brand in set(strong) | set(text):
        score = strong[brand] + min(float(text[brand]), TEXT_CAP)
        scores[brand] = score + min(weak[brand] * 0.5, 2.0)
    return scores


def about(scores: dict[str, float]) -> list[str]:
    """The brands the page is about, strongest first."""
    if not scores:
        return []
    best = max(scores.values())
    chosen = [b for b, s in scores.items() if s >= ABOUT_MIN and s >= ABOUT_RATIO * best]
    return sorted(chosen, key=lambda b: (-scores[b], b))


def describe_context(index: cues.CueIndex, facts: NumberFacts) -> None:
    """Fill in support/warning evidence from the words around each sighting."""
    for sighting in facts.sightings:
        if sighting.source in ("tel", "jsonld"):
            facts.support += 2
            continue
        if sighting.source != "text":
            continue
        start, end = sighting.start, sighting.end
        if index.fax_label(start):
            facts.fax_sightings += 1
            continue
        facts.support += min(index.count(index.support, start - 120, end + 60), 3)
        sentence = index.sentence(start, end)
        if index.quotes_as_scam(start, end, sentence):
            facts.warned_sightings += 1
        elif not facts.claimed_official and index.claims_official(start, end, sentence):
            facts.claimed_official = True
        if not facts.toll_free_near:
            facts.toll_free_near = index.around(index.toll_free, start, end, sentence)
        if not facts.urgency_near:
            facts.urgency_near = index.around(index.urgency, start, end, sentence)


def tie_to_brand(facts: NumberFacts, page_brands: Sequence[str], text_mentions: Sequence[Mention],
                 mention_starts: Sequence[int]) -> None:
    """Which brand the number is shown for (``text_mentions`` sorted by start, whose starts
    are ``mention_starts``)."""
    for sighting in facts.sightings:
        if sighting.source != "text":
            continue
        first = bisect_left(mention_starts, sighting.start - NEAR - 64)
        last = bisect_right(mention_starts, sighting.end + NEAR // 2)
        nearest: tuple[int, str] | None = None
        for mention in text_mentions[first:last]:
            if mention.end >= sighting.start - NEAR:
                facts.near_brands.add(mention.brand)
                distance = min(abs(mention.end - sighting.start), abs(mention.start - sighting.end))
                if mention.brand in page_brands and (nearest is None or distance < nearest[0]):
                    nearest = (distance, mention.brand)
        if nearest:
            facts.nearest_brands.add(nearest[1])
    if facts.other_owner and facts.owner is None:
        facts.brand = None  # "report it to our Consumer Assistance Program at …"
        return
    if facts.owner and (facts.owner in page_brands or facts.owner in facts.near_brands):
        facts.brand = facts.owner
        return
    near = [b for b in page_brands if b in facts.near_brands]
    facts.brand = near[0] if near else (page_brands[0] if page_brands else None)


NAMED_NEAR = 120  #: characters around an advertised number in which one mention names its brand


def named_with_number(numbers: Iterable[NumberFacts], text_mentions: Sequence[Mention],
                      mention_starts: Sequence[int], index: cues.CueIndex,
                      page_brands: Sequence[str]) -> list[str]:
    """Brands the page is not yet about, named (strongly, once is enough) in the same
    sentence as a number presented as a support line (or the sentence before, on a page about
    no brand yet): "PayPal customer care toll free
    helpline: call 1-888-…" makes the page about PayPal even when it names PayPal nowhere
    else. ``text_mentions`` are sorted by start, whose starts are ``mention_starts``."""
    if all(m.weak or m.brand in page_brands for m in text_mentions):
        return []  # the common case: nothing new to find
    found: list[str] = []
    for facts in numbers:
        if facts.support <= 0 or facts.warned_sightings or facts.other_owner:
            continue
        for sighting in facts.sightings:
            if sighting.source != "text":
                continue
            s_start, s_end = index.sentence(sighting.start, sighting.end)
            # On a page about no brand yet, the sentence before counts too: "Use My Trips on
            # Frontier's site. Phone support: call …" is one statement split by the layout.
            # (On a page about a brand, "Hold My Booking" there is no second brand.)
            p_start, p_end = index.previous_sentence(s_start) if not page_brands else (0, 0)
            low = max(p_start if p_end > p_start else s_start, sighting.start - NAMED_NEAR)
            high = min(s_end, sighting.end + NAMED_NEAR)
            first, last = bisect_left(mention_starts, low), bisect_left(mention_starts, high)
            for mention in text_mentions[first:last]:
                if (mention.end <= high and not mention.weak and mention.brand not in page_brands
                        and mention.brand not in found):
                    found.append(mention.brand)
    return found


def assign_status(facts: NumberFacts) -> None:
    if not facts.first.valid:
        facts.status = "invalid"
    elif facts.owner is None:
        facts.status = "unverified"
    elif facts.owner != facts.brand and facts.brand is not None:
        facts.status = "other_brand"
    else:
        facts.status = "retired" if facts.retired else "verified"


def decide_advertised(facts: NumberFacts) -> None:
    # A fax line ("Fax: …") is no line to call, however often the page repeats it.
    in_text = sum(1 for s in facts.sightings if s.source == "text") - facts.fax_sightings
    facts.warned = in_text > 0 and facts.warned_sightings >= in_text
    listed = any(s.source in ("tel", "jsonld", "title", "url") for s in facts.sightings)
    facts.advertised = not facts.warned and (facts.support > 0 or listed or in_text >= 2)


def to_report(facts: NumberFacts, context: str) -> NumberReport:
    first = facts.first
    return NumberReport(
        raw=first.raw,
        e164=facts.e164,
        type=first.type,
        valid=first.valid,
        status=facts.status,
        brand=facts.brand,
        count=facts.count,
        context=context,
        sources=sorted({s.source for s in facts.sightings}),
        obfuscated=any(s.obfuscated for s in facts.sightings),
        advertised=facts.advertised,
        warned=facts.warned,
        owner=facts.owner,
    )


@dataclass(slots=True)
class PageSignals:
    """Page-wide evidence the score uses."""

    toll_free_claim: bool = False  #: in the title or the address: the whole page's pitch
    disclaimer: bool = False
    urgency: bool = False  #: likewise; in the text, only next to the number counts
    headline: bool = False  #: the title is a headline (a few words), not a first paragraph
    foreign_domain_brands: list[str] = field(default_factory=list)
    page_brands: list[str] = field(default_factory=list)
    no_phone_support: set[str] = field(default_factory=set)  #: brands with phone_support false
    hosted: bool = False  #: a page anyone could publish (free site, forum, hosted help desk)
    mirror: bool = False  #: a site republishing brands' documents (a manual archive)
    #: brands whose trade the site's name poses for ("airticketchanges.com"): sectors.trade_help_name
    trade_help_brands: set[str] = field(default_factory=set)


def judge(numbers: list[NumberFacts], page_brands: list[str], signals: PageSignals
          ) -> tuple[str, float, list[Reason]]:
    """Verdict, score and reasons for a page that is not on an official domain.

    An unverified or invalid number advertised as a brand's line is only *suspicious* on its
    own: the allowlist is as incomplete as the world is large, and accurate guides quote real
    lines it lacks. It is ``flagged`` with a scam trait besides (see :func:`_traits`), and any
    number advertised for a brand with no phone support is ``flagged`` outright.

    Outside North America (+1) the allowlist knows few of a brand's local lines, and local
    guides, directories and news quote the real ones with "numero verde", "official", the
    number repeated and in the address, just as spam does; while support-scam call centres
    advertise the North American numbers they rent (on 309 labelled real pages, no spam page
    advertised only numbers outside +1, and three accurate local guides did). A national line
    outside +1 is therefore ``flagged`` only with a trait of how it is published (disguised,
    on a host anyone can publish on, offered for several brands); else ``suspicious``, for a
    person to check."""
    advertised = [n for n in numbers if n.advertised and n.brand in page_brands]
    bad = [n for n in advertised if n.status in ("unverified", "invalid") and not n.brand_vanity]
    no_support = [n for n in advertised if n.brand in signals.no_phone_support]
    reasons: list[Reason] = []
    if not (bad or no_support):
        score = min(_weak_reasons(numbers, advertised, page_brands, reasons), 1.0)
        return ("suspicious" if score >= 0.3 else "clean"), score, reasons
    reasons += _bad_number_reasons(bad, no_support)
    strong, weak = _traits(bad or no_support, signals, reasons)
    # A weak trait (a toll-free pitch, urgency) is not enough on a page that also gives the
    # brand's verified lines: guides list a brand's other, unlisted departments that way.
    verified_too = any((n.status == "verified" or n.brand_vanity) and n.advertised
                       for n in numbers if n.brand in {b.brand for b in bad})
    # Nor on a manual archive: "toll-free" and "call now" there are the brand's own words.
    traited = strong > 0 or (weak > 0 and not verified_too and not signals.mirror)
    # Gentle steps: a page with every trait still leaves room for the reputation bonuses
    # of scheduled scans (crawler/scans/reputation.py) before the 1.0 cap.
    score = min(0.6 + STRONG_STEP * strong + WEAK_STEP * weak, 1.0)
    if traited and not no_support and all(n.local_line for n in bad) and \
            not any(r.code in _PUBLISHING_TRAITS for r in reasons):
        reasons.append(Reason("local_line", _plural(
            bad, "is a national line outside North America that the allowlist lacks: more "
            "often {brand}'s real local line than a rented scam line; a person should check it")))
        return "suspicious", 0.5, reasons
    if no_support or traited:
        return "flagged", score, reasons
    return "suspicious", 0.5, reasons


#: Traits of where and how a number is published that honest directories, news and local
#: guides do not share: the evidence a local line needs (see judge()).
_PUBLISHING_TRAITS = frozenset({"obfuscated_number", "hosted_page", "number_reused_across_brands"})


def judge_brand(numbers: list[NumberFacts], brand: str, signals: PageSignals
                ) -> tuple[str, float, list[Reason]]:
    """Verdict, score and reasons for one brand: only the numbers shown for it, and the
    page-wide signals that concern it."""
    own = [n for n in numbers if n.brand == brand]
    brand_signals = PageSignals(
        toll_free_claim=signals.toll_free_claim,
        disclaimer=signals.disclaimer, urgency=signals.urgency, headline=signals.headline,
        foreign_domain_brands=[b for b in signals.foreign_domain_brands if b == brand],
        page_brands=signals.page_brands,
        no_phone_support=signals.no_phone_support & {brand},
        hosted=signals.hosted,
        mirror=signals.mirror,
        trade_help_brands=signals.trade_help_brands & {brand},
    )
    return judge(own, [brand], brand_signals)


def _bad_number_reasons(bad: list[NumberFacts], no_support: list[NumberFacts]) -> list[Reason]:
    reasons = []
    unverified = [n for n in bad if n.status == "unverified"]
    invalid = [n for n in bad if n.status == "invalid"]
    if unverified:
        reasons.append(Reason("unverified_number", _plural(
            unverified, "is advertised as {brand}'s line but is not in the verified allowlist")))
    if invalid:
        reasons.append(Reason("invalid_number", _plural(
            invalid, "is not a valid phone number, yet is advertised as a support line")))
    brands = sorted({n.brand for n in no_support if n.brand})
    if brands:
        reasons.append(Reason("brand_has_no_phone_support",
                              f"{', '.join(brands)} publishes no phone support line at all; "
                              "any number advertised as theirs is fake"))
    return reasons


def _traits(bad: list[NumberFacts], signals: PageSignals, reasons: list[Reason]
            ) -> tuple[int, int]:
    """Add a reason per scam trait of the page and its bad numbers; return how many strong
    and how many weak traits it has. Strong: the number is disguised, repeated, in the
    address, offered for several brands, called official, or the page is on a host anyone can
    publish on or carries the brand in a foreign domain, or tells readers only its numbers are
    verified. Weak: the number in the headline; a site named for a trade's help desk; a
    toll-free pitch, urgency, next to the number or in the title or address
    ("24/7" or "within 24 hours" somewhere else on a guide says nothing about the number)."""
    bad_sightings = [s for n in bad for s in n.sightings]
    strong_checks = [
        (any(s.obfuscated for s in bad_sightings), "obfuscated_number",
         "the number is written with symbols or spacing that evade filters"),
        (any(n.call_count >= 3 for n in bad), "number_repeated",
         "the number is repeated over and over, a spam trait"),
        (bool(signals.foreign_domain_brands), "brand_in_foreign_domain",
         (f"the host name carries {', '.join(signals.foreign_domain_brands)} on a domain the "
          "brand does not own")),
        (any(s.source == "url" for s in bad_sightings), "number_in_url",
         "the number is in the page's address, a spam trait"),
        (any(n.claimed_official for n in bad) or signals.disclaimer, "claims_official",
         "the page calls the number the brand's official or verified line"),
        (signals.hosted, "hosted_page",
         "the page is on a free host, forum or help-desk portal anyone can publish on"),
        (any(len(n.nearest_brands) >= 2 for n in bad), "number_reused_across_brands",
         _plural([n for n in bad if len(n.nearest_brands) >= 2] or bad,
                 "is advertised for several brands on the same page")),
    ]
    weak_checks = [
        (signals.toll_free_claim or any(n.toll_free_near for n in bad), "toll_free_claim",
         "the page presents the number as a toll-free customer-care line"),
        (signals.urgency or any(n.urgency_near for n in bad), "urgency_language",
         "the page pushes the reader to call at once"),
        (signals.headline and any(s.source == "title" for s in bad_sightings), "number_in_title",
         "the number is in the page's headline"),
        (any(n.brand in signals.trade_help_brands for n in bad), "trade_help_site",
         ("the site's name is made of the trade's and help-desk words: a third party posing "
          "as the help desk of a whole trade")),
    ]
    counts = []
    for checks in (strong_checks, weak_checks):
        found = [(code, message) for condition, code, message in checks if condition]
        reasons += [Reason(code, message) for code, message in found]
        counts.append(len(found))
    return counts[0], counts[1]


def _weak_reasons(numbers: list[NumberFacts], advertised: list[NumberFacts],
                  page_brands: list[str], reasons: list[Reason]) -> float:
    score = 0.0
    retired = [n for n in advertised if n.status == "retired"]
    other = [n for n in advertised if n.status == "other_brand"]
    loose = [n for n in numbers if not n.advertised and not n.warned and n.brand in page_brands
             and n.status in ("unverified", "invalid") and not n.brand_vanity]
    vanity = [n for n in numbers if n.brand_vanity and n.brand in page_brands]
    warned = [n for n in numbers if n.warned]
    verified = [n for n in advertised if n.status == "verified"]
    if retired:
        score = max(score, 0.4)
        reasons.append(Reason("retired_number", _plural(
            retired, "is a retired {brand} line advertised as current")))
    if other:
        score = max(score, 0.4)
        reasons.append(Reason("other_brand_number", _plural(
            other, "belongs to another protected brand than the one it is shown for")))
    if loose:
        score = max(score, 0.2)
        reasons.append(Reason("unverified_number", _plural(
            loose, "is not in the allowlist, but the page does not present it as a support line")))
    if vanity:  # not flagged, but an advertised line the allowlist lacks is for a person to see
        score = max(score, 0.4 if any(n.advertised for n in vanity) else 0.2)
        reasons.append(Reason("brand_vanity_number", _plural(
            vanity, "spells {brand}'s name in its digits, so is the brand's own line; it is "
            "missing from the allowlist: a person should verify and add it")))
    if warned:
        reasons.append(Reason("quoted_as_scam", _plural(
            warned, "is quoted as a scam number, not advertised")))
    if verified:
        reasons.append(Reason("verified_number", _plural(
            verified, "is a verified {brand} line")))
    return score


def _plural(numbers: Sequence[NumberFacts], template: str) -> str:
    shown = ", ".join(n.e164 for n in numbers[:5]) + (" …" if len(numbers) > 5 else "")
    brand = numbers[0].brand or "the brand"
    verb = template.format(brand=brand)
    if len(numbers) > 1:
        verb = (verb.replace("is ", "are ", 1).replace("is advertised", "are advertised")
                .replace(" but is ", " but are "))
    return f"{shown} {verb}"
