"""The ``scamlines`` command line: a thin click layer over the library packages.

Exit codes (every command): 0 success, 1 a condition the caller asked to be told about
(``eval`` below its minimums, ``scan --fail-on-new`` with new findings, ``allowlist validate``
with problems), 2 usage or input error.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scamlines")
def cli() -> None:
    """Find web pages that advertise fake customer-support phone numbers."""


# --- allowlist ------------------------------------------------------------------------------


# --- check / eval ---------------------------------------------------------------------------


# --- crawl ----------------------------------------------------------------------------------
