"""Scrapy and ``SCAMLINES_*`` setting values checked before a crawl starts.

``--set`` and a scan's ``[crawl.settings]`` reach Scrapy as given. A value of the wrong type
made the crawl die while starting (``DOWNLOAD_HANDLERS = 5``: a ``TypeError``;
``DOWNLOAD_DELAY=abc``: "failed_to_start", the reason only in the log), and ``nan`` as a
time limit stopped every scan at once. Each value is held against the type of the setting's
default (Scrapy's, then :mod:`crawler.settings`): the problems come back as sentences, and
the caller refuses to start (``scamlines crawl`` exits 2, a scan configuration names the line).
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Mapping
from functools import cache
from typing import Any

__all__ = ["setting_problem", "setting_problems"]

#: Settings whose values name components: ``{path: priority}`` (priority a number or None).
_COMPONENTS = ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ITEM_PIPELINES", "EXTENSIONS",
               "DOWNLOAD_HANDLERS", "FEEDS", "ADDONS", "SPIDER_CONTRACTS")
_TRUE_FALSE = ("true", "false", "1", "0")


def setting_problems(values: Mapping[str, Any]) -> list[str]:
    """``"NAME: problem"`` for each value in ``values`` a crawl could not start with."""
    problems = []
    for name, value in values.items():
        problem = setting_problem(name, value)
        if problem:
            problems.append(f"{name}: {problem}")
    return problems


def setting_problem(name: str, value: Any) -> str | None:
    """What is wrong with ``value`` for the setting ``name``, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, not {value}"
    default = _defaults().get(name)
    if default is None:
        return None  # unknown to us, or None by default: Scrapy takes anything
    if isinstance(default, bool):
        return _bool_problem(value)
    if isinstance(default, int | float):
        return _number_problem(value)
    if isinstance(default, dict):
        return _table_problem(name, value)
    if isinstance(default, list | tuple):
        ok = isinstance(value, list | tuple | str)
        return None if ok else f"must be a list, not {_shown(value)}"
    if isinstance(default, str) and not isinstance(value, str):
        return f"must be a string, not {_shown(value)}"
    return None


def _bool_problem(value: Any) -> str | None:
    if isinstance(value, bool) or value in (0, 1):
        return None
    if isinstance(value, str) and value.strip().lower() in _TRUE_FALSE:
        return None
    return f"must be true or false, not {_shown(value)}"


def _number_problem(value: Any) -> str | None:
    number = value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return f"must be a number, not {_shown(value)}"
    if isinstance(number, bool) or not isinstance(number, int | float):
        return f"must be a number, not {_shown(value)}"
    if not math.isfinite(number):
        return f"must be a finite number, not {_shown(value)}"
    return None


def _table_problem(name: str, value: Any) -> str | None:
    if isinstance(value, str):  # Scrapy reads a JSON object given as text
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if not isinstance(value, dict):
        return f"must be a table ({{name = value}}), not {_shown(value)}"
    if name == "DOWNLOAD_HANDLERS":
        bad = [k for k, v in value.items() if v is not None and not isinstance(v, str)]
        what = "a class path (text) or none"
    elif name in _COMPONENTS and name != "FEEDS":
        bad = [k for k, v in value.items() if v is not None and _number_problem(v)]
        what = "a number (the order) or none"
    else:
        return None
    return f"the value of {bad[0]!r} must be {what}" if bad else None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@cache
def _defaults() -> dict[str, Any]:
    """Every known setting's default, ours over Scrapy's."""
    from scrapy.settings import default_settings

    from crawler import settings as ours

    defaults: dict[str, Any] = {}
    for module in (default_settings, ours):
        defaults.update({k: v for k, v in vars(module).items() if k.isupper()})
    for base in [k for k in defaults if k.endswith("_BASE")]:
        defaults.setdefault(base[: -len("_BASE")], {})
    return defaults
