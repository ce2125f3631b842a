"""The loaded allowlist and its lookups: by brand name, by number, by domain."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .hosts import looks_like_host, normalise_host, parent_domains
from .model import Brand, LookupResult, NumberEntry, Problem
from .phones import query_e164


class Allowlist:
    """A verified set of brands, indexed for the lookups the detector makes per page.

    Built by :func:`allowlist.load`; every lookup is a dictionary probe (domains: one per
    label of the host), so checking each number and link of a crawled page stays cheap.
    """

    def __init__(
        self,
        brands: Iterable[Brand],
        *,
        path: str,
        digest: str,
        layers: tuple[str, ...] = (),
        notices: tuple[Problem, ...] = (),
    ) -> None:
        self.brands: tuple[Brand, ...] = tuple(sorted(brands, key=lambda b: b.name.casefold()))
        self.path = path  #: the layers' paths, joined with os.pathsep
        self.digest = digest
        self.layers = layers  #: layer names, bottom first ("bundled", then paths)
        self.notices = notices  #: non-blocking problems found while loading
        self._names: dict[str, Brand] = {}
        self._numbers: dict[str, NumberEntry] = {}
        self._number_brands: dict[str, Brand] = {}
        self._domains: dict[str, Brand] = {}
        for brand in self.brands:
            self._index(brand)
        for brand in self.brands:  # a name beats another brand's identical slug
            self._names.setdefault(brand.slug.casefold(), brand)

    def _index(self, brand: Brand) -> None:
        self._names[brand.name.casefold()] = brand
        for entry in brand.numbers:
            self._numbers[entry.e164] = entry
            self._number_brands[entry.e164] = brand
        for domain in brand.domains:
            self._domains[domain] = brand

    def __len__(self) -> int:
        return len(self.brands)

    def __iter__(self) -> Iterator[Brand]:
        return iter(self.brands)

    def __repr__(self) -> str:
        return f"<Allowlist {len(self)} brands from {self.path!r}>"

    def brand(self, name_or_slug: str) -> Brand | None:
        """The brand with this name or file slug, ignoring case."""
        return self._names.get(name_or_slug.strip().casefold())

    def number(self, e164: str) -> NumberEntry | None:
        """The entry for an exact E.164 number (retired entries included: check ``retired``)."""
        return self._numbers.get(e164)

    def domain_owner(self, host_or_url: str) -> Brand | None:
        """The brand owning a host or URL: a listed domain or any subdomain of one."""
        match = self._domain_match(normalise_host(host_or_url))
        return match[1] if match else None

    def lookup(self, query: str) -> LookupResult:
        """Whose is this phone number (in any format, vanity letters included) or domain/URL?"""
        text = query.strip()
        if looks_like_host(text) and (host := normalise_host(text)):
            domain, brand = self._domain_match(host) or (None, None)
            return LookupResult("domain", host, brand, domain=domain)
        e164 = query_e164(text)
        if e164 is None:
            return LookupResult("unknown", text)
        return LookupResult("number", e164, self._number_brands.get(e164), self.number(e164))

    def _domain_match(self, host: str) -> tuple[str, Brand] | None:
        # Most specific first, although the loader already forbids nesting across brands.
        for domain in parent_domains(host) if host else ():
            if domain in self._domains:
                return domain, self._domains[domain]
        return None
