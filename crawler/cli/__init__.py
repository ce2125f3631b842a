"""The ``scamlines`` command line: a thin click layer over the library packages.

One module per command group, each registered on :func:`cli` here:

* :mod:`.pages`: ``check``, ``eval`` (one page at a time, :mod:`crawler.checks`);
* :mod:`.crawl`: ``crawl`` (:mod:`crawler.runner`);
* :mod:`.scans`: ``scan``, ``diff``, ``numbers``, ``triage``, ``rescan`` (:mod:`crawler.scans`);
* :mod:`.findings`: ``findings``, ``show`` (reading the store; its finding filters are also
  ``triage``'s);
* :mod:`.reports`: ``report``, ``takedown`` (:mod:`reports`);
* :mod:`.discover`: ``discover`` (:mod:`crawler.discovery`);
* :mod:`.allowlist`: the ``allowlist`` group: ``validate``, ``list``, ``show``, ``lookup``;
* :mod:`.common`: the options, errors and helpers they share.

The command modules never import this package's names, only :mod:`.common` (and
:mod:`.discover` imports :mod:`.crawl`, :mod:`.scans` imports :mod:`.findings`), so defining
the group here after importing them makes no import cycle.

Exit codes (every command): 0 success, 1 a condition the caller asked to be told about
(``eval`` below its minimums, ``scan --fail-on-new`` with new findings), 2 usage or input
error (``allowlist validate`` with an error in the data it checks: bad input).
"""

from __future__ import annotations

import click

from crawler.cli.allowlist import (
    allowlist_group,
    allowlist_list,
    allowlist_lookup,
    allowlist_show,
    allowlist_validate,
)
from crawler.cli.common import AllowlistInputError, InputError, allowlist_option, load_allowlist
from crawler.cli.crawl import crawl_command
from crawler.cli.discover import discover_command
from crawler.cli.findings import findings_command, show_command
from crawler.cli.pages import check_command, eval_command
from crawler.cli.reports import report_command, takedown_command
from crawler.cli.scans import (
    diff_command,
    numbers_command,
    rescan_command,
    scan_command,
    triage_command,
)
from crawler.cli.worker import worker_command

__all__ = [
    "AllowlistInputError",
    "InputError",
    "allowlist_group",
    "allowlist_list",
    "allowlist_lookup",
    "allowlist_option",
    "allowlist_show",
    "allowlist_validate",
    "check_command",
    "cli",
    "crawl_command",
    "diff_command",
    "discover_command",
    "eval_command",
    "findings_command",
    "load_allowlist",
    "numbers_command",
    "report_command",
    "rescan_command",
    "scan_command",
    "show_command",
    "takedown_command",
    "triage_command",
]


class _Scamlines(click.Group):
    """The group: a store that fails in the middle of any command (a damaged page, a lock
    held past the timeout) ends it with ``Error: ...`` and exit 2, never a traceback.

    Ctrl-C and SIGTERM are answered the same way in every command (:mod:`crawler.interrupts`):
    ``interrupted: stopping`` on stderr at once, then the command's own summary of what it
    kept, or exit 1 when the signal came outside its long work."""

    def invoke(self, ctx: click.Context) -> object:
        from crawler.interrupts import stoppable
        from crawler.store import StoreError

        try:
            with stoppable():
                return super().invoke(ctx)
        except StoreError as error:
            raise InputError(str(error)) from None
        except KeyboardInterrupt:  # said on stderr when it came (not click's "Aborted!")
            raise click.exceptions.Exit(1) from None


@click.group(cls=_Scamlines, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="scamlines")
def cli() -> None:
    """Find web pages that advertise fake customer-support phone numbers."""


# ``scamlines --help`` lists the commands sorted by name, so this order is only for reading.
for _command in (
    check_command, eval_command, crawl_command, report_command, takedown_command,
    scan_command, diff_command, numbers_command, triage_command, rescan_command,
    discover_command, allowlist_group, worker_command, findings_command, show_command,
):  # fmt: skip
    cli.add_command(_command)
