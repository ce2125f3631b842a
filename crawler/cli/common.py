"""What the command modules share: option decorators, input errors, the allowlist and the store.

Nothing here imports the allowlist, the store or Scrapy at module level: ``scamlines --help``
imports every command module, and loading phone-number metadata or the store for it would
only slow it down. The imports happen inside the functions that need them.
"""

from __future__ import annotations

import functools
import json
import math
import os
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from click.decorators import FC

    from allowlist import Allowlist, Selection

#: The environment variable naming extra allowlist layers (kept equal to allowlist.ENV_VAR,
#: which this module does not import at start-up).
ENV_VAR = "SCAMLINES_ALLOWLIST"


class InputError(click.ClickException):
    """Bad input to a command: exit 2."""

    exit_code = 2


class AllowlistInputError(click.ClickException):
    """An allowlist that does not load: an input error, so exit 2 (ClickException says 1)."""

    exit_code = 2


class Seconds(click.FloatRange):
    """A number of seconds, ``minimum`` or more; ``nan`` and ``inf`` are refused (a float
    range lets ``nan`` through, and a limit of ``nan`` stops everything at once)."""

    name = "seconds"

    def __init__(self, minimum: float = 0) -> None:
        super().__init__(min=minimum)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number of seconds.", param, ctx)
        return number


def allowlist_option(command: FC) -> FC:
    """Add ``--allowlist DIR`` (repeatable) and ``--no-bundled-allowlist`` to a command.

    The command receives one ``allowlist_layers`` (:class:`allowlist.Selection`): the layers
    named by ``SCAMLINES_ALLOWLIST``, then each ``--allowlist`` in order, stacked on the
    bundled data unless ``--no-bundled-allowlist``.
    """

    @functools.wraps(command)
    def with_layers(*args: Any, allowlist_paths: tuple[str, ...], no_bundled: bool,
                    **kwargs: Any) -> Any:  # fmt: skip
        kwargs["allowlist_layers"] = allowlist_selection(allowlist_paths, bundled=not no_bundled)
        return command(*args, **kwargs)

    with_layers = click.option(
        "--no-bundled-allowlist", "no_bundled", is_flag=True,
        help="Start from an empty allowlist instead of the bundled data.",
    )(with_layers)  # fmt: skip
    return click.option(
        "--allowlist", "allowlist_paths", multiple=True, type=click.Path(exists=True),
        metavar="DIR",
        help=f"Folder of brand .toml files (or one file) stacked on the bundled allowlist; "
        f"repeatable, later ones on top. Also: {ENV_VAR} (paths separated by {os.pathsep!r}).",
    )(with_layers)  # type: ignore[return-value]  # fmt: skip


def allowlist_selection(paths: Iterable[str] = (), *, bundled: bool = True) -> Selection:
    """The layers a command uses: ``SCAMLINES_ALLOWLIST``'s, then ``paths``, in order."""
    from allowlist import Selection, paths_from_env

    return Selection.of([*paths_from_env(), *paths], bundled=bundled)


def load_allowlist(layers: Selection) -> Allowlist:
    """Load the allowlist for a command; problems become an exit-2 error listing each line."""
    import allowlist

    try:
        return layers.load()
    except allowlist.AllowlistError as err:
        count = plural(len(err.problems), "problem")
        raise AllowlistInputError(f"{layers.describe()} does not load ({count}):\n{err}") from None


def plural(count: int, word: str) -> str:
    """``1 page``, ``2 pages``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


#: ``--format text|json`` for commands printing one line (or JSON object) per item.
format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object per line.",
)

#: ``--format text|json`` for commands ending with one summary (crawl, scan).
summary_format_option = click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
    show_default=True, help="The summary: text, or one JSON object.",
)  # fmt: skip


def db_option(help_text: str) -> Callable[[FC], FC]:
    """``--db PATH`` (default ``scamlines.db``); each command says what the store holds."""
    return click.option(
        "--db", "db", default="scamlines.db", show_default=True, metavar="PATH",
        type=click.Path(dir_okay=False), help=help_text,
    )  # fmt: skip


def echo_summary(summary: Any, output_format: str) -> None:
    """Print a run's summary: one JSON object, or its text."""
    if output_format == "json":
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        click.echo(summary.to_text())


def allowed_hosts(values: tuple[str, ...]) -> tuple[Any, ...]:
    """The ``--allow-host`` values parsed; a malformed one is a usage error (exit 2)."""
    from crawler.netguard import parse_allowed_host

    try:
        return tuple(parse_allowed_host(host) for host in values)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--allow-host") from None


def _key_value(option: str, values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=option)
        pairs[key.strip()] = rest.strip()
    return pairs


def resolve_pins(values: tuple[str, ...]) -> dict[str, str]:
    """``--resolve HOST=ADDR`` values as ``{host: address}`` (hosts lower-cased)."""
    import ipaddress

    pins = _key_value("--resolve", values)
    for host, address in pins.items():
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise click.BadParameter(
                f"{host}={address}: not an IP address", param_hint="--resolve"
            ) from None
    return {host.lower(): address for host, address in pins.items()}


def setting_values(values: tuple[str, ...]) -> dict[str, Any]:
    """``--set NAME=VALUE`` values as settings; a VALUE that parses as JSON is taken as such."""
    settings: dict[str, Any] = {}
    for name, raw in _key_value("--set", values).items():
        try:
            settings[name] = json.loads(raw)  # numbers, booleans, lists, objects
        except ValueError:
            settings[name] = raw
    return settings


def open_store_file(db: str, how_to_make: str) -> Any:
    """Open the store at ``db``, which must already exist; exit 2 (InputError) when it does not
    or is not a scamlines store. ``how_to_make`` is the command the message suggests."""
    from pathlib import Path

    from crawler.store import StoreError, open_store

    if not Path(db).is_file():
        raise InputError(f"{db}: no such database (run `{how_to_make}` first)")
    try:
        return open_store(db)
    except StoreError as error:
        raise InputError(str(error)) from None
