"""The words around a number that tell what the page does with it.

The phrase lists live in :mod:`detector.lexicon`; one scan of the page says where each kind
occurs. Counting occurrences in a window is all the judge needs: a number next to "call us" is
advertised; a number whose sentence says "scammers", "do not call", "block it" is quoted as a
scam; "only the numbers above are verified" is the disclaimer scam pages use to look
trustworthy, not a warning.
"""


from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_STOPS = re.compile(r"[.!?\n]")


def _sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence end: a line break, or . ! ? before a space/the end."""
    ends = []
    length = len(text)
    for match in _STOPS.finditer(text):
        position = match.end()
        if match.group() == "\n":
            ends.append(position)
        elif position >= length or text[position].isspace():
            ends.append(min(position + 1, length))
    return ends


class CueIndex:
    """Where each kind of cue occurs on one page, so any window is counted with two bisects
    instead of a regex pass per number."""

    def __init__(self, lower: str, positions: dict[str, list[int]]):
        self.text = lower
        self.support = sorted(positions.get("support", ()))
        self.cta = sorted(positions.get("cta", ()))
        self.strong = sorted(positions.get("strong_warning", ()))
        self.weak = sorted(positions.get("weak_warning", ()))
        self.disclaimer = sorted(positions.get("disclaimer", ()))
        self.ends = _sentence_ends(lower)

    @staticmethod
    def count(positions: list[int], start: int, end: int) -> int:
        return bisect_left(positions, end) - bisect_left(positions, max(0, start))

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the sentence holding ``[start, end)`` (at most 400/300 chars out)."""
        i = bisect_right(self.ends, start)
        begin = self.ends[i - 1] if i else 0
        j = bisect_left(self.ends, end)
        finish = self.ends[j] if j < len(self.ends) else len(self.text)
        return max(begin, start - 400), min(finish, end + 300)

    def previous_sentence(self, sentence_start: int) -> tuple[int, int]:
        """Bounds of the nearest non-blank sentence before the one at ``sentence_start``."""
        i = bisect_left(self.ends, sentence_start)  # self.ends[i] >= sentence_start
        end = sentence_start
        while i > 0:
            begin = self.ends[i - 1] if i - 1 >= 0 else 0
            if begin < end and self.text[begin:end].strip():
                return max(begin, end - 400), end
            end = begin
            i -= 1
        return (0, end) if self.text[:end].strip() else (end, end)

    def quotes_as_scam(self, start: int, end: int) -> bool:
        """Whether the text around ``[start, end)`` presents that number as a scam.

        A strong warning ("scammers", "do not call", "block it") in the number's own sentence
        decides. Otherwise a call to action in that sentence ("call", "helpline") wins: spam
        says "Worried about fraud? Call …". Without one, a strong warning in the sentence
        before, or two weak hints ("fraud", "fake") around it with one in its own sentence,
        make it a quoted scam number.
        Disclaimers ("only the numbers above are verified") never count as warnings.
        """
        s_start, s_end = self.sentence(start, end)
        if self.count(self.disclaimer, s_start, s_end):
            return False
        if self.count(self.strong, s_start, s_end):
            return True
        if self.count(self.cta, s_start, s_end):
            return False
        own_weak = self.count(self.weak, s_start, s_end)
        weak = own_weak
        p_start, p_end = self.previous_sentence(s_start)
        if p_end > p_start and not self.count(self.disclaimer, p_start, p_end):
            if self.count(self.strong, p_start, p_end):
                return True
            weak += self.count(self.weak, p_start, p_end)
        # Weak hints must touch the number's own sentence: "Worried about fraud? Our agents
        # at … can help" is a pitch.
        return own_weak >= 1 and weak >= 2
