"""Which network addresses a crawl may connect to: a pure classifier, no I/O.

The crawler visits hostile pages from an analyst's network. A scam page (or a redirect, or a
seed list) can point at ``http://169.254.169.254/`` or ``http://10.0.0.1/admin``; the safety
guard in :mod:`crawler.middlewares` resolves every request's host and asks
:func:`classify_address` whether the address is fit to connect to. Everything here is a pure
function so it can be unit-tested exhaustively (``tests/test_netguard.py``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

__all__ = [
    "METADATA_ADDRESSES",
    "METADATA_HOSTNAMES",
    "REASONS",
    "AllowedHost",
    "classify_address",
    "classify_hostname",
    "embedded_ipv4",
    "parse_allowed_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Refusal reasons, in the order they are tested. ``metadata`` wins over ``link_local`` so
#: that the summary names the dangerous case, not the generic one.
REASONS = (
    "metadata",
    "unspecified",
    "loopback",
    "link_local",
    "multicast",
    "private",
    "reserved",
)

#: Cloud instance-metadata and platform endpoints. Most are link-local or private anyway; the
#: public ones (Azure's wire server, Alibaba's metadata service) are the reason for a list.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle…
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync
        "169.254.169.253",  # AWS VPC DNS
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",  # AWS DNS over IPv6
        "168.63.129.16",  # Azure wire server (public range)
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (legacy)
    )
)

#: Host names that reach a metadata service through the platform's resolver.
METADATA_HOSTNAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
        "metadata.azure.com",
        "metadata.tencentyun.com",
    }
)

# Ranges Python's ``ipaddress`` does not (or, in 3.11, does not reliably) mark as non-global.
_EXTRA_NON_GLOBAL = {
    "private": tuple(
        ipaddress.ip_network(n)
        for n in (
            "100.64.0.0/10",  # carrier-grade NAT shared address space
            "198.18.0.0/15",  # benchmarking, used by some VPNs and proxies
        )
    ),
    "reserved": tuple(
        ipaddress.ip_network(n)
        for n in (
            "192.0.0.0/24",  # IETF protocol assignments (3.11 calls some of it global)
            "192.0.2.0/24",
            "198.51.100.0/24",
            "203.0.113.0/24",  # documentation
            "240.0.0.0/4",  # future use, includes the broadcast address
            "2001:db8::/32",  # documentation
            "2001::/23",  # IETF protocol assignments (Teredo handled separately)
        )
    ),
}

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels to, if any.

    IPv4-mapped (``::ffff:127.0.0.1``), 6to4 (``2002:7f00:1::``), NAT64 (``64:ff9b::7f00:1``)
    and Teredo addresses all end up at an IPv4 host; classifying only the outer IPv6 address
    would let ``http://[::ffff:169.254.169.254]/`` through.
    """
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _classify_one(ip: IPAddress) -> str | None:
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link_local"
    if ip.is_multicast:
        return "multicast"
    for reason, networks in _EXTRA_NON_GLOBAL.items():
        if any(ip.version == net.version and ip in net for net in networks):
            return reason
    if ip.is_private:
        return "private"
    if ip.is_reserved or not ip.is_global:
        return "reserved"
    return None


def classify_address(address: str | IPAddress) -> str | None:
    """Why a crawl must not connect to ``address``, or None when it is a public address.

    Returns one of :data:`REASONS`. A string that is not an IP address is ``"reserved"``:
    the guard only ever passes resolved addresses, so anything else is a bug to fail closed on.

    >>> classify_address("169.254.169.254")
    'metadata'
    >>> classify_address("::ffff:10.0.0.1")
    'private'
    >>> classify_address("93.184.216.34") is None
    True
    """
    if isinstance(address, str):
        try:
            address = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
        except ValueError:
            return "reserved"
    inner = embedded_ipv4(address)
    if inner is None:
        return _classify_one(address)
    reason = _classify_one(inner)
    if reason is None and isinstance(address, ipaddress.IPv6Address) and address.teredo:
        # Teredo relays are not something a crawler should be routed through.
        return "reserved"
    return reason


def classify_hostname(host: str) -> str | None:
    """A refusal reason decided by the name alone (before any DNS), or None.

    Metadata names (``metadata.google.internal``) are refused outright because only the
    platform's resolver knows where they point.
    """
    name = host.lower().rstrip(".")
    if name in METADATA_HOSTNAMES:
        return "metadata"
    if name == "localhost" or name.endswith(".localhost"):
        return "loopback"
    return None


@dataclass(frozen=True, slots=True)
class AllowedHost:
    """One ``--allow-host`` entry: a host, optionally pinned to one port."""

    host: str
    port: int | None = None

    def matches(self, host: str, port: int) -> bool:
        """True when a request to ``host:port`` is covered by this entry."""
        if _normalise_host(host) != self.host:
            return False
        return self.port is None or self.port == port

    def __str__(self) -> str:
        if self.port is None:
            return self.host
        shown = f"[{self.host}]" if ":" in self.host else self.host
        return f"{shown}:{self.port}"


def _normalise_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def parse_allowed_host(text: str) -> AllowedHost:
    """Parse ``HOST``, ``HOST:PORT``, ``IPV6`` or ``[IPV6]:PORT``.

    Raises ValueError with a message fit for a command line.

    >>> parse_allowed_host("127.0.0.1:8080")
    AllowedHost(host='127.0.0.1', port=8080)
    >>> parse_allowed_host("[::1]:80")
    AllowedHost(host='::1', port=80)
    """
    value = text.strip()
    if not value or "/" in value or "@" in value:
        raise ValueError(f"not a HOST or HOST:PORT: {text!r}")
    host, port = value, None
    if value.startswith("["):
        inside, _, rest = value[1:].partition("]")
        host = inside
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"not a HOST or HOST:PORT: {text!r}")
            port = _parse_port(rest[1:], text)
    elif value.count(":") == 1:
        host, raw_port = value.split(":")
        port = _parse_port(raw_port, text)
    host = _normalise_host(host)
    if not host:
        raise ValueError(f"not a HOST or HOST:PORT: {text!r}")
    return AllowedHost(host, port)


def _parse_port(raw: str, text: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"bad port in {text!r}")
    return int(raw)
