"""The network guard's pure parts: address classification and --allow-host parsing."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from crawler.middlewares import NetworkGuardMiddleware
from crawler.netguard import (
    REASONS,
    AllowedHost,
    classify_address,
    classify_hostname,
    embedded_ipv4,
    parse_allowed_host,
)
from crawler.resolver import _numeric_address


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        # cloud metadata, whatever range they sit in
        ("169.254.169.254", "metadata"),
        ("169.254.170.2", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("168.63.129.16", "metadata"),  # Azure wire server: a public address
        ("100.100.100.200", "metadata"),  # Alibaba Cloud
        ("::ffff:169.254.169.254", "metadata"),  # IPv4-mapped
        # unspecified
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        # loopback, the whole /8 and IPv6
        ("127.0.0.1", "loopback"),
        ("127.0.0.2", "loopback"),
        ("127.255.255.254", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("2002:7f00:1::", "loopback"),  # 6to4 wrapping 127.0.0.1
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 wrapping 127.0.0.1
        # link-local
        ("169.254.1.1", "link_local"),
        ("fe80::1", "link_local"),
        # multicast
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        # private
        ("10.0.0.1", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "private"),  # carrier-grade NAT
        ("198.18.0.1", "private"),
        ("fd12:3456::1", "private"),
        ("fc00::1", "private"),
        ("::ffff:10.1.2.3", "private"),
        # reserved and documentation
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.10", "reserved"),
        ("198.51.100.7", "reserved"),
        ("203.0.113.9", "reserved"),
        ("192.0.0.8", "reserved"),
        ("2001:db8::1", "reserved"),
        ("not-an-address", "reserved"),  # fail closed
    ],
)
def test_refused_addresses(address: str, reason: str) -> None:
    assert classify_address(address) == reason
    assert reason in REASONS


@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "8.8.8.8",
        "1.1.1.1",
        "172.32.0.1",  # just outside 172.16.0.0/12
        "100.128.0.1",  # just outside 100.64.0.0/10
        "2606:4700:4700::1111",
        "::ffff:93.184.216.34",  # IPv4-mapped public address
        "[2606:4700:4700::1111]",  # brackets as in a URL
    ],
)
def test_public_addresses_pass(address: str) -> None:
    assert classify_address(address) is None


def test_teredo_is_refused_even_for_public_clients() -> None:
    # 2001:0::/32 with an obfuscated public client address.
    assert classify_address("2001:0:4136:e378:8000:63bf:3fff:fdd2") is not None


def test_embedded_ipv4() -> None:
    assert str(embedded_ipv4(ipaddress.ip_address("::ffff:10.0.0.1"))) == "10.0.0.1"
    assert embedded_ipv4(ipaddress.ip_address("10.0.0.1")) is None


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("metadata.google.internal", "metadata"),
        ("METADATA.google.internal.", "metadata"),
        ("instance-data", "metadata"),
        ("localhost", "loopback"),
        ("api.localhost", "loopback"),
        ("example.com", None),
        ("localhost.example.com", None),
    ],
)
def test_hostnames_refused_before_dns(host: str, reason: str | None) -> None:
    assert classify_hostname(host) == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", AllowedHost("127.0.0.1")),
        ("127.0.0.1:8080", AllowedHost("127.0.0.1", 8080)),
        ("Intranet.Example.", AllowedHost("intranet.example")),
        ("intranet.example:443", AllowedHost("intranet.example", 443)),
        ("::1", AllowedHost("::1")),
        ("[::1]", AllowedHost("::1")),
        ("[::1]:8000", AllowedHost("::1", 8000)),
    ],
)
def test_parse_allowed_host(text: str, expected: AllowedHost) -> None:
    assert parse_allowed_host(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "host:", "host:0", "host:70000", "host:http", "http://host/", "user@host", "[::1]x"],
)
def test_parse_allowed_host_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"HOST|port"):
        parse_allowed_host(text)


def test_allowed_host_matching() -> None:
    any_port = AllowedHost("127.0.0.1")
    one_port = parse_allowed_host("localhost:8080")
    assert any_port.matches("127.0.0.1", 80)
    assert any_port.matches("127.0.0.1", 9999)
    assert not any_port.matches("127.0.0.2", 80)
    assert one_port.matches("LOCALHOST", 8080)
    assert not one_port.matches("localhost", 8081)
    assert str(one_port) == "localhost:8080"
    assert str(parse_allowed_host("[::1]:80")) == "[::1]:80"


@pytest.mark.parametrize(
    ("name", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),  # historic short form
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f000001", "127.0.0.1"),  # hexadecimal
        ("::1", "::1"),
        ("example.com", None),
    ],
)
def test_numeric_host_forms_resolve_without_dns(name: str, address: str | None) -> None:
    # With --resolve-only these are the only names that resolve; the guard then classifies
    # the address, so odd spellings of 127.0.0.1 cannot sneak past it.
    assert _numeric_address(name) == address
    if address is not None:
        assert classify_address(address) == "loopback"


# --- the middleware, on requests whose hosts need no DNS ---------------------------------------


@pytest.fixture
def guard() -> NetworkGuardMiddleware:
    crawler = get_crawler(settings_dict={"SCAMLINES_ALLOW_HOSTS": ["127.0.0.1:8080", "intranet"]})
    return NetworkGuardMiddleware.from_crawler(crawler)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fd00:ec2::254]/", "metadata"),
        ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
        ("http://[::1]:8080/", "loopback"),
        ("http://127.0.0.1:8081/", "loopback"),  # allowed host, other port
        ("http://localhost:8080/", "loopback"),  # allowed address, but not this name
        ("https://10.1.2.3/", "private"),
        ("http://[::ffff:192.168.0.1]/", "private"),
        ("http://224.0.0.251/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("ftp://files.example/", "scheme"),
        ("file:///etc/passwd", "scheme"),
    ],
)
def test_guard_refuses(guard: NetworkGuardMiddleware, url: str, reason: str) -> None:
    with pytest.raises(IgnoreRequest, match="network guard"):
        asyncio.run(guard.process_request(Request(url)))
    stats = guard.stats.get_stats()
    assert stats[f"scamlines/refused_{reason}"] == 1
    assert stats["scamlines/refused"] == 1
    assert stats["scamlines/refused_examples"][0].startswith(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/",
        "http://intranet/",
        "http://INTRANET:9000/x",
        "http://93.184.216.34/",
    ],
)
def test_guard_lets_through(guard: NetworkGuardMiddleware, url: str) -> None:
    assert asyncio.run(guard.process_request(Request(url))) is None
    assert "scamlines/refused" not in guard.stats.get_stats()
