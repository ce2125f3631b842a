"""What ``allowlist validate`` and ``allowlist show`` print: provenance counts and brand details.

Plain data (dicts and rows) plus a text rendering, so the CLI only chooses the format.
"""

from __future__ import annotations

import difflib
from collections import Counter
from typing import Any

from .index import Allowlist
from .model import LEVELS, Brand, NumberEntry


def provenance_rows(allowlist: Allowlist) -> list[dict[str, Any]]:
    """One row per brand: current numbers per level, retired numbers, countries served."""
    rows = []
    for brand in allowlist:
        current = [entry for entry in brand.numbers if not entry.retired]
        levels = Counter(entry.level for entry in current)
        row: dict[str, Any] = {"name": brand.name, "phone_support": brand.phone_support}
        row.update({level: levels[level] for level in LEVELS})
        row["retired"] = len(brand.numbers) - len(current)
        row["countries"] = sorted({entry.region for entry in current})
        rows.append(row)
    return rows


def provenance_table(allowlist: Allowlist) -> str:
    """The provenance table ``validate`` prints, with a totals line."""
    rows = provenance_rows(allowlist)
    width = max([len("brand"), *(len(row["name"]) for row in rows)])
    head = f"{'brand':<{width}}  phone  brand  corrob  unverif  retired  countries"
    lines = [head]
    for row in rows:
        support = {True: "yes", False: "no", None: "?"}[row["phone_support"]]
        counts = [row[level] for level in LEVELS]
        lines.append(
            f"{row['name']:<{width}}  {support:<5}  {counts[0]:>5}  {counts[1]:>6}  "
            f"{counts[2]:>7}  {row['retired']:>7}  {' '.join(row['countries'])}"
        )
    totals = Counter[str]()
    countries: set[str] = set()
    for row in rows:
        totals.update({level: row[level] for level in (*LEVELS, "retired")})
        countries.update(row["countries"])
    covered = sum(1 for row in rows if row[LEVELS[0]] > 0)
    lines.append(
        f"total: {sum(totals[level] for level in LEVELS)} current numbers "
        f"({', '.join(f'{totals[level]} {level}' for level in LEVELS)}), "
        f"{totals['retired']} retired, {len(countries)} countries, "
        f"{covered} of {len(rows)} brands with a brand-level number"
    )
    return "\n".join(lines)


def country_rows(allowlist: Allowlist) -> list[dict[str, Any]]:
    """One row per country a current number serves: numbers per level, brands, total."""
    counts: dict[str, Counter[str]] = {}
    brands: dict[str, set[str]] = {}
    for brand in allowlist:
        for entry in brand.numbers:
            if entry.retired:
                continue
            counts.setdefault(entry.region, Counter())[entry.level] += 1
            brands.setdefault(entry.region, set()).add(brand.name)
    return [
        {
            "country": country,
            **{level: counts[country][level] for level in LEVELS},
            "total": sum(counts[country].values()),
            "brands": len(brands[country]),
        }
        for country in sorted(counts)
    ]


def country_table(allowlist: Allowlist) -> str:
    """Current numbers per country and level, the second table ``validate`` prints."""
    lines = ["country  brand  corrob  unverif  total  brands"]
    for row in country_rows(allowlist):
        counts = [row[level] for level in LEVELS]
        lines.append(
            f"{row['country']:<7}  {counts[0]:>5}  {counts[1]:>6}  {counts[2]:>7}  "
            f"{row['total']:>5}  {row['brands']:>6}"
        )
    return "\n".join(lines)


def find_brand(allowlist: Allowlist, query: str) -> tuple[Brand | None, list[str]]:
    """The brand called ``query`` (name, slug or alias, any case), else close names."""
    brand = allowlist.brand(query)
    if brand is not None:
        return brand, []
    key = query.strip().casefold()
    for candidate in allowlist:
        if key in (alias.casefold() for alias in candidate.aliases):
            return candidate, []
    names = {name.casefold(): b.name for b in allowlist for name in (b.name, b.slug, *b.aliases)}
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.5)
    close += [name for name in names if key and key in name and name not in close]
    return None, list(dict.fromkeys(names[name] for name in close))[:5]


def brand_details(brand: Brand) -> dict[str, Any]:
    """Everything ``allowlist show BRAND`` reports, as JSON-ready data."""
    return {
        "name": brand.name,
        "slug": brand.slug,
        "aliases": list(brand.aliases),
        # Read softly: the sector field arrives with another change to the Brand model.
        "sector": getattr(brand, "sector", None) or None,
        "domains": [{"domain": d, "layer": brand.domain_layer(d)} for d in brand.domains],
        "phone_support": brand.phone_support,
        "phone_support_sources": list(brand.phone_support_sources),
        "layer": brand.layer,
        "layers": list(brand.layers),
        "file": brand.file,
        "numbers": [_number(entry) for entry in brand.numbers],
    }


def _number(entry: NumberEntry) -> dict[str, Any]:
    return {
        "e164": entry.e164,
        "use": entry.use,
        "country": entry.region,
        "level": entry.level,
        "sources": list(entry.sources),
        "source_kind": entry.source_kind or None,
        "document": entry.document or None,
        "vanity": list(entry.vanity),
        "verified_on": entry.verified_on.isoformat(),
        "retired": entry.retired,
        "layer": entry.layer,
    }


def render_brand(brand: Brand) -> str:
    """``allowlist show BRAND`` as text."""
    support = {True: "yes", False: "no", None: "unknown"}[brand.phone_support]
    lines = [f"{brand.name}  (layer {brand.layer}; file {brand.file})"]
    sector = getattr(brand, "sector", None)
    if sector:
        lines.append(f"sector: {sector}")
    if brand.aliases:
        lines.append(f"aliases: {', '.join(brand.aliases)}")
    lines.append(
        "domains: "
        + ", ".join(
            f"{d} [{brand.domain_layer(d)}]" if brand.domain_layer(d) != brand.layer else d
            for d in brand.domains
        )
    )
    lines.append(f"phone support: {support}")
    lines += [f"  said by: {url}" for url in brand.phone_support_sources]
    for entry in brand.numbers:
        state = "RETIRED" if entry.retired else "current"
        vanity = f" ({', '.join(entry.vanity)})" if entry.vanity else ""
        lines.append(
            f"{entry.e164}{vanity}  {entry.region}  {entry.level}  {state}  "
            f"verified {entry.verified_on}  layer {entry.layer}"
        )
        if entry.use:
            lines.append(f"    use: {entry.use}")
        if entry.document:
            lines.append(f"    document: {entry.document}")
        lines += [f"    source: {url}" for url in entry.sources]
    return "\n".join(lines)
