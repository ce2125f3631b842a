"""Line numbers for the keys and values of a TOML file.

``tomllib`` reports lines only for syntax errors; the data it returns carries no positions.
Problems must still point at the offending line, so :class:`SourceMap` re-scans the (already
valid) text and remembers where each key, ``[[table]]`` header and string literal sits. It is
a scanner, not a parser: it only needs to agree with ``tomllib`` on files ``tomllib`` accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_QUOTES = "\"'"


@dataclass
class _KeySite:
    line: int
    strings: list[tuple[str, int]] = field(default_factory=list)  # (raw literal text, line)


class SourceMap:
    """Where things are in one TOML document.

    Tables are addressed as ``(name, index)``: ``("", 0)`` is the top level, ``("numbers", 2)``
    the third ``[[numbers]]`` table.
    """

    def __init__(self, text: str) -> None:
        self._keys: dict[tuple[str, int, str], _KeySite] = {}
        self._tables: dict[tuple[str, int], int] = {}
        self._text = text
        self._pos = 0
        self._line = 1
        self._scan()

    def line(
        self,
        key: str | None = None,
        *,
        table: str = "",
        index: int = 0,
        value: str | None = None,
        nth: int = 0,
    ) -> int:
        """Best line for ``key`` (or its ``nth`` string ``value``) in a table.

        Falls back from the value to its key, then to the table header (or, for
        ``numbers = [{...}]`` written inline, the key holding the array), then to line 1.
        """
        site = self._keys.get((table, index, key)) if key else None
        if site is not None and value is not None:
            found = [line for raw, line in site.strings if raw == value]
            if len(found) > nth:
                return found[nth]
        if site is not None:
            return site.line
        if key and not table and (key, 0) in self._tables:
            return self._tables[(key, 0)]  # a top-level key spelt as a [table] or [[table]]
        if table:
            header = self._tables.get((table, index))
            return header if header is not None else self.line(table)
        return 1

    # -- scanning ---------------------------------------------------------------------------

    def _scan(self) -> None:
        text = self._text
        table = ("", 0)
        counts: dict[str, int] = {}
        while self._pos < len(text):
            char = text[self._pos]
            if char == "\n":
                self._line += 1
                self._pos += 1
            elif char in " \t\r":
                self._pos += 1
            elif char == "#":
                self._skip_comment()
            elif char == "[":
                table = self._header(counts)
            else:
                self._key_value(table)

    def _header(self, counts: dict[str, int]) -> tuple[str, int]:
        text = self._text
        double = text.startswith("[[", self._pos)
        width = 2 if double else 1
        end = text.find("]" * width, self._pos)
        if end < 0:  # cannot happen in valid TOML; stop scanning rather than loop
            end = len(text)
        name = _table_name(text[self._pos + width : end])
        index = counts.get(name, 0) if double else 0
        if double:
            counts[name] = index + 1
        self._tables[(name, index)] = self._line
        self._pos = end + width
        return (name, index)

    def _key_value(self, table: tuple[str, int]) -> None:
        text = self._text
        start = self._pos
        while self._pos < len(text) and text[self._pos] not in "=\n":
            if text[self._pos] in _QUOTES:
                self._skip_string()
            else:
                self._pos += 1
        site = _KeySite(self._line)
        self._keys.setdefault((*table, _first_key(text[start : self._pos])), site)
        self._pos += 1  # past "="
        self._value(site)

    def _value(self, site: _KeySite) -> None:
        """Consume a value (arrays may span lines), collecting its string literals."""
        text = self._text
        depth = 0
        while self._pos < len(text):
            char = text[self._pos]
            if char == "\n":
                if depth <= 0:
                    return
                self._line += 1
                self._pos += 1
            elif char in _QUOTES:
                line = self._line
                site.strings.append((self._skip_string(), line))
            elif char == "#":
                self._skip_comment()
            else:
                depth += (char in "[{") - (char in "]}")
                self._pos += 1

    def _skip_comment(self) -> None:
        end = self._text.find("\n", self._pos)
        self._pos = len(self._text) if end < 0 else end

    def _skip_string(self) -> str:
        """Consume a string literal starting at the cursor; return its raw contents."""
        text = self._text
        quote = text[self._pos]
        delimiter = quote * 3 if text.startswith(quote * 3, self._pos) else quote
        start = self._pos + len(delimiter)
        pos = start
        while pos < len(text) and not text.startswith(delimiter, pos):
            if quote == '"' and text[pos] == "\\":
                pos += 1  # an escaped character never closes a basic string
            pos += 1
        # A multi-line string may end with up to two quotes right before its delimiter.
        while len(delimiter) == 3 and text.startswith(quote, pos + 3) and pos + 3 < len(text):
            pos += 1
        raw = text[start:pos]
        self._line += raw.count("\n")
        self._pos = min(pos + len(delimiter), len(text))
        return raw


def _first_key(raw: str) -> str:
    """First component of a (possibly dotted or quoted) key: ``a.b`` -> ``a``."""
    raw = raw.strip()
    if raw[:1] in _QUOTES:
        end = raw.find(raw[0], 1)
        return raw[1:end] if end > 0 else raw[1:]
    return raw.split(".", 1)[0].strip()


def _table_name(raw: str) -> str:
    """``[[ numbers ]]`` and ``[a . b]`` -> ``numbers`` and ``a.b``."""
    return ".".join(part.strip().strip(_QUOTES) for part in raw.split("."))
