"""The result of analysing one page: sightings, per-number verdicts, reasons, the page verdict.

These dataclasses are the detector's public output. ``PageReport.to_dict()`` is the JSON object
``scamlines check --format json`` prints, one per line, and what the store records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Page verdicts, from most to least severe.
VERDICTS = ("flagged", "suspicious", "clean", "official")

#: Per-number statuses against the allowlist.
STATUSES = ("verified", "retired", "other_brand", "unverified", "invalid")


@dataclass(frozen=True, slots=True)
class Sighting:
    """One place a phone number appears on a page."""

    raw: str  #: the text as printed (obfuscation included)
    e164: str  #: canonical form, ``+18005550199``
    region: str | None  #: ISO region the number belongs to (``US``), None when unknown
    type: str  #: ``toll_free``, ``premium_rate``, ``fixed_line``, ``mobile``, ``voip``, …
    valid: bool  #: phonenumbers says the number is assigned-valid
    source: str  #: ``text``, ``tel``, ``jsonld``, ``title``, ``meta``, ``url``, ``attr``
    start: int  #: offset in the source text
    end: int
    context: str  #: the surrounding text, whitespace folded
    obfuscated: bool = False  #: written with separators/letters meant to defeat matching


@dataclass(slots=True)
class NumberReport:
    """One distinct number on a page (sightings of the same E.164 folded together)."""

    raw: str
    e164: str
    type: str
    valid: bool
    status: str  #: one of STATUSES
    brand: str | None  #: the protected brand the number is shown for (or belongs to)
    count: int
    context: str
    sources: list[str] = field(default_factory=list)
    obfuscated: bool = False
    advertised: bool = False  #: shown as a support/contact line (not merely mentioned)
    warned: bool = False  #: quoted as a scam number ("do not call …")
    owner: str | None = None  #: the brand the allowlist says owns this number, if any


@dataclass(frozen=True, slots=True)
class Reason:
    """A stable code plus a sentence for humans."""

    code: str
    message: str


@dataclass(slots=True)
class BrandFinding:
    """The verdict for one brand a page is about (a page can be fine for one brand and
    abuse another)."""

    brand: str
    verdict: str
    score: float
    reasons: list[Reason]
    numbers: list[str]  #: E.164 numbers shown for this brand


@dataclass(slots=True)
class PageReport:
    """Everything the detector concluded about one page."""

    source: str  #: what was analysed: a path, a URL, ``-``
    url: str | None
    verdict: str  #: one of VERDICTS
    score: float  #: in [0, 1]; higher is more certainly a scam page
    brands: list[str]
    numbers: list[NumberReport]
    reasons: list[Reason]
    sightings: list[Sighting] = field(default_factory=list)
    title: str | None = None
    language: str | None = None
    region: str | None = None  #: the region assumed for numbers written without a country code
    domain: str | None = None  #: the registrable domain of ``url``
    official_brand: str | None = None  #: set when the domain belongs to a protected brand
    allowlist_gaps: list[str] = field(default_factory=list)  #: numbers on official pages not listed
    findings: list[BrandFinding] = field(default_factory=list)  #: one per brand in ``brands``

    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    def add_reason(self, code: str, message: str) -> None:
        """Add a reason unless one with this code is there already."""
        if code not in self.reason_codes():
            self.reasons.append(Reason(code, message))

    def to_dict(self) -> dict[str, Any]:
        """The ``check --format json`` object."""
        return {
            "source": self.source,
            "url": self.url,
            "verdict": self.verdict,
            "score": round(self.score, 3),
            "brands": list(self.brands),
            "numbers": [
                {
                    "raw": n.raw,
                    "e164": n.e164,
                    "type": n.type,
                    "valid": n.valid,
                    "status": n.status,
                    "brand": n.brand,
                    "count": n.count,
                    "context": n.context,
                }
                for n in self.numbers
            ],
            "reasons": [{"code": r.code, "message": r.message} for r in self.reasons],
        }

    def to_full_dict(self) -> dict[str, Any]:
        """Everything, sightings included (for the store and for debugging)."""
        return asdict(self)
