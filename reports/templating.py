"""Jinja2 environments for the report templates in ``reports/templates/``.

HTML is rendered with ``autoescape=True`` for every template, whatever its name
(``select_autoescape()`` would leave ``*.html.j2`` unescaped). Plain-text notices are not
HTML-escaped; instead every value passes :func:`plain`, which removes control characters so a
scam page cannot smuggle terminal escape sequences into a notice someone ``cat``\\ s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

__all__ = ["html_environment", "plain", "template_source", "text_environment", "when"]

_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?Z$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(value: Any) -> str:
    """``value`` as text without control characters or bidi overrides (tabs, newlines kept)."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value))


def when(timestamp: Any) -> str:
    """``2026-11-22T02:55:28.493Z`` → ``2026-11-22 02:55:28 UTC`` (other text unchanged)."""
    text = plain(timestamp)
    match = _STAMP.match(text)
    return f"{match[1]} {match[2]} UTC" if match else text


@cache
def html_environment() -> Environment:
    """The environment for HTML: everything autoescaped, undefined names are errors."""
    env = Environment(loader=PackageLoader("reports"), autoescape=True, undefined=StrictUndefined)
    env.filters["when"] = when
    return env


def unescaped_environment(finalize: Callable[[Any], Any]) -> Environment:
    """A non-HTML environment; ``finalize`` makes every value safe for the target format
    (plain text, Markdown), since autoescape cannot."""
    return Environment(
        loader=PackageLoader("reports"),
        autoescape=False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )


@cache
def text_environment() -> Environment:
    """The environment for plain-text notices: no HTML escaping, control characters removed."""
    return unescaped_environment(plain)


def template_source(name: str) -> str:
    """The raw text of a template file (inline CSS and JS are copied in verbatim)."""
    env = html_environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source
