"""Whose number is it? Numbers a page gives for an organisation other than the brand.

A warning about brand impersonation often ends with the warner's own line: "report it to our
Consumer Assistance Program at 800-555-0100", "call the Attorney General's Consumer Protection
Division at …". Such a number belongs to the organisation named right before it in its
sentence, not to the brand the page is about, so it is never judged as the brand's line.
Only institutional names count (office, program, department, agency…): a "Reservations
Center" or "Support Line" is what spam calls the brand's own desk.
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


def named_owner(text: str, start: int, mention_starts: list[int]) -> str | None:
    """The institution ``text`` names as the owner of the number starting at ``start``: the
    last institutional name in the number's sentence before it, with no brand mention
    (``mention_starts``, sorted) between that name and the number."""
    begin = max(0, start - _WINDOW)
    if not _OWNER_HINT.search(text, begin, start):
        return None
    for char in _STOPS:
        at = text.rfind(char, begin, start)
        while at >= 0 and char == "." and at + 1 < start and not text[at + 1].isspace():
            at = text.rfind(char, begin, at)  # "3.5", "example.com"
        if at >= 0:
            begin = max(begin, at + 1)
    owner = None
    for match in _OWNER.finditer(text, begin, start):
        owner = match
    if owner is None:
        return None
    first_after = bisect_left(mention_starts, owner.start())
    if first_after < len(mention_starts) and mention_starts[first_after] < start:
        return None  # a brand is named between the institution and the number
    return owner.group().strip()


