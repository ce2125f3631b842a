"""One way in for every TOML file an analyst hands us (allowlist layers, scan configurations,
query templates): ``tomllib`` with a bound on nesting.

``tomllib`` parses arrays and inline tables recursively: ``a = [[[[…` 100,000 deep raises
``RecursionError``, which is no ``TOMLDecodeError`` and escaped every loader as a traceback.
Here it becomes a ``TOMLDecodeError`` saying where the nesting got too deep, so each loader
reports it like any syntax error (``file:line: …``). Documents nested deeper than
:data:`MAX_DEPTH` (but within Python's recursion limit) are refused the same way, so nothing
after the parse has to walk an unbounded tree.
"""

from __future__ import annotations

import tomllib
from typing import Any

__all__ = ["MAX_DEPTH", "loads"]

#: Deepest nesting of arrays and tables accepted; real files use three or four levels.
MAX_DEPTH = 32


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``; raises ``tomllib.TOMLDecodeError`` for syntax errors and for
    nesting deeper than :data:`MAX_DEPTH`."""
    try:
        document = tomllib.loads(text)
    except RecursionError:
        raise _too_deep(text) from None
    if _depth(document) > MAX_DEPTH:
        raise _too_deep(text)
    return document


def _too_deep(text: str) -> tomllib.TOMLDecodeError:
    line, column = _deep_position(text)
    return tomllib.TOMLDecodeError(
        f"too deeply nested: more than {MAX_DEPTH} levels of arrays or tables "
        f"(at line {line}, column {column})"
    )


def _depth(value: Any) -> int:
    """How deep ``value`` nests, walked without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(item, dict):
            stack += [(child, depth + 1) for child in item.values()]
        elif isinstance(item, list):
            stack += [(child, depth + 1) for child in item]
    return deepest


def _deep_position(text: str) -> tuple[int, int]:
    """Where open brackets first pass :data:`MAX_DEPTH` (a rough count that ignores strings:
    only used to point at the place in the message)."""
    depth = 0
    line, column = 1, 0
    for char in text:
        column += 1
        if char == "\n":
            line, column = line + 1, 0
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, column
        elif char in "]}":
            depth = max(0, depth - 1)
    return 1, 1
