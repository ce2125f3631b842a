"""How well each number is verified: computed from its sources, never claimed.

* ``brand``: a source is on one of the brand's own ``domains`` (or a subdomain), or the
  entry is marked ``source_kind = "brand-document"`` with the ``document``'s title (a
  manual or notice the brand published, hosted elsewhere);
* ``corroborated``: two or more sources on distinct registrable domains, none the brand's;
* ``unverified``: anything else, one third-party page above all. ``validate`` reports it
  as an error; :func:`allowlist.load` still loads it and reports it (the analyst decides).
"""

from __future__ import annotations

from collections.abc import Iterable

from .hosts import parent_domains
from .model import Brand, Level, NumberEntry, Problem
from .urls import registrable_domain, source_host


def level_of(sources: Iterable[str], domains: Iterable[str], *, brand_document: bool = False) -> Level:
    """The provenance level of a claim backed by ``sources`` for a brand owning ``domains``."""
    owned = set(domains)
    sources = list(sources)
    if brand_document or any(_is_owned(source_host(url), owned) for url in sources):
        return "brand"
    independent = {registrable_domain(source_host(url)) for url in sources}
    return "corroborated" if len(independent - {""}) >= 2 else "unverified"


def third_party_domains(sources: Iterable[str]) -> list[str]:
    """The registrable domains of ``sources``, in order, once each (for messages)."""
    return list(dict.fromkeys(registrable_domain(source_host(url)) for url in sources))


def entry_level(entry: NumberEntry, domains: Iterable[str]) -> Level:
    """The level of one number of a brand owning ``domains``."""
    document = entry.source_kind == "brand-document"
    return level_of(entry.sources or (entry.source,), domains, brand_document=document)


def provenance_problems(brand: Brand, support_line: int = 0) -> list[Problem]:
    """A non-blocking error for every claim of ``brand`` that is ``unverified``.

    ``support_line`` is the line of ``phone_support_source`` in ``brand.file``.
    """
    problems = []
    for entry in brand.numbers:
        if entry.level == "unverified":
            where = ", ".join(third_party_domains(entry.sources)) or "no host"
            message = (
                f"number {entry.e164} has no brand source and fewer than two independent "
                f"ones ({where}): cite a page on {brand.name}'s domains, or a second "
                "independent source in sources = [...]"
            )
            problems.append(Problem(entry.file, entry.line, message, blocking=False))
    if brand.phone_support_level == "unverified":
        where = ", ".join(third_party_domains(brand.phone_support_sources))
        message = (
            f"phone_support_source of {brand.name} is a single third-party page ({where}): "
            "cite the brand's own page, or two independent sources"
        )
        problems.append(Problem(brand.file, support_line, message, blocking=False))
    return problems


def _is_owned(host: str, owned: set[str]) -> bool:
    return any(domain in owned for domain in parent_domains(host)) if host else False
