"""The verified allowlist: each protected brand's official phone numbers and domains.

One TOML file per brand (format: ``allowlist/data/FORMAT.md``)::

    import allowlist
    al = allowlist.load()                  # the bundled data; or load("path/to/folder")
    al.lookup("1-800-OK-CANON").brand      # Brand(name='Canon', ...)
    al.domain_owner("https://support.hp.com/us-en")   # Brand(name='HP', ...)

:func:`load` refuses a folder with any problem (:class:`AllowlistError`);
:func:`validate` lists the problems as ``file:line: message`` without raising.
"""

from __future__ import annotations

from .index import Allowlist
from .loader import DATA_DIR, load, validate
from .model import SECTORS, AllowlistError, Brand, LookupResult, NumberEntry, Problem

__all__ = [
    "DATA_DIR",
    "SECTORS",
    "Allowlist",
    "AllowlistError",
    "Brand",
    "LookupResult",
    "NumberEntry",
    "Problem",
    "load",
    "validate",
]
