"""``scamlines allowlist validate|list|lookup``: check and query the verified allowlist.

The allowlist package is imported inside the commands: it loads phone-number metadata, which
commands that never touch it (``--help``) should not pay for.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.common import allowlist_option, format_option, load_allowlist, plural

if TYPE_CHECKING:
    from allowlist import Brand, LookupResult


@click.group("allowlist")
def allowlist_group() -> None:
    """Check and query the verified allowlist of brands' official numbers and domains."""


@allowlist_group.command("validate")
@click.argument("directory", required=False, type=click.Path(exists=True))
def allowlist_validate(directory: str | None) -> None:
    """Check every brand file in DIRECTORY (default: the bundled allowlist).

    Prints each problem as file:line: message and exits 1 when there is any.
    """
    import allowlist

    try:
        loaded = allowlist.load(directory)
    except allowlist.AllowlistError as err:
        for problem in err.problems:
            click.echo(str(problem))
        files = {problem.file for problem in err.problems}
        click.echo(f"{plural(len(err.problems), 'problem')} in {plural(len(files), 'file')}")
        raise click.exceptions.Exit(1) from None
    numbers = sum(len(brand.numbers) for brand in loaded)
    domains = sum(len(brand.domains) for brand in loaded)
    click.echo(
        f"OK: {plural(len(loaded), 'brand')}, {plural(numbers, 'number')}, "
        f"{plural(domains, 'domain')}"
    )


@allowlist_group.command("list")
@allowlist_option
@format_option
def allowlist_list(allowlist_path: str | None, output_format: str) -> None:
    """One line per brand: name, phone support, number count, domains."""
    brands = load_allowlist(allowlist_path).brands
    width = max((len(brand.name) for brand in brands), default=0)
    for brand in brands:
        if output_format == "json":
            click.echo(json.dumps(_brand_json(brand), ensure_ascii=False))
        else:
            click.echo(
                f"{brand.name:<{width}}  {_support(brand):<7}  "
                f"{plural(len(brand.numbers), 'number'):<11}  {', '.join(brand.domains)}"
            )


@allowlist_group.command("lookup")
@click.argument("queries", metavar="QUERY...", nargs=-1, required=True)
@allowlist_option
@format_option
def allowlist_lookup(
    queries: tuple[str, ...], allowlist_path: str | None, output_format: str
) -> None:
    """Show the brand owning each phone number or domain QUERY.

    A QUERY is a phone number in any format (+44 20 ..., (800) 652-2666, 1-800-OK-CANON;
    default region US) or a domain, URL or e-mail address.
    """
    loaded = load_allowlist(allowlist_path)
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
    }


def _lookup_text(query: str, result: LookupResult) -> str:
    if result.kind == "unknown":
        return f"{query}: not in the allowlist (not a phone number or domain)"
    head = query if query.strip() == result.query else f"{query} ({result.query})"
    if result.brand is None:
        return f"{head}: not in the allowlist"
    if result.entry is None:
        return (
            f"{head}: {result.brand.name} (listed domain {result.domain}; "
            f"phone support: {_support(result.brand)})"
        )
    entry = result.entry
    status = "RETIRED (the brand no longer uses it)" if entry.retired else "current"
    return (
        f"{head}: {result.brand.name} - {entry.use or 'use not given'}; "
        f"source {entry.source}; verified_on {entry.verified_on.isoformat()}; {status}"
    )


def _lookup_json(query: str, result: LookupResult) -> dict[str, Any]:
    entry = result.entry
    return {
        "query": query,
        "kind": result.kind,
        "normalised": result.query,
        "brand": result.brand.name if result.brand else None,
        "domain": result.domain,
        "entry": None
        if entry is None
        else {
            "e164": entry.e164,
            "use": entry.use,
            "source": entry.source,
            "verified_on": entry.verified_on.isoformat(),
            "retired": entry.retired,
        },
    }
