"""Host names as the allowlist compares them: lowercase, no port, no trailing dot, Unicode.

Listed domains and looked-up hosts go through the same :func:`normalise_host`, so
``https://WWW.Support.HP.com.:443/x``, ``xn--bcher-kva.de`` and ``bücher.de`` compare as the
allowlist expects. Punycode is decoded (rather than Unicode encoded) so that reports show
the readable form a visitor saw.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# IDNA 2003 treats these as label separators; browsers do too, so a scam page can use them.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
# A query that is host-shaped: dotted labels ending in an alphabetic TLD, maybe a port/path.
_HOST_QUERY = re.compile(
    r"(?:[^\s@/]+@)?[^\s/:?#@]+\.(?:[^\W\d_]{2,63}|xn--[a-z0-9-]+)\.?(?::\d*)?(?:[/?#]\S*)?",
    re.IGNORECASE,
)


def normalise_host(host_or_url: str) -> str:
    """The bare, comparable host of a host name or URL ("" when there is none)."""
    text = host_or_url.strip().translate(_DOTS)
    if "://" not in text:
        text = "//" + text  # let urlsplit find the host of "host:port/path" too
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:  # e.g. an unbalanced "[" in an IPv6 literal
        return ""
    return ".".join(_decode_label(label) for label in host.rstrip(".").split("."))


def looks_like_host(query: str) -> bool:
    """Whether a lookup query reads as a URL, e-mail address or host rather than a number."""
    text = query.strip()
    return "://" in text or _HOST_QUERY.fullmatch(text) is not None


def hostname_error(domain: str) -> str | None:
    """Why a listed domain is not a plain host name, or ``None`` when it is one."""
    if any(mark in domain for mark in ("/", ":", "@", " ")):
        return "is not a bare host name (no scheme, path, port or spaces)"
    labels = domain.split(".")
    if "" in labels:
        return "is not a valid host name (empty label: leading, trailing or double dot)"
    if len(labels) < 2:
        return "is not a host name (it needs at least one dot)"
    try:
        ascii_labels = [label.encode("idna").decode("ascii").lower() for label in labels]
    except UnicodeError:
        ascii_labels = [""]  # over-long or undecodable: fails the check below
    if not all(_LABEL.fullmatch(label) for label in ascii_labels):
        return "is not a valid host name (labels of letters, digits and inner hyphens)"
    if ascii_labels[-1].isdigit():
        return "is not a host name (numeric top-level label; IP addresses are not domains)"
    return None


def parent_domains(host: str) -> list[str]:
    """``a.b.c`` -> ``["a.b.c", "b.c", "c"]``: the host and every domain above it."""
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def _decode_label(label: str) -> str:
    # The round trip through IDNA both decodes punycode and applies nameprep (case folding,
    # compatibility forms), so every spelling of a label compares equal.
    try:
        return label.encode("idna").decode("idna")
    except UnicodeError:
        return label  # too long or bad punycode: compare it as written
