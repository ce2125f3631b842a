"""``python -m crawler``: the ``scamlines`` command without the installed entry point."""

from crawler.cli import cli

if __name__ == "__main__":
    cli(prog_name="scamlines")
