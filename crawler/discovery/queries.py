"""The queries a victim types: brand x language x template, from an editable TOML file.

The bundled templates are in ``crawler/data/queries.toml`` (one table per language, each
with ``templates = ["{brand} customer care number", ...]``); analysts pass their own with
``--queries FILE``. Nothing here touches the network.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allowlist import safetoml

__all__ = [
    "DEFAULT_QUERIES",
    "Query",
    "QueryError",
    "build_queries",
    "load_templates",
    "select_brands",
]

DEFAULT_QUERIES = Path(__file__).resolve().parent.parent / "data" / "queries.toml"


class QueryError(ValueError):
    """A template file, language or brand that cannot be used; the message says which."""


@dataclass(frozen=True, slots=True)
class Query:
    """One search: its text, the brand it is about and the template's language."""

    text: str
    brand: str
    language: str


def load_templates(path: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """``{language: (template, ...)}`` from a queries file (default: the bundled one).

    Raises :class:`QueryError` naming the file, and the language and template at fault.
    """
    path = Path(path).expanduser() if path is not None else DEFAULT_QUERIES
    try:
        data = safetoml.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QueryError(f"{path}: no such queries file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise QueryError(f"{path}: cannot read the queries file ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise QueryError(f"{path}: not valid TOML ({err})") from None
    templates = {lang: _templates(path, lang, table) for lang, table in data.items()}
    if not templates:
        raise QueryError(f"{path}: no language tables (expected e.g. [en] templates = [...])")
    return templates


def _templates(path: Path, language: str, table: Any) -> tuple[str, ...]:
    where = f"{path}: [{language}]"
    if not isinstance(table, dict) or set(table) != {"templates"}:
        raise QueryError(f"{where}: expected exactly one key, templates = [\"...\"]")
    values = table["templates"]
    if not isinstance(values, list) or not values:
        raise QueryError(f"{where}: templates must be a non-empty list of strings")
    for value in values:
        if not isinstance(value, str):
            raise QueryError(f"{where}: templates must be strings, not {value!r}")
        problem = _template_problem(value)
        if problem:
            raise QueryError(f"{where}: {value!r}: {problem}")
    return tuple(dict.fromkeys(v.strip() for v in values))


def _template_problem(template: str) -> str | None:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as err:
        return f"bad braces ({err}); write {{{{ and }}}} for literal braces"
    others = sorted(set(fields) - {"brand"})
    if others:
        return f"unknown placeholder {{{others[0]}}} (only {{brand}} is known)"
    if "brand" not in fields:
        return "has no {brand} placeholder"
    return None


def select_brands(allowlist: Iterable[Any], names: Sequence[str] = ()) -> list[Any]:
    """The allowlist's brands named by ``names`` (names or aliases, any case); all if none.

    Raises :class:`QueryError` for a name no brand has.
    """
    brands = list(allowlist)
    if not names:
        return brands
    index: dict[str, Any] = {}
    for brand in brands:
        for name in (brand.name, brand.slug, *brand.aliases):
            index.setdefault(name.casefold(), brand)
    chosen: dict[str, Any] = {}
    for name in names:
        brand = index.get(name.strip().casefold())
        if brand is None:
            raise QueryError(f"no protected brand is called {name!r} (see `scamlines allowlist list`)")
        chosen.setdefault(brand.name, brand)
    return list(chosen.values())


def build_queries(
    brands: Iterable[Any], templates: dict[str, tuple[str, ...]], languages: Sequence[str]
) -> list[Query]:
    """Every template of every language in ``languages``, for every brand, in that order.

    Raises :class:`QueryError` for a language the templates do not have.
    """
    missing = [lang for lang in languages if lang not in templates]
    if missing:
        known = ", ".join(sorted(templates))
        raise QueryError(f"no query templates for language {missing[0]!r} (have: {known})")
    queries = {
        Query(template.format(brand=brand.name), brand.name, lang): None
        for brand in brands
        for lang in dict.fromkeys(languages)
        for template in templates[lang]
    }
    return list(queries)
