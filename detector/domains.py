"""Hosts and registrable domains, offline.

The public suffix list comes from tldextract's bundled snapshot (never fetched at run time).
Link wrappers (Outlook SafeLinks, Google redirects, Facebook's l.php…) are unwrapped so the page
is judged by where it really is. Pages on user-content sections of a brand's domain (Google
Sites, community forums) are not the brand speaking, so they never count as official.
"""

from __future__ import annotations

import contextlib
import re
from functools import cache
from importlib import resources
from urllib.parse import parse_qs, unquote, urlsplit

import idna

# Wrapper host suffix → the query parameter carrying the real URL.
_WRAPPERS = {
    "safelinks.protection.outlook.com": "url",
    "google.com": "q",  # /url?q=
    "l.facebook.com": "u",
    "lm.facebook.com": "u",
    "l.instagram.com": "u",
    "out.reddit.com": "url",
    "slack-redir.net": "url",
    "t.umblr.com": "z",
    "href.li": "",
}
_WRAPPER_ALT_PARAMS = ("url", "u", "q", "target", "dest", "destination", "redirect")
# First labels that mark a section where anyone can publish.
_UGC_LABELS = frozenset(
    {"sites", "groups", "community", "communities", "forum", "forums", "discussions",
     "answers", "techcommunity", "social", "docs", "drive", "script", "h30434"}
)
_UGC_PATHS = (("support.google.com", "/thread/"), ("learn.microsoft.com", "/answers/"))


@cache
def _extractor():  # type: ignore[no-untyped-def]
    import tldextract  # imported late: it costs 0.15 s and a one-page check may not need it

    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


def unwrap(url: str, _depth: int = 0) -> str:
    """The destination of a known link wrapper, else ``url`` itself."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for suffix, param in _WRAPPERS.items():
        if host == suffix or host.endswith("." + suffix):
            query = parse_qs(parts.query)
            for name in (param, *_WRAPPER_ALT_PARAMS):
                values = query.get(name) if name else None
                if values and values[0].startswith(("http://", "https://")):
                    inner = values[0]
                    return unwrap(inner, _depth + 1) if _depth < 3 else inner
            if not param and parts.query.startswith("http"):
                return unquote(parts.query)
    return url


def host_of(url_or_host: str) -> str:
    """Lower-case host name (IDNA decoded) of a URL or a bare host."""
    text = url_or_host.strip()
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".").lower()
    if "xn--" in host:
        with contextlib.suppress(idna.IDNAError):  # keep the punycode form when not decodable
            host = idna.decode(host)
    return host


def registrable_domain(host: str) -> str:
    """``a.b.example.co.uk`` → ``example.co.uk``; IP addresses and bare names come back as is."""
    if not host:
        return ""
    result = _extractor()(host)
    return result.top_domain_under_public_suffix or host


def site_domain(host: str) -> str:
    """The domain a site registered: :func:`registrable_domain`, or its last two labels under
    a suffix the list does not know (``www.airticketchanges.example`` →
    ``airticketchanges.example``)."""
    site = registrable_domain(host)
    if site == host and host.count(".") > 1:
        site = ".".join(host.split(".")[-2:])
    return site


def is_user_content(url: str) -> bool:
    """True for sections of a domain where anyone can publish (Google Sites, forums)."""
    parts = urlsplit(url if "://" in url else "//" + url)
    host = (parts.hostname or "").lower()
    labels = host.split(".")
    if len(labels) > 2 and labels[0] in _UGC_LABELS:
        return True
    return any(host == h and parts.path.startswith(p) for h, p in _UGC_PATHS)


@cache
def _hosting() -> dict[str, frozenset[str]]:
    text = resources.files("detector").joinpath("data/hosting.txt").read_text("utf-8")
    entries: dict[str, set[str]] = {"host": set(), "label": set(), "path": set(),
                                    "mirror": set()}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            kind, value = line.split(":", 1)
            entries[kind.strip()].add(value.strip().lower())
    return {kind: frozenset(values) for kind, values in entries.items()}


def is_document_mirror(url: str) -> bool:
    """Whether ``url`` is on a site that republishes brands' own documents (a manual archive:
    a ``mirror:`` word of ``detector/data/hosting.txt`` in a host label, "manualsdump")."""
    words = _hosting()["mirror"]
    return any(word in label for label in host_of(url).split(".")[:-1] for word in words)


def is_hosted(url: str) -> bool:
    """Whether ``url`` is a page anyone could publish (``detector/data/hosting.txt``): a free
    site builder, hosted help desk, blog platform, forum or social post."""
    parts = urlsplit(url if "://" in url else "//" + url)
    host = (parts.hostname or "").lower()
    hosting = _hosting()
    labels = host.split(".")
    if any(".".join(labels[i:]) in hosting["host"] for i in range(len(labels) - 1)):
        return True
    if any(word in label for label in labels[:-1] for word in hosting["label"]):
        return True
    segments = unquote(parts.path).lower().split("/")
    return any(segment in hosting["path"] for segment in segments[:-1])


def is_hosting_platform(domain: str, host: str | None = None) -> bool:
    """Whether ``domain`` (registrable) is a platform anyone publishes on (a ``host:`` entry of
    ``detector/data/hosting.txt``, or the domain of one: ``google.com`` for
    ``sites.google.com``), and ``host``, if given, one of its tenants rather than the
    platform's own site. Exports use it so that the platform's domain is never an indicator."""
    domain = domain.lower().rstrip(".")
    if host is not None and host.lower().rstrip(".") == domain:
        return False
    return domain in _platform_domains()


@cache
def _platform_domains() -> frozenset[str]:
    hosts = _hosting()["host"]
    return frozenset(hosts | {registrable_domain(host) for host in hosts})


_WORDS = re.compile(r"[a-z0-9]+")


def url_words(url: str) -> str:
    """Host labels and path words of a URL as plain text ("call-expedia-now" → "call expedia
    now"), for brand and number detection."""
    parts = urlsplit(url)
    path = unquote(parts.path + " " + parts.query)
    return " ".join(_WORDS.findall((parts.hostname or "") + " " + path.lower()))


def url_number_text(url: str) -> str:
    """The parts of a URL a number can hide in, one per line: the host, each path segment, the
    query. A number never spans a "/" ("/2025/05/03/" is a date path, not a phone number),
    but spam slugs carry whole numbers ("/call-1-877-555-0142-now")."""
    parts = urlsplit(url)
    pieces = [parts.hostname or "", *unquote(parts.path).split("/"), unquote(parts.query)]
    # A slug's word joiners become spaces where a word meets a number ("billing-1-888…"), so
    # the word reads as text, not as an identifier's label; joiners inside a date stay.
    # A dot before five digits or more is an identifier's ("…-beschwerde-1.5429757"): a
    # dotted phone number's groups have four digits at most ("1.888.555.0142").
    text = _ID_DOT.sub("\n", "\n".join(piece for piece in pieces if piece))
    return _SLUG_JOIN.sub("\n", text)


_SLUG_JOIN = re.compile(r"(?<=[^\W\d_])[-_+](?=\d)|(?<=\d)[-_](?=[^\W\d_])")
_ID_DOT = re.compile(r"(?<=\d)\.(?=\d{5})")
