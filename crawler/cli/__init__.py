"""The ``scamlines`` command line (being split into one module per command group)."""

from __future__ import annotations

from crawler.cli.scans import (
    _FINDING_STATUSES,
    _REPORT_FORMATS,
    _REPORT_VERDICTS,
    allowlist_option,
    cli,
    load_allowlist,
)

__all__ = [
    "_FINDING_STATUSES",
    "_REPORT_FORMATS",
    "_REPORT_VERDICTS",
    "allowlist_option",
    "cli",
    "load_allowlist",
]
