"""The optional fields of a ``[[numbers]]`` table: sources, brand documents, vanity forms,
country.

Kept apart from :mod:`allowlist.brandfile` (which checks the file's shape) because each of
these fields has rules of its own; every problem goes to the ``report`` callback with the
line of the offending key, and checking goes on so that one run reports everything.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import phonenumbers

from .phones import NumberError, parse_e164
from .source import SourceMap
from .urls import url_problem

SOURCE_KINDS = ("brand-document",)


class NumberFields:
    """Checks the optional fields of the ``index``-th ``[[numbers]]`` table."""

    def __init__(
        self,
        table: dict[str, Any],
        index: int,
        source: SourceMap,
        report: Callable[[int, str], None],
    ) -> None:
        self.table = table
        self.index = index
        self.source = source
        self.report = report

    def line(self, key: str, value: str | None = None) -> int:
        return self.source.line(key, table="numbers", index=self.index, value=value)

    def sources(self) -> tuple[str, ...]:
        """``source`` (one URL) or ``sources`` (several): exactly one of the two."""
        table = self.table
        if "source" in table and "sources" in table:
            self.report(self.line("sources"), "give source or sources, not both")
            return ()
        if "sources" not in table:
            return self._one_source()
        values = table["sources"]
        if not isinstance(values, list) or not values:
            self.report(self.line("sources"), "sources must be a non-empty array of URLs")
            return ()
        good: list[str] = []
        for position, value in enumerate(values):
            line = self.line("sources", value if isinstance(value, str) else None)
            problem = url_problem(value)
            if problem:
                self.report(line, f"sources[{position}] {problem}")
            elif value.strip() in good:
                self.report(line, f"sources[{position}] is listed twice")
            else:
                good.append(value.strip())
        return tuple(good)

    def _one_source(self) -> tuple[str, ...]:
        value = self.table.get("source")
        line = self.line("source")
        if value is None:
            self.report(line, "missing required key 'source' in this [[numbers]] table")
        elif not isinstance(value, str):
            self.report(line, f"source must be a string, not {toml_type(value)}")
        elif not value.strip():
            self.report(line, "source is empty")
        elif problem := url_problem(value):
            self.report(line, f"source {problem}")
        else:
            return (value.strip(),)
        return ()

    def source_kind(self) -> tuple[str, str]:
        """``source_kind = "brand-document"`` and the ``document`` title it requires."""
        kind, document = self.table.get("source_kind"), self.table.get("document")
        if kind is None:
            if document is not None:
                self.report(self.line("document"), 'document needs source_kind = "brand-document"')
            return "", ""
        if kind not in SOURCE_KINDS:
            self.report(
                self.line("source_kind"),
                f"source_kind must be one of: {', '.join(map(repr, SOURCE_KINDS))}",
            )
            return "", ""
        if not isinstance(document, str) or not document.strip():
            self.report(
                self.line("source_kind"),
                "source_kind = \"brand-document\" needs document = \"<the brand document's "
                'title>"',
            )
            return "", ""
        return kind, document.strip()

    def vanity(self, e164: str | None) -> tuple[str, ...]:
        """``vanity``: letter forms of the number, each reading as the same E.164."""
        values = self.table.get("vanity", [])
        if not isinstance(values, list):
            self.report(self.line("vanity"), "vanity must be an array of strings")
            return ()
        good = []
        for value in values:
            line = self.line("vanity", value if isinstance(value, str) else None)
            if not isinstance(value, str) or sum(char.isalpha() for char in value) < 3:
                self.report(line, f"vanity {value!r} must be a string with letters (1-800-OK-CANON)")
                continue
            try:
                read = parse_e164(value)
            except NumberError as err:
                self.report(line, f"vanity {value!r} {err}")
                continue
            if e164 is not None and read != e164:
                self.report(line, f"vanity {value!r} reads as {read}, not {e164}")
                continue
            good.append(value)
        return tuple(good)

    def country(self, e164: str | None) -> str:
        """``country``: the ISO region the line serves (for +1 toll-free numbers, say)."""
        value = self.table.get("country")
        if value is None:
            return ""
        line = self.line("country")
        if not isinstance(value, str) or value not in phonenumbers.SUPPORTED_REGIONS:
            self.report(line, f"country {value!r} is not an ISO 3166 region code such as 'GB'")
            return ""
        if e164 is not None and not phonenumbers.is_valid_number_for_region(
            phonenumbers.parse(e164), value
        ):
            self.report(line, f"number {e164} is not a number of country {value!r}")
            return ""
        return value


def toml_type(value: object) -> str:
    """The TOML name of a decoded value's type, for messages."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, datetime.datetime):
        return "a date-time"
    names = {
        str: "a string",
        int: "an integer",
        float: "a float",
        list: "an array",
        dict: "a table",
        datetime.date: "a date",
        datetime.time: "a time",
    }
    return names.get(type(value), type(value).__name__)
