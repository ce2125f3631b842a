"""The crawl's DNS resolver: Scrapy's caching resolver plus pinned names.

``--resolve HOST=ADDR`` (``SCAMLINES_RESOLVE``) pins a name to an address, like curl's
``--resolve``: to reach a scam site's origin behind a CDN, or to replay a captured site
offline. ``SCAMLINES_RESOLVE_ONLY`` sends no DNS query at all (names not pinned fail).

The guard (:class:`crawler.middlewares.NetworkGuardMiddleware`) checks the address this
resolver returns, and Scrapy's connection asks the same resolver again and gets the same
cached answer, so a name cannot be re-pointed at a private address between check and
connect (DNS rebinding) while the cache holds it.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import TYPE_CHECKING, Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

from crawler.config import CrawlConfig

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Self

    from twisted.internet.base import ReactorBase

__all__ = ["PinnedResolver"]


class PinnedResolver(CachingThreadedResolver):
    """:class:`scrapy.resolver.CachingThreadedResolver` that honours pinned names."""

    def __init__(
        self,
        reactor: ReactorBase,
        cache_size: int,
        timeout: float,
        pins: dict[str, str] | None = None,
        pinned_only: bool = False,
    ) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.pins = dict(pins or {})
        self.pinned_only = pinned_only

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: ReactorBase) -> Self:
        # ``crawler`` is the CrawlerProcess here: Scrapy installs resolvers per process.
        settings = crawler.settings
        config = CrawlConfig.from_settings(settings)
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(
            reactor,
            cache_size,
            settings.getfloat("DNS_TIMEOUT"),
            pins=config.resolve,
            pinned_only=config.resolve_only,
        )

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        key = name.lower().rstrip(".")
        if key in self.pins:
            return defer.succeed(self.pins[key])
        if self.pinned_only:
            literal = _numeric_address(name)
            if literal is None:
                return defer.fail(DNSLookupError(f"{name}: not pinned with --resolve (no DNS)"))
            return defer.succeed(literal)
        return super().getHostByName(name, timeout)


def _numeric_address(name: str) -> str | None:
    """``name`` as a dotted IPv4 address if it is a numeric form (``127.1``, ``0x7f.1``)."""
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        pass
    try:
        # inet_aton accepts the historic forms (2130706433, 0x7f000001) without any DNS.
        return socket.inet_ntoa(socket.inet_aton(name))
    except OSError:
        return None
