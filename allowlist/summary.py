"""What ``allowlist validate`` and ``allowlist show`` print: provenance counts and brand details.

Plain data (dicts and rows) plus a text rendering, so the CLI only chooses the format.
"""

from __future__ import annotations

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
        rows.append(
            {
                "name": brand.name,
                "phone_support": brand.phone_support,
                **{level: levels[level] for level in LEVELS},
                "retired": len(brand.numbers) - len(current),
                "countries": sorted({entry.region for entry in current}),
            }
        )
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


def brand_details(brand: Brand) -> dict[str, Any]:
    """Everything ``allowlist show BRAND`` reports, as JSON-ready data."""
    return {
        "name": brand.name,
        "slug": brand.slug,
        "aliases": list(brand.aliases),
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
