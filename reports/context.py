"""Find the number inside its context snippet, so reports can highlight it.

The snippet is the detector's folded text, while ``raw`` is the number as printed, so the two
do not always match character for character (zero-width joiners, obfuscation separators).
The fallback looks for the number's digits with up to three non-digits between each.
"""

from __future__ import annotations

import re

__all__ = ["split_context"]


def split_context(context: str, raw: str, e164: str) -> tuple[str, str, str]:
    """``(before, number, after)`` with ``number`` as it appears in ``context``.

    ``("context", "", "")`` when the number cannot be found in it.
    """
    if raw and raw in context:
        start = context.index(raw)
        return context[:start], raw, context[start + len(raw) :]
    for digits in _digit_forms(e164):
        pattern = r"\D{0,3}".join(re.escape(d) for d in digits)
        match = re.search(pattern, context)
        if match:
            return context[: match.start()], match.group(), context[match.end() :]
    return context, "", ""


def _digit_forms(e164: str) -> list[str]:
    digits = e164.lstrip("+")
    if len(digits) < 6:
        return []
    # With the country code first (+1 888 …), then the national number alone (888 …).
    forms = [digits]
    for code_length in (1, 2, 3):
        national = digits[code_length:]
        if len(national) >= 6:
            forms.append(national)
    return forms
