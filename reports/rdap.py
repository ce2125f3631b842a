"""Optional RDAP look-up of a domain's abuse contact (``scamlines takedown --rdap``).

Off by default: it sends the domain under investigation to a public RDAP service, and tests
and offline machines must not depend on the network. Every failure (no network, timeout, no
record, no abuse entity) gives None, and the notice then carries a placeholder instead.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import Any

__all__ = ["RDAP_BOOTSTRAP", "abuse_contact", "find_abuse_email", "placeholder"]

#: A public RDAP redirector: it forwards to the registry responsible for the TLD.
RDAP_BOOTSTRAP = "https://rdap.org/domain/"


def placeholder(domain: str) -> str:
    """What a notice says when the abuse contact is not known."""
    return f"[abuse contact: look up via RDAP for {domain}]"


def abuse_contact(domain: str, *, timeout: float = 5.0) -> str | None:
    """The abuse e-mail address RDAP gives for ``domain`` or a parent of it, or None.

    Hosted tenants (``x.blogspot.com``) have no record of their own, so parents are tried up
    to the last two labels. ``timeout`` bounds each request.
    """
    for candidate in _candidates(domain):
        record = _fetch(candidate, timeout)
        if record is not None:
            email = find_abuse_email(record)
            if email:
                return email
    return None


def find_abuse_email(record: dict[str, Any]) -> str | None:
    """The e-mail of the first entity with role ``abuse`` in an RDAP domain record."""
    for entity in _entities(record.get("entities") or []):
        if "abuse" in (entity.get("roles") or []):
            email = _vcard_email(entity.get("vcardArray"))
            if email:
                return email
    return None


def _entities(entities: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    # Registrars nest their abuse contact inside the registrar entity.
    for entity in entities:
        if isinstance(entity, dict):
            yield entity
            yield from _entities(entity.get("entities") or [])


def _vcard_email(vcard: Any) -> str | None:
    if not (isinstance(vcard, list) and len(vcard) == 2 and isinstance(vcard[1], list)):
        return None
    for item in vcard[1]:
        if isinstance(item, list) and len(item) >= 4 and item[0] == "email":
            return str(item[3]).strip() or None
    return None


def _candidates(domain: str) -> list[str]:
    labels = domain.strip(".").lower().split(".")
    return [".".join(labels[i:]) for i in range(max(1, len(labels) - 1))]


def _fetch(domain: str, timeout: float) -> dict[str, Any] | None:
    url = RDAP_BOOTSTRAP + urllib.parse.quote(domain)
    request = urllib.request.Request(url, headers={"Accept": "application/rdap+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.loads(response.read(1024 * 1024))
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return data if isinstance(data, dict) else None
