"""The verified allowlist: each protected brand's official phone numbers and domains.

One TOML file per brand (format: ``allowlist/data/FORMAT.md``)::

    import allowlist
    al = allowlist.load()                  # the bundled data
    al = allowlist.load("mine")            # the bundled data with the folder "mine" on top
    al = allowlist.load("mine", bundled=False)   # that folder alone
    al = allowlist.Selection(("mine",)).load()   # the same layers as one value
    al.lookup("1-800-OK-CANON").brand      # Brand(name='Canon', ...)
    al.domain_owner("https://support.hp.com/us-en")   # Brand(name='HP', ...)

:func:`load` refuses data with a blocking problem (:class:`AllowlistError`); numbers whose
provenance is too weak (``level == "unverified"``) are loaded and listed in ``notices``.
:func:`validate` lists every problem and warning as ``file:line: message`` without raising.
"""

from __future__ import annotations

from .freshness import DEFAULT_MAX_AGE_DAYS
from .index import Allowlist
from .loader import (
    DATA_DIR,
    ENV_VAR,
    Checked,
    Selection,
    check,
    load,
    paths_from_env,
    validate,
)
from .model import BUNDLED, LEVELS, AllowlistError, Brand, LookupResult, NumberEntry, Problem

__all__ = [
    "BUNDLED",
    "DATA_DIR",
    "DEFAULT_MAX_AGE_DAYS",
    "ENV_VAR",
    "LEVELS",
    "Allowlist",
    "AllowlistError",
    "Brand",
    "Checked",
    "LookupResult",
    "NumberEntry",
    "Problem",
    "Selection",
    "check",
    "load",
    "paths_from_env",
    "validate",
]
