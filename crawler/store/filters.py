"""What analysts type to pick findings, made exact: ``--since RUN|DATE``, ``--brand`` in any
case, ``--number`` in any format, ``--domain`` as a host, domain or URL.

Shared by ``report``, ``takedown``, ``findings``, ``triage`` and ``numbers``, so the same words
select the same findings everywhere. Each raises :class:`FilterError` (a ``ValueError``) with
a one-line message naming the option.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from crawler.store.values import format_time

if TYPE_CHECKING:
    from crawler.store.facade import Store

__all__ = ["FilterError", "normalise_domain", "normalise_number", "parse_since", "resolve_brand"]


class FilterError(ValueError):
    """A filter names something the store does not have, or cannot be read."""


def parse_since(store: Store, text: str) -> tuple[int | None, str | None]:
    """``--since``: a run id (findings that run or a later one saw) or an ISO date/time.

    Returns ``(run_id, None)`` or ``(None, utc_time)``. A date means midnight UTC; a time
    without a zone is taken as UTC.
    """
    value = text.strip()
    if value.isdigit():
        if store.run(int(value)) is None:
            raise FilterError(f"--since {value}: no run {value} in {store.path}")
        return int(value), None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise FilterError(
            f"--since {text!r}: expected a run id or a date such as 2026-11-20 "
            "or 2026-11-20T08:00Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return None, format_time(moment)


def resolve_brand(name: str, known: Iterable[str]) -> str:
    """The brand's name as the store spells it (case-insensitive), or :class:`FilterError`
    listing the brands the store knows."""
    names = {brand.casefold(): brand for brand in known if brand}
    found = names.get(name.strip().casefold())
    if found is None:
        listed = ", ".join(sorted(names.values())) or "none"
        raise FilterError(f"--brand {name!r}: no finding names this brand (the store has: {listed})")
    return found


def normalise_number(text: str) -> str:
    """``--number`` as E.164 (national formats are read as North American)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        raise FilterError(f"--number {text!r}: not a phone number") from None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_domain(text: str) -> str:
    """A host or domain from ``--domain`` (a URL or ``host:port`` is accepted too)."""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text.strip().lower())
    host = re.split(r"[/?#]", host, maxsplit=1)[0].rsplit("@", 1)[-1]
    return host.split(":", 1)[0].strip(".")
