"""The allowlist's value types: brands, their numbers, lookup answers and problems.

Everything here is frozen: an :class:`~allowlist.Allowlist` is shared by the detector,
the crawler and the reports of one run, and none of them may change it under the others.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Literal

#: The closed list of sectors a brand file may name (``sector = "airline"``). The detector
#: keeps each sector's vocabulary (the words that place a common-word alias such as
#: "Southwest" in its trade); a new sector needs a vocabulary there too.
SECTORS = (
    "accounting", "airline", "antivirus", "bank", "brokerage", "crypto-exchange",
    "crypto-wallet", "electronics", "email", "government", "marketplace", "payments",
    "printer", "social-media", "software", "streaming", "tech-support", "telecom",
    "travel-booking",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an allowlist file, located at ``file:line``.

    ``line`` is 1-based; 0 means the problem concerns the file or folder as a whole
    (an empty folder, a missing path) rather than one of its lines.
    """

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class NumberEntry:
    """A phone number a brand publishes, with where and when a person checked it."""

    e164: str
    brand: str
    use: str
    source: str
    verified_on: datetime.date
    retired: bool
    line: int  # line of the entry's ``number =`` key, for messages pointing back at the file


@dataclass(frozen=True)
class Brand:
    """One protected brand: its names, the domains it owns and the numbers it publishes.

    ``phone_support`` is ``False`` when the brand publishes no phone support at all (any
    number advertised for it is then false by definition) and ``None`` when unknown.
    ``sector`` is one of :data:`SECTORS` (``None`` when the file names none).
    """

    name: str
    slug: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    phone_support: bool | None
    numbers: tuple[NumberEntry, ...]
    file: str
    sector: str | None = None


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
