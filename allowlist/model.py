"""The allowlist's value types: brands, their numbers, lookup answers and problems.

Everything here is frozen: an :class:`~allowlist.Allowlist` is shared by the detector,
the crawler and the reports of one run, and none of them may change it under the others.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

import phonenumbers

#: How a number (or a brand's "no phone support") was verified; see ``FORMAT.md``.
#: ``unverified`` is never a valid state for data: ``validate`` reports it as an error.
Level = Literal["brand", "corroborated", "unverified"]
LEVELS: tuple[Level, ...] = ("brand", "corroborated", "unverified")

#: The layer name of the data shipped in ``allowlist/data``.
BUNDLED = "bundled"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an allowlist file, located at ``file:line``.

    ``line`` is 1-based; 0 means the problem concerns the file or folder as a whole
    (an empty folder, a missing path) rather than one of its lines. ``severity`` is
    ``"error"`` (``validate`` fails) or ``"warning"`` (reported, not a failure);
    ``blocking`` errors stop :func:`allowlist.load` (the data cannot be read as meant),
    non-blocking ones (a number with weak provenance) are loaded and reported.
    """

    file: str
    line: int
    message: str
    severity: Literal["error", "warning"] = "error"
    blocking: bool = True

    def __str__(self) -> str:
        mark = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {mark}{self.message}"


@dataclass(frozen=True)
class NumberEntry:
    """A phone number a brand publishes, with where and when a person checked it.

    ``source`` is the first of ``sources``; ``level`` is computed by the loader from the
    sources and the brand's domains (:mod:`allowlist.provenance`), never read from a file.
    ``layer`` names the allowlist layer the entry came from (``"bundled"`` or a path).
    """

    e164: str
    brand: str
    use: str
    source: str
    verified_on: datetime.date
    retired: bool
    line: int  # line of the entry's ``number =`` key, for messages pointing back at the file
    sources: tuple[str, ...] = ()
    source_kind: str = ""  # "" or "brand-document"
    document: str = ""  # the brand document's title, with source_kind = "brand-document"
    vanity: tuple[str, ...] = ()
    country: str = ""  # ISO region the line serves, when the file says so
    level: Level = "unverified"
    layer: str = ""
    file: str = ""

    @property
    def region(self) -> str:
        """The region the line serves: ``country`` when given, else the number's own."""
        if self.country:
            return self.country
        number = phonenumbers.parse(self.e164)
        return phonenumbers.region_code_for_number(number) or "001"


@dataclass(frozen=True)
class Brand:
    """One protected brand: its names, the domains it owns and the numbers it publishes.

    ``phone_support`` is ``False`` when the brand publishes no phone support at all (any
    number advertised for it is then false by definition) and ``None`` when unknown;
    ``phone_support_sources`` say where the brand says so. ``layer`` is the layer whose
    file defined the brand; ``layers`` every layer that added to it, in order;
    ``domain_layers`` pairs each domain with the layer that listed it.
    """

    name: str
    slug: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    phone_support: bool | None
    numbers: tuple[NumberEntry, ...]
    file: str
    phone_support_sources: tuple[str, ...] = ()
    phone_support_level: Level | None = None
    layer: str = ""
    layers: tuple[str, ...] = ()
    domain_layers: tuple[tuple[str, str], ...] = ()

    def domain_layer(self, domain: str) -> str:
        """The layer that listed ``domain`` (one of :attr:`domains`), else ``layer``."""
        return dict(self.domain_layers).get(domain, self.layer)


@dataclass(frozen=True)
class LookupResult:
    """The answer to :meth:`Allowlist.lookup`.

    ``query`` is the normalised query (E.164 for a number, the bare host for a domain, the
    stripped input when neither); ``domain`` is the listed domain that matched a host.
    """

    kind: Literal["number", "domain", "unknown"]
    query: str
    brand: Brand | None = None
    entry: NumberEntry | None = None
    domain: str | None = None


class AllowlistError(Exception):
    """The allowlist has problems; ``str(err)`` lists them one per line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
