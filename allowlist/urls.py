"""Source URLs: what a ``source`` must look like, and whose domain it is on.

Provenance is judged from the host of each source URL (:mod:`allowlist.provenance`), so a
source has to be an absolute ``http(s)`` URL with a host: "the brand's site" or a bare
domain would make the level a matter of opinion.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import parse_qs, urlsplit

from .hosts import normalise_host

_ARCHIVES = ("web.archive.org", "webharvest.gov", "www.webharvest.gov")
# /web/20041017211634/http://... (archive.org) or /peth04/20041017211634/http:/... (webharvest)
_ARCHIVED = re.compile(r"^/[^/]+/\d{4,14}[a-z_]*/(https?:/{1,2}.+)$")


def url_problem(value: object) -> str | None:
    """Why ``value`` is not a usable source URL (a phrase), or ``None`` when it is one."""
    if not isinstance(value, str):
        return "must be a string" if value is not None else "is missing"
    text = value.strip()
    if not text:
        return "is empty"
    try:
        parts = urlsplit(text)
    except ValueError:
        return f"{text!r} is not a URL"
    if parts.scheme not in ("http", "https") or not normalise_host(text):
        return f"{text!r} is not an http(s) URL"
    return None


def source_host(url: str) -> str:
    """The comparable host of the page a source URL shows.

    An archived copy (``web.archive.org/web/<time>/<url>``, ``webharvest.gov``) or a mail
    filter's wrapped link (``*.safelinks.protection.outlook.com/?url=<url>``) shows the
    page of the URL inside it, so that inner URL's host is the one judged.
    """
    return normalise_host(unwrap(url))


def unwrap(url: str) -> str:
    """The page inside an archive or link-wrapper URL, else ``url`` itself."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host in _ARCHIVES:
        match = _ARCHIVED.match(parts.path)
        if match:
            return unwrap(match[1].replace(":/", "://", 1) if "://" not in match[1] else match[1])
    if host.endswith(".safelinks.protection.outlook.com"):
        inner = parse_qs(parts.query).get("url", [""])[0]
        if inner.startswith(("http://", "https://")):
            return unwrap(inner)
    return url


def registrable_domain(host: str) -> str:
    """``a.b.example.co.uk`` -> ``example.co.uk`` (Public Suffix List, private part included).

    Two sources are independent only when they sit on different registrable domains: two
    blogs on one ``blogspot.com`` account are not, two pages of one site are not either.
    """
    if not host:
        return ""
    result = _extractor()(host)
    # An unknown suffix (``.example``, an intranet name): the last two labels.
    return result.top_domain_under_public_suffix or ".".join(host.split(".")[-2:])


@cache
def _extractor():  # type: ignore[no-untyped-def]
    import tldextract  # imported late: it costs 0.15 s and most loads need no third party

    # The snapshot bundled with tldextract: no network fetch, ever.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)
