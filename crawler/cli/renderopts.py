"""``--render never|auto|always``: the option, and what it means on this machine.

Rendering needs Playwright and a Chromium (Debian's ``chromium``; ``SCAMLINES_CHROMIUM`` names
another). Without them ``auto`` degrades to ``never`` with one warning, and ``always`` is a
usage error (exit 2): the analyst asked for something this machine cannot do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from crawler.cli.common import InputError

if TYPE_CHECKING:
    from click.decorators import FC

RENDER_CHOICES = ("never", "auto", "always")


def render_option(command: FC) -> FC:
    """Add ``--render`` (passed as ``render``; None when not given, so a config can decide)."""
    return click.option(
        "--render", "render", type=click.Choice(RENDER_CHOICES), default=None,
        help="Render pages in headless Chromium: never, auto (pages built by scripts, and "
             "pages that need a screenshot: flagged or suspicious) or always. Default: auto.",
    )(command)


def with_render(settings: dict[str, Any], mode: str | None) -> dict[str, Any]:
    """A crawl's ``--set`` settings with ``--render`` (when given) as ``SCAMLINES_RENDER``;
    :func:`crawler.renderhandler.resolve_render` settles it before the crawl starts."""
    if mode is not None:
        settings["SCAMLINES_RENDER"] = mode
    return settings


def resolve_render(mode: str | None) -> tuple[str, str | None]:
    """``(mode, chromium)`` to use: ``auto`` without a browser becomes ``never`` (warned)."""
    mode = mode or "auto"
    if mode == "never":
        return mode, None
    executable = _browser()
    if executable is not None:
        return mode, executable
    why = "no Chromium found (install Debian's chromium, or set SCAMLINES_CHROMIUM)"
    if mode == "always":
        raise InputError(f"--render always: {why}")
    click.echo(f"warning: --render auto: {why}; pages are judged as served", err=True)
    return "never", None


def _browser() -> str | None:
    from crawler.render import chromium_path

    try:
        import playwright  # noqa: F401 - only whether it is there
    except ImportError:
        return None
    return chromium_path()
