"""One place where a URL becomes a request: parsed, validated, or refused with a reason.

Seeds, redirect targets and search results are hostile text. ``urlsplit`` raises on
``http://[::1/``, ``.port`` on ``http://h:1:2/``, and ``http.client`` on a tab; each of those
used to escape as a traceback. :func:`request_url` turns any string into a clean, absolute
http(s) URL or raises :class:`BadURL` with a message for the analyst.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from w3lib.url import safe_url_string

__all__ = ["BadURL", "RequestURL", "request_url"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Browsers (the WHATWG URL standard) drop tabs and line breaks anywhere in a URL and trim
# C0 controls and spaces at both ends; other control characters make it unusable.
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_TRIMMED = "".join(map(chr, range(0x21)))


class BadURL(ValueError):
    """The text is not a usable http(s) URL; the message says why."""


@dataclass(frozen=True, slots=True)
class RequestURL:
    """A URL ready to be requested."""

    url: str  #: absolute, percent-encoded, IDNA host
    scheme: str
    host: str
    port: int


def request_url(text: str, base: str | None = None) -> RequestURL:
    """``text`` (resolved against ``base`` when relative) as a :class:`RequestURL`.

    :raises BadURL: not http(s), no host, a bad port or IPv6 literal, control characters.
    """
    shown = text[:200]
    value = _TAB_OR_NEWLINE.sub("", text).strip(_TRIMMED)
    if _CONTROL.search(value):
        raise BadURL(f"{shown!r}: the URL contains a control character")
    try:
        if base is not None:
            value = urljoin(base, value)
        parts = urlsplit(value)
    except ValueError as error:
        raise BadURL(f"{shown}: malformed URL ({error})") from None
    try:
        port = parts.port
    except ValueError as error:
        raise BadURL(f"{shown}: bad port ({error})") from None
    try:
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        if scheme in _DEFAULT_PORTS and host:
            value = safe_url_string(value)  # percent-encoded, IDNA host: what goes on the wire
            host = (urlsplit(value).hostname or "").rstrip(".")
    except (ValueError, UnicodeError) as error:
        raise BadURL(f"{shown}: malformed URL ({error})") from None
    if scheme not in _DEFAULT_PORTS:
        raise BadURL(f"{shown}: only http and https URLs can be fetched")
    if not host:
        raise BadURL(f"{shown}: the URL has no host")
    return RequestURL(value, scheme, host, port or _DEFAULT_PORTS[scheme])
