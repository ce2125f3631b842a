"""The ``scamlines`` command line: a thin click layer over the library packages.

Exit codes (every command): 0 success, 1 a condition the caller asked to be told about
(``eval`` below its minimums, ``scan --fail-on-new`` with new findings, ``allowlist validate``
with problems), 2 usage or input error.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scamlines")
def cli() -> None:
    """Find web pages that advertise fake customer-support phone numbers."""


# --- allowlist ------------------------------------------------------------------------------

# Imports for this section live here so that concurrent edits to the other sections stay
# independent. The allowlist package itself is imported inside the functions: it loads
# phone-number metadata, which commands that never touch it (``--help``) should not pay for.
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from click.decorators import FC

    from allowlist import Allowlist, Brand, LookupResult


class AllowlistInputError(click.ClickException):
    """An allowlist that does not load: an input error, so exit 2 (ClickException says 1)."""

    exit_code = 2


def allowlist_option(command: FC) -> FC:
    """Add ``--allowlist DIR`` to a command, passed to it as ``allowlist_path`` (None: bundled)."""
    return click.option(
        "--allowlist",
        "allowlist_path",
        type=click.Path(exists=True),
        default=None,
        metavar="DIR",
        help="Folder of brand .toml files (or one file). Default: the bundled allowlist.",
    )(command)


def load_allowlist(path: str | None) -> Allowlist:
    """Load the allowlist for a command; problems become an exit-2 error listing each line."""
    import allowlist

    try:
        return allowlist.load(path)
    except allowlist.AllowlistError as err:
        where = path or "the bundled allowlist"
        count = _plural(len(err.problems), "problem")
        raise AllowlistInputError(f"{where} does not load ({count}):\n{err}") from None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


_format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object per line.",
)


@cli.group("allowlist")
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
        click.echo(f"{_plural(len(err.problems), 'problem')} in {_plural(len(files), 'file')}")
        raise click.exceptions.Exit(1) from None
    numbers = sum(len(brand.numbers) for brand in loaded)
    domains = sum(len(brand.domains) for brand in loaded)
    click.echo(
        f"OK: {_plural(len(loaded), 'brand')}, {_plural(numbers, 'number')}, "
        f"{_plural(domains, 'domain')}"
    )


@allowlist_group.command("list")
@allowlist_option
@_format_option
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
                f"{_plural(len(brand.numbers), 'number'):<11}  {', '.join(brand.domains)}"
            )


@allowlist_group.command("lookup")
@click.argument("queries", metavar="QUERY...", nargs=-1, required=True)
@allowlist_option
@_format_option
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


# --- check / eval ---------------------------------------------------------------------------


# --- crawl ----------------------------------------------------------------------------------
