"""Takedown packages: per offending site and per number, a notice plus verifiable evidence.

``make_takedown`` selects the findings (by domain, number or finding id), then writes::

    OUT/
      README.txt            what the folder holds and how to verify it
      manifest.json         every file below with its SHA-256 and size
      SHA256SUMS            the same, for ``sha256sum -c SHA256SUMS``
      site-HOST/            one per offending host: for its abuse desk (host or registrar)
        notice.txt  brand-contacts.txt  manifest.json  SHA256SUMS
        evidence/page-ID/captured-body.txt  evidence/page-ID/evidence.json
        evidence/page-ID/screenshot.png  screenshot-full.png   (rendered pages)
      number-E164/          one per advertised number: for its carrier or RespOrg
        notice.txt  brand-contacts.txt  manifest.json  SHA256SUMS  evidence/...

Each package folder verifies on its own, so it can be sent alone. The captured body is the
exact bytes served, saved as ``.txt`` so that opening it shows the page's source and never
runs it. Packaged findings are recorded in the store (status ``reported``).

Safety rules: findings an analyst marked ``false_positive`` are never packaged; a number the
allowlist lists (current or retired) never gets a notice; a host the allowlist says belongs
to a brand is never reported.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.store import filters, utc_now
from crawler.store.filters import normalise_domain

from . import rdap
from .carriers import number_route
from .packaging import MANIFEST, sha256_file, write_checksums
from .rows import Progress
from .screenshots import write_screenshots
from .templating import text_environment

if TYPE_CHECKING:
    from allowlist import Allowlist
    from crawler.store import Store

__all__ = [
    "BODY_FILE",
    "Package",
    "Sender",
    "TakedownError",
    "Target",
    "make_takedown",
    "normalise_domain",
    "normalise_number",
]

BODY_FILE = "captured-body.txt"

#: Number statuses worth a notice to a carrier: shown as a brand's line, unknown to the brand.
REPORTABLE_NUMBER_STATUSES = ("unverified",)


class TakedownError(ValueError):
    """Nothing to package, or a target that must not be reported: an input error."""


@dataclass(frozen=True)
class Target:
    """What to package: exactly one of a domain/host, a number, or a finding id."""

    domain: str | None = None
    number: str | None = None
    finding_id: int | None = None

    def describe(self) -> str:
        if self.domain is not None:
            return f"--domain {self.domain}"
        if self.number is not None:
            return f"--number {self.number}"
        return f"--finding {self.finding_id}"


@dataclass(frozen=True)
class Sender:
    """Who signs the notices."""

    reporter: str | None = None
    contact: str | None = None

    @property
    def signature(self) -> str:
        name = self.reporter or "[your name]"
        return f"{name} <{self.contact or '[your e-mail]'}>"


@dataclass(frozen=True)
class Package:
    """One written package."""

    kind: str  #: ``site`` or ``number``
    target: str  #: the host or the E.164 number
    folder: Path
    finding_ids: tuple[int, ...]
    recipient: str
    manifest_sha256: str


@dataclass
class _Page:
    """A page to report, with its eligible findings and the numbers worth a notice."""

    page: dict[str, Any]
    findings: list[dict[str, Any]]
    numbers: list[str] = field(default_factory=list)


def normalise_number(text: str) -> str:
    """``--number`` as E.164 (national formats are read as North American)."""
    try:
        return filters.normalise_number(text)
    except filters.FilterError as error:
        raise TakedownError(str(error)) from None


def make_takedown(
    store: Store,
    allowlist: Allowlist,
    target: Target,
    out: Path,
    *,
    sender: Sender = Sender(),
    use_rdap: bool = False,
    on_progress: Progress | None = None,
) -> list[Package]:
    """Write the packages for ``target`` under ``out`` and record them in the store.

    ``on_progress(done, total)`` is called after each page's evidence folder is written (a
    page is in its site's package and in each of its numbers' packages).
    Raises :class:`TakedownError` when ``out`` is not empty, when nothing eligible matches,
    or when the target is an allowlisted number or domain.
    """
    _check_out(out)
    pages = _select(store, allowlist, target)
    created = utc_now()
    sites, numbers = _by_host(pages), _by_number(pages, target)
    total = sum(map(len, sites.values())) + sum(map(len, numbers.values()))
    count = itertools.count(1)

    def written() -> None:
        if on_progress is not None:
            on_progress(next(count), total)

    packages = [
        _site_package(store, allowlist, host, group, out, sender, created, use_rdap, written)
        for host, group in sites.items()
    ]
    packages += [
        _number_package(store, allowlist, e164, group, out, sender, created, written)
        for e164, group in numbers.items()
    ]
    _write_root(out, packages, target, created)
    for package in packages:
        store.record_takedown(
            package.finding_ids,
            kind=package.kind,
            target=package.target,
            recipient=package.recipient,
            reporter=sender.reporter,
            contact=sender.contact,
            package=str(package.folder),
            manifest_sha256=package.manifest_sha256,
        )
    return packages


# --- selection ---------------------------------------------------------------------------------


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TakedownError(f"{out}: exists and is not an empty folder; give a new one")


def _select(store: Store, allowlist: Allowlist, target: Target) -> list[_Page]:
    _refuse_allowlisted(allowlist, target)
    findings = [f for f in store.findings() if _eligible(f)]
    if target.finding_id is not None:
        _check_finding(store, target.finding_id)
        findings = [f for f in findings if f["id"] == target.finding_id]
    pages = store.pages_by_id(f["page_id"] for f in findings)
    selected: dict[int, _Page] = {}
    for finding in findings:
        page = pages[finding["page_id"]]
        if _matches(target, page, finding):
            entry = selected.setdefault(page["id"], _Page(page, []))
            entry.findings.append(finding)
    result = [entry for entry in selected.values() if not allowlist.domain_owner(_host(entry.page))]
    for entry in result:
        entry.numbers = _reportable_numbers(store, allowlist, entry)
    if not result:
        raise TakedownError(
            f"nothing to package: no flagged (or analyst-confirmed) finding matches "
            f"{target.describe()} in {store.path}"
        )
    return result


def _eligible(finding: dict[str, Any]) -> bool:
    if finding["status"] == "false_positive":
        return False
    return finding["verdict"] == "flagged" or finding["status"] in ("confirmed", "reported")


def _check_finding(store: Store, finding_id: int) -> None:
    found = [f for f in store.findings() if f["id"] == finding_id]
    if not found:
        raise TakedownError(f"--finding {finding_id}: no such finding in {store.path}")
    finding = found[0]
    if not _eligible(finding):
        raise TakedownError(
            f"--finding {finding_id}: verdict {finding['verdict']}, status {finding['status']}; "
            "only flagged or analyst-confirmed findings are packaged "
            "(a false_positive never is)"
        )


def _matches(target: Target, page: dict[str, Any], finding: dict[str, Any]) -> bool:
    if target.domain is not None:
        wanted = normalise_domain(target.domain)
        host = _host(page)
        return wanted in (host, page.get("domain")) or host.endswith("." + wanted)
    if target.number is not None:
        return normalise_number(target.number) in (finding.get("numbers") or [])
    return True


def _refuse_allowlisted(allowlist: Allowlist, target: Target) -> None:
    if target.number is not None:
        entry = allowlist.number(normalise_number(target.number))
        if entry is not None:
            raise TakedownError(
                f"--number {target.number}: {entry.brand}'s own number in the allowlist "
                f"({entry.use or 'use not given'}); no takedown for it"
            )
    if target.domain is not None:
        owner = allowlist.domain_owner(normalise_domain(target.domain))
        if owner is not None:
            raise TakedownError(
                f"--domain {target.domain}: belongs to {owner.name} (allowlist); no takedown for it"
            )


def _reportable_numbers(store: Store, allowlist: Allowlist, entry: _Page) -> list[str]:
    shown = {e164 for f in entry.findings for e164 in f.get("numbers") or []}
    statuses = {s["e164"]: s["status"] for s in store.sightings(entry.page["id"]) if s["status"]}
    return sorted(
        e164
        for e164 in shown
        if statuses.get(e164) in REPORTABLE_NUMBER_STATUSES and allowlist.number(e164) is None
    )


def _by_host(pages: Sequence[_Page]) -> dict[str, list[_Page]]:
    groups: dict[str, list[_Page]] = {}
    for entry in pages:
        groups.setdefault(_host(entry.page), []).append(entry)
    return dict(sorted(groups.items()))


def _by_number(pages: Sequence[_Page], target: Target) -> dict[str, list[_Page]]:
    only = normalise_number(target.number) if target.number is not None else None
    groups: dict[str, list[_Page]] = {}
    for entry in pages:
        for e164 in entry.numbers:
            if only is None or e164 == only:
                groups.setdefault(e164, []).append(entry)
    return dict(sorted(groups.items()))


def _host(page: dict[str, Any]) -> str:
    return (page.get("host") or page.get("domain") or "").lower()


# --- packages ----------------------------------------------------------------------------------


def _site_package(
    store: Store,
    allowlist: Allowlist,
    host: str,
    pages: list[_Page],
    out: Path,
    sender: Sender,
    created: str,
    use_rdap: bool,
    written: Callable[[], None],
) -> Package:
    folder = out / f"site-{_safe_name(host)}"
    domain = pages[0].page.get("domain") or host
    contact = rdap.abuse_contact(domain) if use_rdap else None
    recipient = contact or rdap.placeholder(domain)
    evidence = _write_evidence(store, pages, folder, written)
    context = _common_context(allowlist, pages, evidence, sender, created)
    context.update(host=host, domain=domain, recipient=recipient)
    return _finish(folder, "site", host, pages, recipient, "site-notice.txt", context)


def _number_package(
    store: Store,
    allowlist: Allowlist,
    e164: str,
    pages: list[_Page],
    out: Path,
    sender: Sender,
    created: str,
    written: Callable[[], None],
) -> Package:
    folder = out / f"number-{_safe_name(e164)}"
    route = number_route(e164)
    evidence = _write_evidence(store, pages, folder, written)
    context = _common_context(allowlist, pages, evidence, sender, created)
    context.update(route=route, e164=e164)
    return _finish(folder, "number", e164, pages, route.recipient, "number-notice.txt", context)


def _finish(
    folder: Path,
    kind: str,
    target: str,
    pages: list[_Page],
    recipient: str,
    notice: str,
    context: dict[str, Any],
) -> Package:
    env = text_environment()
    _write_text(folder / "notice.txt", env.get_template(notice).render(**context))
    _write_text(folder / "brand-contacts.txt", env.get_template("brand-contacts.txt").render(**context))
    finding_ids = tuple(sorted({f["id"] for entry in pages for f in entry.findings}))
    write_checksums(folder, _about(kind, target, recipient, finding_ids, context["created"]))
    return Package(kind, target, folder, finding_ids, recipient, sha256_file(folder / MANIFEST))


def _about(
    kind: str, target: str, recipient: str, finding_ids: tuple[int, ...], created: str
) -> dict[str, Any]:
    return {
        "kind": kind,
        "target": target,
        "recipient": recipient,
        "finding_ids": list(finding_ids),
        "created_at": created,
        "generator": f"scamlines {version('scamlines')}",
    }


def _common_context(
    allowlist: Allowlist,
    pages: list[_Page],
    evidence: list[dict[str, Any]],
    sender: Sender,
    created: str,
) -> dict[str, Any]:
    brands = sorted({f["brand"] for entry in pages for f in entry.findings if f["brand"]})
    return {
        "pages": evidence,
        "brands": brands,
        "brand_names": " / ".join(brands) or "a protected brand",
        "contacts": [_brand_contacts(allowlist, name) for name in brands],
        "sender": sender,
        "created": created,
        "generator": f"scamlines {version('scamlines')}",
        "body_file": BODY_FILE,
    }


def _brand_contacts(allowlist: Allowlist, name: str) -> dict[str, Any]:
    brand = allowlist.brand(name)
    if brand is None:
        return {"name": name, "known": False}
    return {
        "name": brand.name,
        "known": True,
        "phone_support": brand.phone_support,
        "domains": list(brand.domains),
        "numbers": [
            {
                "display": number_route(entry.e164).display,
                "use": entry.use,
                "source": entry.source,
                "verified_on": entry.verified_on.isoformat(),
                "retired": entry.retired,
            }
            for entry in brand.numbers
        ],
    }


# --- evidence ----------------------------------------------------------------------------------


def _write_evidence(
    store: Store, pages: list[_Page], folder: Path, written: Callable[[], None]
) -> list[dict[str, Any]]:
    """Write ``evidence/page-ID/`` for each page (``written()`` after each); returns what the
    notices say about them."""
    summaries = []
    for entry in pages:
        summaries.append(_write_page_evidence(store, entry, folder))
        written()
    return summaries


def _write_page_evidence(store: Store, entry: _Page, folder: Path) -> dict[str, Any]:
    page_id = entry.page["id"]
    record = store.page_evidence(page_id) or {"page": entry.page, "captures": [], "sightings": []}
    capture = record["captures"][0] if record["captures"] else {}
    where = folder / "evidence" / f"page-{page_id}"
    where.mkdir(parents=True, exist_ok=True)
    body = capture.get("body")
    body_path = f"evidence/page-{page_id}/{BODY_FILE}" if body is not None else None
    if body is not None:
        (where / BODY_FILE).write_bytes(body)
    numbers = _numbers_in_context(record["sightings"], entry)
    summary = _page_summary(record["page"], capture, entry, numbers, body_path)
    evidence = _evidence_json(record, capture, entry, body_path)
    # What a visitor saw (reports.screenshots), and which text was judged.
    evidence["screenshots"] = summary["screenshots"] = write_screenshots(store, page_id, where)
    evidence["capture"]["text_judged"] = capture.get("text_source")
    _write_text(where / "evidence.json", json.dumps(evidence, indent=2, ensure_ascii=False) + "\n")
    return summary


def _numbers_in_context(sightings: list[dict[str, Any]], entry: _Page) -> list[dict[str, Any]]:
    shown = {e164 for f in entry.findings for e164 in f.get("numbers") or []}
    best: dict[str, dict[str, Any]] = {}
    for sighting in sorted(sightings, key=lambda s: (s["source"] != "text", s["start"] or 0)):
        if sighting["e164"] in shown and sighting["status"] != "verified":
            best.setdefault(sighting["e164"], sighting)
    return [
        {"e164": e164, "raw": s["raw"], "context": s["context"], "status": s["status"],
         "display": number_route(e164).display}
        for e164, s in sorted(best.items())
    ]  # fmt: skip


def _page_summary(
    page: dict[str, Any],
    capture: dict[str, Any],
    entry: _Page,
    numbers: list[dict[str, Any]],
    body_path: str | None,
) -> dict[str, Any]:
    reasons: dict[str, str] = {}
    for finding in entry.findings:
        for reason in finding.get("reasons") or []:
            reasons.setdefault(reason.get("code", ""), reason.get("message", ""))
    return {
        "id": page["id"],
        "url": page["url"],
        "final_url": capture.get("final_url") or page.get("final_url") or page["url"],
        "title": page.get("title") or "",
        "fetched_at": capture.get("fetched_at") or page.get("fetched_at") or "",
        "status": capture.get("status") or page.get("status"),
        "sha256": capture.get("body_sha256") or page.get("body_sha256") or "",
        "size": capture.get("size"),
        "redirects": [hop.get("url", "") for hop in capture.get("redirect_chain") or []],
        "numbers": numbers,
        "reasons": list(reasons.values()),
        "body_path": body_path,
        "evidence_path": f"evidence/page-{page['id']}/evidence.json",
    }


def _evidence_json(
    record: dict[str, Any], capture: dict[str, Any], entry: _Page, body_path: str | None
) -> dict[str, Any]:
    page = record["page"]
    return {
        "page": {key: page.get(key) for key in (
            "id", "url", "final_url", "host", "domain", "status", "content_type", "title",
            "language", "first_seen", "last_seen")},
        "capture": {
            "id": capture.get("id"),
            "run_id": capture.get("run_id"),
            "fetched_at_utc": capture.get("fetched_at"),
            "status": capture.get("status"),
            "final_url": capture.get("final_url"),
            "response_headers": capture.get("headers"),
            "redirect_chain": capture.get("redirect_chain"),
            "body_sha256": capture.get("body_sha256"),
            "body_size": capture.get("size"),
            "content_type": capture.get("content_type"),
            "body_file": body_path,
            "body_note": None if body_path else "body not stored (over the size limit)",
        },
        "sightings": [
            {key: s.get(key) for key in (
                "e164", "raw", "source", "start", "end", "context", "status", "brand",
                "obfuscated")}
            for s in record["sightings"]
        ],
        "findings": [
            {key: f.get(key) for key in (
                "id", "brand", "verdict", "score", "reasons", "status", "first_seen",
                "last_seen")}
            for f in entry.findings
        ],
        "earlier_captures": [
            {key: c.get(key) for key in ("id", "run_id", "fetched_at", "status", "body_sha256")}
            for c in record["captures"][1:]
        ],
    }  # fmt: skip


# --- the folder --------------------------------------------------------------------------------


def _write_root(out: Path, packages: list[Package], target: Target, created: str) -> None:
    text = text_environment().get_template("package-readme.txt").render(
        packages=packages, out=out, target=target.describe(), created=created
    )
    _write_text(out / "README.txt", text)
    write_checksums(out, {
        "kind": "takedown",
        "selection": target.describe(),
        "created_at": created,
        "generator": f"scamlines {version('scamlines')}",
        "packages": [{"folder": p.folder.name, "kind": p.kind, "target": p.target,
                      "manifest_sha256": p.manifest_sha256} for p in packages],
    })  # fmt: skip


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.+_-]", "_", text).strip(".") or "unnamed"
