"""Vanity numbers: toll-free numbers written partly in letters ("1-800-OK-CANON").

Letters dial as on a phone keypad (``phonenumbers.convert_alpha_characters_in_number``). Pages
write them in any case and spacing, and sometimes give the digits the letters stand for in a
bracket after them ("1-800-Microsoft (642-7676)"); the bracket then wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

# Vanity numbers: a toll-free prefix then letter/digit groups joined by - or . ("1-800-OK-CANON",
# "800-HP-INVENT", "1-800-Microsoft"); letter groups may also be joined by one space before a
# capital ("1-800-OK Canon", "1-800-GEEK SQUAD"). A bracket of digits after them gives the
# digits the letters stand for ("1-800-Microsoft (642-7676)", "800-432-1FLY (1359)").
_VANITY_HINT = re.compile(r"8(?:00|33|44|55|66|77|88)\)?[-.][A-Za-z0-9.-]*[A-Za-z]")
_VANITY = re.compile(
    r"(?<![\w+])(?:(?:\+|00[-. ]?)?1[-. ]?)?\(?8(?:00|33|44|55|66|77|88)\)?[-.]"
    r"(?=[A-Za-z0-9-.]*[A-Za-z][A-Za-z0-9-.]*[A-Za-z])"
    r"[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*(?:(?<=[A-Za-z]) [A-Z][A-Za-z]*)*(?![\w])"
    r"(?: ?\((\d[\d -]{2,8}\d)\))?"
)


def find(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits to dial) for each vanity number in ``text``."""
    if not _VANITY_HINT.search(text):
        return
    for match in _VANITY.finditer(text):
        digits = _vanity_digits(match.group(), match.group(1))
        if digits is not None:
            yield match.start(), match.end(), digits


_NATIONAL_DIGITS = 10  #: a North American number without its leading 1


def _capitalised(group: str) -> bool:
    """A vanity letter group starts with a capital ("OK", "Microsoft", "1FLY")."""
    letter = next((char for char in group if char.isalpha()), "")
    return letter.isupper()


def _vanity_digits(printed: str, bracket: str | None) -> str | None:
    """The digits a vanity number dials (leading "00"/"+" dropped), or None when it is no
    vanity number: a masked "1-888-XXX-XXXX", or digits that are complete before the
    letters ("1-800-555-0142-Option", plain text after a whole number)."""
    body = printed[: printed.rfind("(")] if bracket else printed
    body = re.sub(r"^(?:\+|00[-. ]?)", "", body.strip())
    if {char for char in body if char.isalpha()} <= {"X", "x"}:
        return None
    groups = re.split(r"[-. ()]+", body.strip("() "))
    if any(not _capitalised(group) for group in groups if not group.isdigit()):
        return None  # "1800-numbers-puzzled": words after a number, not letters to dial
    first_letter = next(i for i, group in enumerate(groups) if not group.isdigit())
    head = "".join(groups[:first_letter])
    lead = 1 if head.startswith("1") else 0
    if len(head) - lead >= _NATIONAL_DIGITS:
        return None
    if bracket:
        completed = head + re.sub(r"\D", "", bracket)
        if len(completed) - lead == _NATIONAL_DIGITS:
            return completed
    converted = phonenumbers.convert_alpha_characters_in_number("".join(groups))
    digits = re.sub(r"\D", "", converted)
    return digits[: _NATIONAL_DIGITS + lead]


#: Words of brand names that any company may spell: "1-800-AIR-WAYS" is no brand's name.
_GENERIC = frozenset([
    "airline", "airlines", "airways", "bank", "books", "care", "cash", "customer", "customers",
    "express", "group", "help", "line", "lines", "mobile", "online", "pay", "phone", "royal",
    "service", "services", "support", "travel", "wallet",
])


def spells_brand(printed: str, e164: str, names: tuple[str, ...]) -> bool:
    """Whether the vanity number ``printed`` spells one of ``names`` in the very digits it
    dials ("1-800-GEEK SQUAD", "1-800-AT-WELLS", "1-800-ALASKAAIR (1-800-252-7522)").

    Such a number is the brand's own line: a toll-free number spelling a trademark is held by
    its owner, and a fake line has to show the digits a victim will dial. The letters must
    dial the number's digits (a bracket with other digits, "1-800-NORTON (1-888-…)", spells
    nothing), and contain a distinctive word of a name (not "airways"), or be the start of one
    ("ALASKAAIR" of "Alaska Airlines")."""
    body = printed[: printed.rfind("(")] if "(" in printed.lstrip("(") else printed
    letters = "".join(char for char in body.lower() if "a" <= char <= "z")
    if len(letters) < 4 or not e164.startswith("+1"):
        return False
    dialled = re.sub(r"\D", "", phonenumbers.convert_alpha_characters_in_number(body))
    dialled = dialled.removeprefix("1")
    if dialled[:_NATIONAL_DIGITS] != e164[2:]:
        return False
    for name in names:
        words = re.findall(r"[a-z]+", name.lower())
        if any(len(word) >= 4 and word not in _GENERIC and word in letters for word in words):
            return True
        if len(letters) >= 5 and "".join(words).startswith(letters):
            return True
    return False
