"""Which domains are hosting platforms, whose tenants' hostnames (never the platform's domain)
are the indicators a blocklist may act on.

The public suffix list's private section (read offline by :mod:`crawler.links`, so a tenant of
``blogspot.com`` or ``github.io`` is already its own domain) misses many site builders and
help-desk hosts; ``data/hosting_platforms.txt`` lists those.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["is_hosting_platform"]

_LIST = Path(__file__).with_name("data") / "hosting_platforms.txt"


@cache
def _platforms() -> frozenset[str]:
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def is_hosting_platform(domain: str, host: str | None = None) -> bool:
    """True when ``domain`` is a shared platform and ``host`` (if given) one of its tenants."""
    domain = domain.lower().rstrip(".")
    return domain in _platforms() and (host is None or host.lower().rstrip(".") != domain)
