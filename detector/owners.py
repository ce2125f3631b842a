"""Whose number is it? Numbers a page gives for an organisation other than the brand.

A warning about brand impersonation often ends with the warner's own line: "report it to our
Consumer Assistance Program at 800-555-0100", "call the Attorney General's Consumer Protection
Division at …". Such a number belongs to the organisation named right before it in its
sentence, not to the brand the page is about, so it is never judged as the brand's line.
Only institutional names count (office, program, department, agency…): a "Reservations
Center" or "Support Line" is what spam calls the brand's own desk. A short name the page
defines for one ("Consumer Financial Protection Bureau (CFPB)") counts as that institution, and
"call them at …" names the owner in the sentence before ("File a complaint with the CFPB. You
can also call them at …").
"""

from __future__ import annotations

import re
from bisect import bisect_left

_WINDOW = 160  #: characters before a number searched for its owner
_INSTITUTION = (
    r"(?:Program|Programme|Office|Department|Dept\.?|Division|Bureau|Agency|Commission|"
    r"Council|Authority|Ministry|Police|Sheriff|Attorney General|Ombudsman|Regulator|"
    r"Consumer Protection|Consumer Affairs|Unit)"
)
# A capitalised name ending in an institutional noun, or "our office/agency/…".
_OWNER = re.compile(
    rf"(?:\b[A-Z][\w&'’.-]*\s+){{0,5}}{_INSTITUTION}\b(?:'s)?"
    r"|\b[Oo]ur\s+(?:office|agency|division|department|bureau|commission|unit|program|"
    r"programme|consumer\s+\w+(?:\s+\w+)?)\b"
)
# Every owner _OWNER finds contains one of these: a cheap search (literal alternatives) rules
# out most numbers before the costly pattern, which tries a name at every capital.
_OWNER_HINT = re.compile(rf"{_INSTITUTION}|[Oo]ur\s")
_STOPS = ".!?\n"
# "… Protection Bureau (CFPB)": the acronym a page defines for an institution.
_DEFINED = re.compile(rf"\b{_INSTITUTION}\s*\(([A-Z]{{2,8}})\)")
_ACRONYM = re.compile(r"\([A-Z]{2,8}\)")
# The number's sentence points back at the owner: "You can also call them at …".
_POINTS_BACK = re.compile(
    r"\b(?:call|contact|reach|phone|ring|dial|text)\s+(?:them|it|the agency|the office|"
    r"the bureau|the regulator)\b", re.IGNORECASE)


def defined_names(text: str) -> re.Pattern[str] | None:
    """The institutions' short names ``text`` defines ("… Bureau (CFPB)"), as one pattern for
    :func:`named_owner`; None when it defines none (most pages)."""
    if "(" not in text or not _ACRONYM.search(text):  # most pages: no "(ABC)" at all
        return None
    names = sorted({m.group(1) for m in _DEFINED.finditer(text)})
    if not names:
        return None
    return re.compile(r"\b(?:" + "|".join(names) + r")\b(?:['’]s)?")


def institutional_site(host: str) -> bool:
    """Government and public-service hosts (``.gov``, ``.gov.uk``, ``.mil``, ``.nhs.uk``,
    ``.police.uk``, ``state.xx.us``): the numbers on them are the institution's own."""
    labels = host.lower().split(".")
    if len(labels) < 2:
        return False
    if labels[-1] in ("gov", "mil") or "gov" in labels[-3:-1] or "gob" in labels[-3:-1]:
        return True
    if labels[-1] == "uk" and labels[-2] in ("nhs", "police"):
        return True
    return labels[-1] == "us" and "state" in labels[-4:-1]


def named_owner(text: str, start: int, mention_starts: list[int],
                defined: re.Pattern[str] | None = None) -> str | None:
    """The institution ``text`` names as the owner of the number starting at ``start``: the
    last institutional name in the number's sentence before it (or in the sentence before,
    when the number's sentence says "call them"), with no brand mention (``mention_starts``,
    sorted) between that name and the number. ``defined``: the page's short names for
    institutions (:func:`defined_names`)."""
    begin = _sentence_start(text, max(0, start - _WINDOW), start)
    owner = _last_owner(text, begin, start, defined)
    if owner is None and _POINTS_BACK.search(text, begin, start):
        before = _sentence_start(text, max(0, begin - _WINDOW - 1), begin - 1)
        owner = _last_owner(text, before, begin, defined)
    if owner is None:
        return None
    first_after = bisect_left(mention_starts, owner.start())
    if first_after < len(mention_starts) and mention_starts[first_after] < start:
        return None  # a brand is named between the institution and the number
    return owner.group().strip()


def _sentence_start(text: str, begin: int, end: int) -> int:
    """Where the sentence holding ``end`` starts, no earlier than ``begin``."""
    for char in _STOPS:
        at = text.rfind(char, begin, end)
        while at >= 0 and char == "." and at + 1 < end and not text[at + 1].isspace():
            at = text.rfind(char, begin, at)  # "3.5", "example.com"
        if at >= 0:
            begin = max(begin, at + 1)
    return begin


def _last_owner(text: str, begin: int, end: int,
                defined: re.Pattern[str] | None) -> re.Match[str] | None:
    owner = None
    if _OWNER_HINT.search(text, begin, end):
        for match in _OWNER.finditer(text, begin, end):
            owner = match
    if defined is not None:
        for match in defined.finditer(text, begin, end):
            if owner is None or match.start() > owner.start():
                owner = match
    return owner
