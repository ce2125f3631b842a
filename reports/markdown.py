"""The Markdown summary: for a ticket or a chat message (CommonMark / GitHub-flavoured).

Counts by verdict and brand, the most-seen numbers, and a table of flagged findings. Page text
is attacker-controlled, and Markdown renders raw HTML, links and images, so every value the
template prints is escaped by the environment's ``finalize`` hook (:func:`md_escape`): line
breaks are folded, the characters that open inline Markdown (``\\ ` * _ [ ] ( ) < > | ~ & $``)
get a backslash, and web addresses are defanged (``hxxp://``, ``www[.]``) so that no renderer
turns them into links and nobody clicks them from a ticket. All Markdown syntax is literal
template text; only :class:`Md` values (built here from escaped parts) print unescaped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from jinja2 import Environment

from .html import ReportInfo
from .rows import VERDICTS, FindingTally, Progress, ReportRow
from .templating import plain, unescaped_environment

__all__ = ["Md", "defang", "md_escape", "render_markdown"]

#: How many flagged findings and numbers the summary lists before pointing to the full export.
TABLE_LIMIT = 50
TOP_NUMBERS = 10

# Inline Markdown openers. Line-start syntax (#, >, -, 1.) cannot occur: values never start
# a line, and line breaks are folded. An underscore between two letters or digits cannot
# start emphasis (CommonMark's flanking rules), so ``toll_free`` stays readable.
_SPECIAL = re.compile(r"[\\`*\[\]()<>|~&$]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_SPACE = re.compile(r"\s+")
_LINK_START = re.compile(r"\b(?:(https?|ftp)(://)|(www)(\.))", re.IGNORECASE)


class Md(str):
    """Markdown this module built from escaped parts: printed as is."""


def md_escape(value: Any) -> Md:
    """``value`` as inert Markdown text on one line (an :class:`Md` is returned unchanged)."""
    if isinstance(value, Md):
        return value
    return Md(_escape(_SPACE.sub(" ", plain(value)).strip()))


def defang(url: Any) -> Md:
    """``http://a.example/x`` → ``hxxp://a[.]example/x``: readable, not clickable.

    The ``[.]`` brackets are left unescaped for readability; they cannot form a link because
    ``(`` is always escaped and values never start a line (where a link definition could).
    """
    text = _SPACE.sub(" ", plain(url)).strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    host, slash, path = rest.partition("/")
    labels = "[.]".join(_escape(label) for label in host.split("."))
    return Md(f"{_escape(_hxxp(scheme))}{sep}{labels}{slash}{_escape(path)}")


def _escape(text: str) -> str:
    return _SPECIAL.sub(lambda match: "\\" + match.group(), _defang_text(text))


def _defang_text(text: str) -> str:
    # What GFM autolinks: scheme:// and www. ; breaking those keeps addresses inert.
    def swap(match: re.Match[str]) -> str:
        if match.group(1):
            return _hxxp(match.group(1)) + match.group(2)
        return match.group(3) + "[.]"

    text = _LINK_START.sub(swap, text)
    # Renderers also autolink bare hosts ("paypal-refund-desk.com/claim", "//127.0.0.1/p")
    # and e-mail addresses: a dot before a letter (a TLD), the dots of an IPv4 address and
    # an at sign inside a word are bracketed, which no renderer links.
    text = _IPV4.sub(lambda match: match.group().replace(".", "[.]"), text)
    text = _HOST_DOT.sub("[.]", text)
    return _MAIL_AT.sub("[@]", text)


_HOST_DOT = re.compile(r"(?<=[0-9A-Za-z\-])\.(?=[A-Za-z])")
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
_MAIL_AT = re.compile(r"(?<=[0-9A-Za-z._%+\-])@(?=[0-9A-Za-z])")


def _hxxp(scheme: str) -> str:
    return {"http": "hxxp", "https": "hxxps", "ftp": "fxp"}.get(scheme.lower(), scheme)


@cache
def _environment() -> Environment:
    env = unescaped_environment(md_escape)
    env.filters["defang"] = defang
    return env


def render_markdown(
    rows: Sequence[ReportRow], info: ReportInfo, on_progress: Progress | None = None
) -> str:
    """The summary document; ``on_progress`` counts the findings summed up."""
    findings = _one_per_finding(FindingTally(rows, on_progress).each(rows))
    flagged = [f for f in findings if f["verdict"] == "flagged"]
    return _environment().get_template("report.md.j2").render(
        info=info,
        total=len(findings),
        by_verdict=_by_verdict(findings),
        by_brand=_by_brand(findings),
        top_numbers=_top_numbers(rows),
        flagged=flagged[:TABLE_LIMIT],
        more=max(0, len(flagged) - TABLE_LIMIT),
    )


def _one_per_finding(rows: Iterable[ReportRow]) -> list[dict[str, Any]]:
    findings: dict[int, dict[str, Any]] = {}
    for row in rows:
        finding = findings.setdefault(row.finding_id, {"row": row, "numbers": []})
        if row.e164:
            finding["numbers"].append(row.e164)
    ranked = sorted(findings.values(), key=lambda f: (-f["row"].score, f["row"].finding_id))
    return [
        {"verdict": f["row"].verdict, "row": f["row"], "numbers": ", ".join(f["numbers"])}
        for f in ranked
    ]


def _by_verdict(findings: list[dict[str, Any]]) -> list[tuple[str, int]]:
    counts = Counter(f["verdict"] for f in findings)
    return [(verdict, counts[verdict]) for verdict in VERDICTS if counts[verdict]]


def _by_brand(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    brands: dict[str, Counter[str]] = {}
    for finding in findings:
        brands.setdefault(finding["row"].brand or "(no brand)", Counter())[finding["verdict"]] += 1
    ordered = sorted(brands.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return [
        {"brand": brand, "total": sum(c.values()), "flagged": c["flagged"],
         "suspicious": c["suspicious"]}
        for brand, c in ordered
    ]  # fmt: skip


def _top_numbers(rows: Sequence[ReportRow]) -> list[dict[str, Any]]:
    pages: dict[str, set[int]] = {}
    details: dict[str, ReportRow] = {}
    brands: dict[str, set[str]] = {}
    for row in rows:
        if not row.e164:
            continue
        pages.setdefault(row.e164, set()).add(row.page_id)
        brands.setdefault(row.e164, set()).add(row.brand or "(no brand)")
        details.setdefault(row.e164, row)
    ranked = sorted(pages, key=lambda e164: (-len(pages[e164]), e164))[:TOP_NUMBERS]
    return [
        {"e164": e164, "pages": len(pages[e164]), "brands": ", ".join(sorted(brands[e164])),
         "status": details[e164].number_status, "type": details[e164].number_type}
        for e164 in ranked
    ]  # fmt: skip
