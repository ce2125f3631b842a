"""Check one brand file's TOML data and turn it into a :class:`Brand`.

Every rule that can be judged from a single file lives here; rules across files (a number
or domain claimed by two brands, two brands with one name) live in :mod:`allowlist.crosscheck`.
Checking goes on after the first problem so that one run reports everything to fix.
"""

from __future__ import annotations

import datetime
import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .hosts import hostname_error, normalise_host
from .model import SECTORS, Brand, NumberEntry, Problem
from .numberfields import NumberFields, toml_type
from .phones import NumberError, parse_e164
from .source import SourceMap
from .urls import url_problem

TOP_KEYS = ("name", "aliases", "domains", "phone_support", "phone_support_source", "sector",
            "numbers")
NUMBER_KEYS = (
    "number",
    "use",
    "source",
    "sources",
    "source_kind",
    "document",
    "verified_on",
    "retired",
    "vanity",
    "country",
)


@dataclass
class ParsedFile:
    """What one file contributes: its brand (only when the file has no problems), its
    problems, and where its name, domains and numbers sit for the cross-file checks."""

    file: str
    brand: Brand | None = None
    problems: list[Problem] = field(default_factory=list)
    name: str | None = None
    name_line: int = 1
    domain_lines: dict[str, int] = field(default_factory=dict)
    number_lines: dict[str, int] = field(default_factory=dict)
    support_line: int = 0  # line of phone_support_source (0: none)
    alias_lines: dict[str, int] = field(default_factory=dict)  # alias → its line


def parse_brand(file: str, slug: str, data: dict[str, Any], source: SourceMap) -> ParsedFile:
    """Check the decoded TOML ``data`` of ``file`` and build its brand when it is valid."""
    return _BrandChecker(file, source).check(slug, data)


