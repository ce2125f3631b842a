"""One spelling per page: the normalised URL discovery de-duplicates and stores results by.

Search engines hand back the same page under several spellings: ``HTTP://Example.COM/x``,
``…/x#reviews``, ``…/x?utm_source=google``. :func:`normalise_url` maps them to one string,
which is also the seed handed to the crawler (so ``discoveries.url`` joins ``pages.url``).
"""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import safe_url_string

__all__ = ["TRACKING_PARAMS", "normalise_url", "redact_credentials", "robots_urls"]

#: Query parameters that only say who sent the visitor (``utm_*`` is matched by prefix).
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga"}
)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise_url(url: str) -> str | None:
    """The canonical spelling of an http(s) ``url``, or None when it is not one.

    Lower-case scheme and host (IDNs as punycode), no default port, no fragment, no
    tracking parameters, ``/`` for an empty path; the rest (path case, other parameters and
    their order) is kept, since servers may tell those apart.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    # Pieces are kept as written (not decoded and re-encoded): only tracking ones go.
    query = "&".join(p for p in parts.query.split("&") if p and not _tracking(p))
    rebuilt = urlunsplit((scheme, netloc, parts.path or "/", query, ""))
    return safe_url_string(rebuilt)


def _tracking(piece: str) -> bool:
    name = unquote_plus(piece.split("=", 1)[0]).lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def robots_urls(urls: list[str]) -> list[str]:
    """``scheme://host[:port]/robots.txt`` of each site in ``urls``, once each, in order."""
    sites: dict[str, None] = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in _DEFAULT_PORTS and parts.netloc:
            sites[urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))] = None
    return list(sites)


def redact_credentials(url: str) -> str:
    """``url`` without a ``user:password@`` part, for recording settings in the store."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))
