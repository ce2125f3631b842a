"""One analyst-requested fetch for ``scamlines check URL``: guarded, capped, no robots.txt.

Every hop of a redirect chain is resolved and checked against :mod:`crawler.netguard` before
connecting, so a scam page cannot bounce the analyst's machine onto ``169.254.169.254`` or the
office network. The body is read up to a size cap.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from crawler.netguard import AllowedHost, classify_address, classify_hostname

USER_AGENT = "scamlines/0.1 (+https://github.com/scamlines/scamlines; fake-support-number research)"
MAX_BYTES = 8 * 1024 * 1024
MAX_REDIRECTS = 5


class FetchError(Exception):
    """The page could not be fetched; the message says why, for the analyst."""


@dataclass(slots=True)
class Fetched:
    url: str  #: as requested
    final_url: str
    status: int
    content_type: str | None
    body: bytes
    fetched_at: str
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[tuple[str, int]] = field(default_factory=list)
    truncated: bool = False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # redirects are followed by fetch(), one checked hop at a time


def check_destination(url: str, allow: tuple[AllowedHost, ...] = ()) -> None:
    """Raise FetchError unless ``url`` is http(s) and its host resolves only to public
    addresses (or is named in ``allow``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url}: only http and https URLs can be fetched")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if any(entry.matches(host, port) for entry in allow):
        return
    reason = classify_hostname(host)
    if reason is None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise FetchError(f"{url}: cannot resolve {host} ({error})") from None
        reasons = {classify_address(str(info[4][0])) for info in infos} - {None}
        reason = min(r for r in reasons if r) if reasons else None
    if reason:
        raise FetchError(f"{url}: refused, {host} is a {reason.replace('_', '-')} address "
                         f"(name it with --allow-host {host}:{port} to allow it)")


def fetch(url: str, *, timeout: float = 20.0, allow: tuple[AllowedHost, ...] = (),
          user_agent: str = USER_AGENT) -> Fetched:
    """Fetch ``url`` once, following at most MAX_REDIRECTS checked redirects."""
    opener = urllib.request.build_opener(_NoRedirect)
    current, redirects = url, []
    for _ in range(MAX_REDIRECTS + 1):
        check_destination(current, allow)
        request = urllib.request.Request(current, headers={"User-Agent": user_agent,
                                                           "Accept": "text/html,*/*;q=0.5"})
        try:
            response = opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error  # 3xx (not followed by urllib), 4xx and 5xx still have bodies
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise FetchError(f"{current}: {reason}") from None
        location = response.headers.get("Location") if 300 <= response.status < 400 else None
        if location:
            redirects.append((current, response.status))
            current = urljoin(current, location)
            response.close()
            continue
        return _read(url, current, response, redirects)
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _read(url: str, final_url: str, response, redirects: list[tuple[str, int]]) -> Fetched:  # type: ignore[no-untyped-def]
    try:
        body = response.read(MAX_BYTES + 1)
    except (OSError, ValueError) as error:
        raise FetchError(f"{final_url}: reading the body failed ({error})") from None
    finally:
        response.close()
    return Fetched(
        url=url, final_url=final_url, status=response.status,
        content_type=response.headers.get("Content-Type"), body=body[:MAX_BYTES],
        fetched_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        headers=dict(response.headers.items()), redirects=redirects,
        truncated=len(body) > MAX_BYTES,
    )