class _BrandChecker:
    def __init__(self, file: str, source: SourceMap) -> None:
        self.source = source
        self.parsed = ParsedFile(file)

    def report(self, line: int, message: str) -> None:
        self.parsed.problems.append(Problem(self.parsed.file, line, message))

    def check(self, slug: str, data: dict[str, Any]) -> ParsedFile:
        self.unknown_keys(data, TOP_KEYS)
        name = self.name(data)
        aliases = self.strings(data, "aliases")
        self.parsed.alias_lines = {alias: self.source.line("aliases", value=alias)
                                   for alias in aliases}
        domains = self.domains(data)
        phone_support = self.boolean(data, "phone_support")
        support_sources = self.phone_support_sources(data, phone_support)
        sector = self.sector(data)
        numbers = self.numbers(data, name or "")
        if phone_support is False:
            self.no_phone_support(data.get("numbers"))
        if name is not None and not any(p.blocking for p in self.parsed.problems):
            self.parsed.brand = Brand(
                name,
                slug,
                aliases,
                domains,
                phone_support,
                numbers,
                self.parsed.file,
                phone_support_sources=support_sources,
                sector=sector,
            )
        return self.parsed

    # -- top level --------------------------------------------------------------------------

    def name(self, data: dict[str, Any]) -> str | None:
        line = self.source.line("name")
        if "name" not in data:
            self.report(line, "missing required key 'name'")
            return None
        name = data["name"]
        if not isinstance(name, str):
            self.report(line, f"name must be a string, not {toml_type(name)}")
            return None
        if not name.strip():
            self.report(line, "name is empty")
            return None
        self.parsed.name, self.parsed.name_line = name.strip(), line
        return name.strip()

    def strings(self, data: dict[str, Any], key: str) -> tuple[str, ...]:
        """A list of non-empty strings (``aliases``, ``domains``); bad items are reported."""
        values = data.get(key, [])
        if not isinstance(values, list):
            self.report(
                self.source.line(key),
                f"{key} must be an array of strings, not {toml_type(values)}",
            )
            return ()
        good = []
        for position, value in enumerate(values):
            if not isinstance(value, str):
                self.report(
                    self.source.line(key),
                    f"{key}[{position}] must be a string, not {toml_type(value)}",
                )
            elif not value.strip():
                self.report(self.source.line(key, value=value), f"{key}[{position}] is empty")
            else:
                good.append(value)
        return tuple(good)

    def domains(self, data: dict[str, Any]) -> tuple[str, ...]:
        seen: dict[str, int] = {}
        occurrences: Counter[str] = Counter()  # the n-th "x.com" is on the n-th "x.com" line
        for raw in self.strings(data, "domains"):
            line = self.source.line("domains", value=raw, nth=occurrences[raw])
            occurrences[raw] += 1
            error = hostname_error(raw.strip().lower())
            if error:
                self.report(line, f"domain {raw!r} {error}")
                continue
            domain = normalise_host(raw)
            if domain in seen:
                self.report(line, f"domain {domain!r} is listed twice in this file")
                continue
            seen[domain] = line
        self.parsed.domain_lines = seen
        return tuple(seen)

    def sector(self, data: dict[str, Any]) -> str | None:
        """The brand's sector, one of :data:`SECTORS` (optional: analysts' own files may
        predate the key)."""
        value = data.get("sector")
        if value is None:
            return None
        line = self.source.line("sector")
        if not isinstance(value, str):
            self.report(line, f"sector must be a string, not {toml_type(value)}")
            return None
        if value not in SECTORS:
            close = difflib.get_close_matches(value.strip().lower(), SECTORS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"one of: {', '.join(SECTORS)}"
            self.report(line, f"unknown sector {value!r} ({hint})")
            return None
        return value

    def boolean(self, data: dict[str, Any], key: str, table: str = "", index: int = 0) -> Any:
        value = data.get(key)
        if value is not None and not isinstance(value, bool):
            line = self.source.line(key, table=table, index=index)
            self.report(line, f"{key} must be true or false, not {toml_type(value)}")
            return None
        return value

    def phone_support_sources(
        self, data: dict[str, Any], phone_support: bool | None
    ) -> tuple[str, ...]:
        """``phone_support_source``: a URL or an array of URLs; required with ``false``."""
        line = self.source.line("phone_support_source")
        if "phone_support_source" in data:
            self.parsed.support_line = line
        if "phone_support_source" not in data:
            if phone_support is False:  # weak provenance, as for a number: loaded, reported
                message = (
                    "phone_support = false needs phone_support_source: the brand page that "
                    "says it has no phone support"
                )
                line = self.source.line("phone_support")
                self.parsed.problems.append(Problem(self.parsed.file, line, message, blocking=False))
            return ()
        if "phone_support" not in data:
            self.report(line, "phone_support_source without phone_support")
        value = data["phone_support_source"]
        values = value if isinstance(value, list) else [value]
        urls = []
        for item in values:
            problem = url_problem(item)
            if problem:
                self.report(line, f"phone_support_source {problem}")
            else:
                urls.append(item.strip())
        return tuple(urls)

    def no_phone_support(self, listed: object) -> None:
        # Counted from the raw tables, so that even numbers with problems of their own count.
        if isinstance(listed, list) and listed:
            self.report(
                self.source.line("phone_support"),
                f"phone_support = false contradicts the {len(listed)} number(s) listed "
                f"(first at line {self.source.line(table='numbers', index=0)})",
            )

    def unknown_keys(
        self, data: dict[str, Any], allowed: tuple[str, ...], table: str = "", index: int = 0
    ) -> None:
        for key in data:
            if key not in allowed:
                self.report(self.source.line(key, table=table, index=index), _unknown(key, allowed))

    # -- [[numbers]] ------------------------------------------------------------------------

    def numbers(self, data: dict[str, Any], brand: str) -> tuple[NumberEntry, ...]:
        tables = data.get("numbers", [])
        if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
            self.report(self.source.line("numbers"), "numbers must be [[numbers]] tables")
            return ()
        entries = (self.number(table, index, brand) for index, table in enumerate(tables))
        return tuple(entry for entry in entries if entry is not None)

    def number(self, table: dict[str, Any], index: int, brand: str) -> NumberEntry | None:
        """Check one ``[[numbers]]`` table; the entry is returned only when it is valid."""
        before = len(self.parsed.problems)
        self.unknown_keys(table, NUMBER_KEYS, "numbers", index)
        e164, line = self.number_value(table, index)
        use = self.text(table, index, "use", required=False)
        fields = NumberFields(table, index, self.source, self.report)
        sources = fields.sources()
        source_kind, document = fields.source_kind()
        vanity = fields.vanity(e164)
        country = fields.country(e164)
        verified_on = self.date(table, index, "verified_on")
        retired = self.boolean(table, "retired", "numbers", index)
        if len(self.parsed.problems) > before or e164 is None or verified_on is None:
            return None
        return NumberEntry(
            e164,
            brand,
            use or "",
            sources[0],
            verified_on,
            bool(retired),
            line,
            sources=sources,
            source_kind=source_kind,
            document=document,
            vanity=vanity,
            country=country,
            file=self.parsed.file,
        )

    def number_value(self, table: dict[str, Any], index: int) -> tuple[str | None, int]:
        line = self.source.line("number", table="numbers", index=index)
        value = table.get("number")
        if value is None:
            self.report(line, "missing required key 'number' in this [[numbers]] table")
            return None, line
        if not isinstance(value, str):
            self.report(line, f"number must be a string, not {toml_type(value)}")
            return None, line
        try:
            e164 = parse_e164(value)
        except NumberError as err:
            self.report(line, f"number {value!r} {err}")
            return None, line
        first = self.parsed.number_lines.get(e164)
        if first is not None:
            self.report(line, f"number {e164} is listed twice in this file (first at line {first})")
            return None, line
        self.parsed.number_lines[e164] = line
        return e164, line

    def text(self, table: dict[str, Any], index: int, key: str, *, required: bool) -> str | None:
        line = self.source.line(key, table="numbers", index=index)
        value = table.get(key)
        if value is None:
            if required:
                self.report(line, f"missing required key {key!r} in this [[numbers]] table")
            return None
        if not isinstance(value, str):
            self.report(line, f"{key} must be a string, not {toml_type(value)}")
            return None
        if required and not value.strip():
            self.report(line, f"{key} is empty")
            return None
        return value

    def date(self, table: dict[str, Any], index: int, key: str) -> datetime.date | None:
        line = self.source.line(key, table="numbers", index=index)
        value = table.get(key)
        if value is None:
            self.report(line, f"missing required key {key!r} in this [[numbers]] table")
        elif isinstance(value, str):
            self.report(line, f"{key} must be a TOML date, not a string (drop the quotes)")
        elif isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            self.report(line, f"{key} must be a date (YYYY-MM-DD), not {toml_type(value)}")
        else:
            return value
        return None


def _unknown(key: str, allowed: tuple[str, ...]) -> str:
    # A typo such as "sorce" would otherwise leave a required key missing *and* hide why.
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(allowed)}"
    return f"unknown key {key!r} ({hint})"
