"""``scamlines allowlist validate|list|show|lookup``: check and query the verified allowlist.

The allowlist package is imported inside the commands: it loads phone-number metadata, which
commands that never touch it (``--help``) should not pay for.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.common import (
    InputError,
    allowlist_option,
    allowlist_selection,
    format_option,
    load_allowlist,
    plural,
)

if TYPE_CHECKING:
    from allowlist import Brand, LookupResult, Selection

#: ``allowlist.DEFAULT_MAX_AGE_DAYS``, repeated so that ``--help`` need not import the package
#: (tests/test_cli_allowlist.py checks they agree).
DEFAULT_MAX_AGE_DAYS = 365


@click.group("allowlist")
def allowlist_group() -> None:
    """Check and query the verified allowlist of brands' official numbers and domains."""


@allowlist_group.command("validate")
@click.argument("directories", metavar="[DIR]...", nargs=-1, type=click.Path(exists=True))
@click.option("--no-bundled-allowlist", "no_bundled", is_flag=True,
              help="Check DIR... alone, not stacked on the bundled data.")
@click.option("--max-age", "max_age", type=click.IntRange(min=0), default=DEFAULT_MAX_AGE_DAYS,
              show_default=True, metavar="DAYS",
              help="Warn about numbers whose verified_on is older than this.")  # fmt: skip
def allowlist_validate(directories: tuple[str, ...], no_bundled: bool, max_age: int) -> None:
    """Check the allowlist: the bundled data with each DIR stacked on top (and the layers
    in SCAMLINES_ALLOWLIST before them).

    Prints each problem as file:line: message (warnings: stale numbers, brands with phone
    support and no brand-level number), then, when the data loads, the provenance table
    (current numbers per brand and level) and the numbers per country. Exits 0 when there is
    no error (warnings allowed), 2 when there is any.
    """
    layers = allowlist_selection(directories, bundled=not no_bundled)
    checked = layers.check(max_age_days=max_age)
    for problem in checked.problems:
        click.echo(str(problem))
    if checked.allowlist is not None:
        from allowlist.summary import country_table, provenance_table

        click.echo(provenance_table(checked.allowlist))
        click.echo(country_table(checked.allowlist))
    warnings = f" ({plural(len(checked.warnings), 'warning')})" if checked.warnings else ""
    if checked.errors:
        files = {problem.file for problem in checked.errors}
        click.echo(
            f"{plural(len(checked.errors), 'problem')} in {plural(len(files), 'file')}{warnings}"
        )
        raise click.exceptions.Exit(2)
    assert checked.allowlist is not None
    brands = checked.allowlist.brands
    numbers = sum(len(brand.numbers) for brand in brands)
    domains = sum(len(brand.domains) for brand in brands)
    click.echo(
        f"OK: {plural(len(brands), 'brand')}, {plural(numbers, 'number')}, "
        f"{plural(domains, 'domain')}{warnings}"
    )


@allowlist_group.command("list")
@allowlist_option
@format_option
def allowlist_list(allowlist_layers: Selection, output_format: str) -> None:
    """One line per brand: name, phone support, number count, layers, domains."""
    brands = load_allowlist(allowlist_layers).brands
    width = max((len(brand.name) for brand in brands), default=0)
    for brand in brands:
        if output_format == "json":
            click.echo(json.dumps(_brand_json(brand), ensure_ascii=False))
        else:
            click.echo(
                f"{brand.name:<{width}}  {_support(brand):<7}  "
                f"{plural(len(brand.numbers), 'number'):<11}  [{'+'.join(brand.layers)}]  "
                f"{', '.join(brand.domains)}"
            )


@allowlist_group.command("show")
@click.argument("name", metavar="BRAND")
@allowlist_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one object.")  # fmt: skip
def allowlist_show(name: str, allowlist_layers: Selection, output_format: str) -> None:
    """Everything the allowlist holds for BRAND (name, file name or alias, any case): domains,
    numbers with their use, sources, provenance level, verified date and layer, the sector
    and aliases. An unknown BRAND exits 2 with the closest names."""
    from allowlist.summary import brand_details, find_brand, render_brand

    loaded = load_allowlist(allowlist_layers)
    brand, close = find_brand(loaded, name)
    if brand is None:
        hint = f"; did you mean {', '.join(repr(n) for n in close)}?" if close else ""
        raise InputError(f"no brand called {name!r} in the allowlist{hint}")
    if output_format == "json":
        click.echo(json.dumps(brand_details(brand), ensure_ascii=False))
    else:
        click.echo(render_brand(brand))


@allowlist_group.command("lookup")
@click.argument("queries", metavar="QUERY...", nargs=-1, required=True)
@allowlist_option
@format_option
def allowlist_lookup(
    queries: tuple[str, ...], allowlist_layers: Selection, output_format: str
) -> None:
    """Show the brand owning each phone number or domain QUERY.

    A QUERY is a phone number in any format (+44 20 ..., (800) 652-2666, 1-800-OK-CANON;
    default region US) or a domain, URL or e-mail address.
    """
    loaded = load_allowlist(allowlist_layers)
    for query in queries:
        result = loaded.lookup(query)
        if output_format == "json":
            click.echo(json.dumps(_lookup_json(query, result), ensure_ascii=False))
        else:
            click.echo(_lookup_text(query, result))


def _support(brand: Brand) -> str:
    return {True: "yes", False: "no", None: "unknown"}[brand.phone_support]


def _brand_json(brand: Brand) -> dict[str, Any]:
    return {
        "name": brand.name,
        "slug": brand.slug,
        "phone_support": brand.phone_support,
        "number_count": len(brand.numbers),
        "domains": list(brand.domains),
        "aliases": list(brand.aliases),
        "layer": brand.layer,
        "layers": list(brand.layers),
    }


def _lookup_text(query: str, result: LookupResult) -> str:
    if result.kind == "unknown":
        return f"{query}: not in the allowlist (not a phone number or domain)"
    head = query if query.strip() == result.query else f"{query} ({result.query})"
    if result.brand is None:
        return f"{head}: not in the allowlist"
    if result.entry is None:
        layer = result.brand.domain_layer(result.domain or "")
        return (
            f"{head}: {result.brand.name} (listed domain {result.domain}, layer {layer}; "
            f"phone support: {_support(result.brand)})"
        )
    entry = result.entry
    status = "RETIRED (the brand no longer uses it)" if entry.retired else "current"
    return (
        f"{head}: {result.brand.name} - {entry.use or 'use not given'}; "
        f"source {entry.source}; verified_on {entry.verified_on.isoformat()}; "
        f"level {entry.level}; layer {entry.layer}; {status}"
    )


def _lookup_json(query: str, result: LookupResult) -> dict[str, Any]:
    entry = result.entry
    return {
        "query": query,
        "kind": result.kind,
        "normalised": result.query,
        "brand": result.brand.name if result.brand else None,
        "domain": result.domain,
        "layer": None
        if result.brand is None
        else result.brand.domain_layer(result.domain)
        if result.entry is None and result.domain
        else entry.layer
        if entry is not None
        else result.brand.layer,
        "entry": None
        if entry is None
        else {
            "e164": entry.e164,
            "use": entry.use,
            "source": entry.source,
            "verified_on": entry.verified_on.isoformat(),
            "retired": entry.retired,
            "level": entry.level,
            "layer": entry.layer,
        },
    }
