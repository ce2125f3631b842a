"""MISP export: one event per run (or per brand), built with PyMISP's bundled object templates.

Each event holds, per scam page, a ``malicious-website`` object (url, domain, hostname, why)
that ``mentions`` a ``phone-number`` object per advertised number; the ``phone-number``
attribute is in category "Financial fraud" and is an IDS indicator (``to_ids``) when the page
was flagged (suspicious pages are included for context, not as indicators). Both templates
ship inside the ``pymisp`` package (``pymisp/data/misp-objects``): nothing is fetched.

Only what a consumer may act on goes in: clean and official pages, and numbers the allowlist
verifies, are left out, so a brand's real number can never become an indicator.

UUIDs are derived from the store and the finding, so exporting the same run twice gives the
same event, and MISP updates it instead of duplicating it. The output is JSON Lines: one
``{"Event": ...}`` per line, each loadable with ``MISPEvent().load(line)``.

PyMISP (and its ``requests`` dependency) is imported only when this export runs.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

from .hosting import is_hosting_platform
from .rows import FindingTally, Progress, ReportRow

if TYPE_CHECKING:
    from pymisp import MISPEvent, MISPObject

__all__ = ["GROUPS", "build_events", "exported_findings", "write_events"]

GROUPS = ("run", "brand")

#: Verdicts whose pages are exported, and the number statuses that are never indicators.
EXPORTED_VERDICTS = ("flagged", "suspicious")
SAFE_STATUSES = ("verified",)

_NAMESPACE = uuid.UUID("4f6c2b9e-1d53-5c1e-9a61-73636d6c696e")  # fixed: "scamlines" exports


def build_events(
    rows: Sequence[ReportRow],
    runs: dict[int, dict[str, Any]],
    *,
    group: str = "run",
    on_progress: Progress | None = None,
) -> list[MISPEvent]:
    """The events for ``rows``: one per run that last saw them, or one per brand.

    ``runs`` is ``{run_id: run}`` as the store returns them (for dates and stable UUIDs).
    ``on_progress`` counts the exported findings as their objects are built.
    """
    if group not in GROUPS:
        raise ValueError(f"group must be one of {GROUPS}, not {group!r}")
    store_key = min((run["started_at"] for run in runs.values()), default="")
    exported = [row for row in rows if row.verdict in EXPORTED_VERDICTS]
    groups: dict[Any, list[ReportRow]] = {}
    for row in exported:
        key = row.run_id if group == "run" else row.brand or "(no brand)"
        groups.setdefault(key, []).append(row)
    tally = FindingTally(exported, on_progress)
    return [
        _event(f"{store_key}:{group}:{key}", _info(group, key, members), members,
               _event_date(runs.get(key) if group == "run" else None, members), tally)
        for key, members in sorted(groups.items(), key=lambda item: str(item[0]))
    ]  # fmt: skip


def exported_findings(rows: Sequence[ReportRow]) -> int:
    """How many findings :func:`build_events` exports from ``rows``."""
    return len({row.finding_id for row in rows if row.verdict in EXPORTED_VERDICTS})


def write_events(events: Iterable[MISPEvent], stream: IO[str]) -> None:
    """JSON Lines: one ``{"Event": ...}`` per line."""
    for event in events:
        stream.write(json.dumps(json.loads(event.to_json()), ensure_ascii=False) + "\n")


def _info(group: str, key: Any, rows: Sequence[ReportRow]) -> str:
    brands = ", ".join(sorted({row.brand for row in rows if row.brand})) or "no brand named"
    if group == "run":
        return f"scamlines run {key}: fake customer-support numbers ({brands})"
    return f"scamlines: fake {key} customer-support numbers"


def _event_date(run: dict[str, Any] | None, rows: Sequence[ReportRow]) -> dt.date:
    moment = run["started_at"] if run else min(row.first_seen for row in rows)
    return dt.date.fromisoformat(moment[:10])


def _event(
    key: str, info: str, rows: Sequence[ReportRow], date: dt.date, tally: FindingTally
) -> MISPEvent:
    from pymisp import MISPEvent

    event = MISPEvent()
    event.uuid = _uuid(key)
    event.info = info
    event.set_date(date)
    event.distribution = 0  # this organisation only: the analyst decides what to share
    event.threat_level_id = 2  # medium
    event.analysis = 0  # initial: a human has not reviewed every finding yet
    event.add_tag("scamlines")
    for brand in sorted({row.brand for row in rows if row.brand}):
        event.add_tag(_brand_tag(brand))
    phones: dict[str, MISPObject] = {}
    sites: dict[int, MISPObject] = {}
    indicators = {row.e164 for row in rows if row.verdict == "flagged"}
    for row in tally.each(rows):
        site = sites.get(row.page_id)
        if site is None:
            site = sites[row.page_id] = event.add_object(_website(key, row))
        if row.e164 and row.number_status not in SAFE_STATUSES:
            if row.e164 not in phones:
                phones[row.e164] = event.add_object(_phone(key, row, row.e164 in indicators))
            phone = phones[row.e164]
            if not any(ref.referenced_uuid == phone.uuid for ref in site.references):
                site.add_reference(phone.uuid, "mentions", uuid=_uuid(site.uuid, phone.uuid))
    return event


def _website(key: str, row: ReportRow) -> MISPObject:
    from pymisp import MISPObject

    site = MISPObject("malicious-website", standalone=False)
    site.uuid = _uuid(key, "page", row.page_id)
    site.comment = f"Page title: {row.title}"[:1000] if row.title else ""
    evidence = f"captured {row.fetched_at} UTC; body SHA-256 {row.body_sha256}"
    ids = row.verdict == "flagged"
    site.add_attribute("url", value=row.url, to_ids=ids, comment=evidence,
                       uuid=_uuid(key, "page", row.page_id, "url"))  # fmt: skip
    if row.final_url and row.final_url != row.url:
        site.add_attribute("url", value=row.final_url, to_ids=ids, comment="after redirects",
                           uuid=_uuid(key, "page", row.page_id, "final_url"))  # fmt: skip
    # On a hosting platform (weebly.com, zohodesk.com…) the platform's domain would block
    # every tenant: only the tenant's hostname is exported.
    if row.domain and not is_hosting_platform(row.domain, row.host):
        site.add_attribute("domain", value=row.domain, to_ids=ids,
                           uuid=_uuid(key, "page", row.page_id, "domain"))  # fmt: skip
    if row.host and row.host != row.domain:
        site.add_attribute("hostname", value=row.host, to_ids=ids,
                           uuid=_uuid(key, "page", row.page_id, "host"))  # fmt: skip
    reasons = "; ".join(reason.message for reason in row.reasons)
    site.add_attribute("reason", value=f"{row.verdict} (score {row.score:.2f}): {reasons}"[:4000],
                       uuid=_uuid(key, "page", row.page_id, "reason"))  # fmt: skip
    site.add_attribute("threat-type", value="fake customer support (tech-support scam)",
                       uuid=_uuid(key, "page", row.page_id, "threat"))  # fmt: skip
    site.add_attribute("source", value="scamlines", uuid=_uuid(key, "page", row.page_id, "src"))
    if row.first_seen:
        site.first_seen = dt.datetime.fromisoformat(row.first_seen)
    if row.last_seen:
        site.last_seen = dt.datetime.fromisoformat(row.last_seen)
    return site


def _phone(key: str, row: ReportRow, indicator: bool) -> MISPObject:
    from pymisp import MISPObject

    phone = MISPObject("phone-number", standalone=False)
    phone.uuid = _uuid(key, "number", row.e164)
    phone.add_attribute(
        "phone-number",
        value=row.e164,
        category="Financial fraud",
        to_ids=indicator,
        comment=f"{row.number_status} {row.number_type} number advertised as "
        f"{row.brand or 'a brand'}'s support line",
        uuid=_uuid(key, "number", row.e164, "value"),
        Tag=[{"name": _brand_tag(row.brand)}] if row.brand else [],
    )
    country = _country_code(row.e164)
    if country:
        phone.add_attribute("country-code-numeric", value=country,
                            uuid=_uuid(key, "number", row.e164, "cc"))  # fmt: skip
    if row.context:
        phone.add_attribute("text", value=f"As printed: {row.raw} — in context: {row.context}"[:4000],
                            uuid=_uuid(key, "number", row.e164, "text"))  # fmt: skip
    return phone


def _country_code(e164: str) -> str | None:
    import phonenumbers

    try:
        return f"+{phonenumbers.parse(e164).country_code}"
    except phonenumbers.NumberParseException:
        return None


def _brand_tag(brand: str) -> str:
    return f'scamlines:brand="{brand.replace(chr(34), "")}"'


def _uuid(*parts: Any) -> str:
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(str(part) for part in parts)))
